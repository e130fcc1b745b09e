"""The one picker every field that names a record uses (STYLE.md §11): people in care,
volunteers, organisations, regions and users.

A kind (``Picker``) knows the actor's scoped rows (each app's own selector), how to search
them — the name, its pinyin in full or by initials anywhere in the name (``hlj`` finds
北关社区红领巾志愿队), an ID number by its keyed hash, a phone — what a typed text names
exactly (a page without JavaScript, a pasted list), and a label that tells namesakes apart.
``PickerField`` and ``MultiPickerField`` render it (HTMX autocomplete over ``GET
/pick/<kind>/?q=``, or a plain ``<select>`` for fewer than ``SHORT_LIST`` choices) and clean
to the instance(s), refusing on the field an unknown or out-of-scope value; ``PickerForm``
hands them the actor and gives the services the ids or codes they take.
"""

import copy
import json
import re
import unicodedata
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from functools import lru_cache

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Case, Exists, IntegerField, OuterRef, Prefetch, Q, QuerySet, When
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from linli.accounts.access import access_for
from linli.accounts.roles import Domain, Perm, Role
from linli.core.bounds import ID_MAX, is_ascii_number
from linli.core.errors import NotFound
from linli.core.pinyin import pinyin_keys
from linli.regions.lookup import (
    PlaceIndex,
    RegionLookup,
    address_places,
    plain,
    short_name,
    township_stem,
    village_stem,
)
from linli.regions.models import CODE_LENGTHS, Level, Region

SHORT_LIST = 50  # fewer choices than this: a plain <select>, no search needed
RESULTS = 10  # options one search answers with
CANDIDATES = 20  # namesakes listed for a typed name that several records answer to
_LATIN = re.compile(r"[a-z0-9]+")
_SEPARATORS = re.compile(r"[\s,，、;；]+")


def _nfkc(text) -> str:
    return unicodedata.normalize("NFKC", str(text or "")).strip()


def _latin(q: str) -> str:
    """The query as pinyin (lower-case letters and digits) when it is written in Latin
    letters only, else ''."""
    lowered = q.lower().replace(" ", "")
    return lowered if lowered and "".join(_LATIN.findall(lowered)) == lowered else ""


def name_q(q: str, field: str = "name") -> Q:
    """The Chinese text, the full pinyin or the initials anywhere in the name (the rows
    keep ``<field>_pinyin`` and ``<field>_initials``)."""
    query = Q(**{f"{field}__contains": q})
    latin = _latin(q)
    if latin:
        query |= Q(**{f"{field}_pinyin__contains": latin})
        query |= Q(**{f"{field}_initials__contains": latin})
    return query


def name_rank(q: str, field: str = "name") -> Case:
    """0 for a name that starts with the query (in characters, pinyin or initials)."""
    starts = Q(**{f"{field}__startswith": q})
    latin = _latin(q)
    if latin:
        starts |= Q(**{f"{field}_pinyin__startswith": latin})
        starts |= Q(**{f"{field}_initials__startswith": latin})
    return Case(When(starts, then=0), default=1, output_field=IntegerField())


@lru_cache(maxsize=1 << 14)
def _keys(name: str) -> tuple[str, str]:
    return pinyin_keys(name)


def pinyin_pks(rows: QuerySet, q: str, field: str, limit: int = 200) -> tuple[list, set]:
    """For rows that keep no pinyin columns (regions, users): the keys of those whose
    ``field`` holds the pinyin query (names' keys cached), and those it starts."""
    latin = _latin(q)
    found, starts = [], set()
    if not latin:
        return found, starts
    for pk, name in rows.order_by().prefetch_related(None).values_list("pk", field).iterator():
        full, initials = _keys(name or "")
        if latin in full or latin in initials:
            found.append(pk)
            if full.startswith(latin) or initials.startswith(latin):
                starts.add(pk)
            if len(found) >= limit:
                break
    return found, starts


def mask_phone(phone: str) -> str:
    digits = "".join(c for c in _nfkc(phone) if c in "0123456789")
    if len(digits) < 7:
        return _("无电话") if not digits else "****"
    return f"{digits[:3]}****{digits[-4:]}"


def _phone_q(q: str, field: str = "phone") -> Q | None:
    """A phone typed whole (spaces and hyphens allowed), or None when ``q`` is none."""
    digits = re.sub(r"[\s-]", "", _nfkc(q))
    if not (is_ascii_number(digits) and 7 <= len(digits) <= 20):
        return None
    return Q(**{field: digits}) | Q(**{field: _nfkc(q)})


def _pk(text) -> int | None:
    text = _nfkc(text)
    if not is_ascii_number(text) or len(text) > 19 or not 0 < int(text) <= ID_MAX:
        return None
    return int(text)


# --- the kinds ---------------------------------------------------------------------------

class Picker(ABC):
    """One pickable kind. Subclasses give the scope, the search and the label."""

    name = ""
    noun = ""
    public = False  # reference data: a disabled field shows it unscoped (``unscoped``)
    options: tuple[str, ...] = ()  # narrowing options the field and the endpoint accept

    @abstractmethod
    def scope(self, actor, **options) -> QuerySet:
        """The rows the actor may pick (the app's own scoped selector)."""

    def search_q(self, q: str) -> Q:
        return name_q(q)

    def rank(self, q: str):
        return name_rank(q)

    def exact_q(self, text: str) -> Q:
        """What a typed text names exactly (no substring): a name, a number."""
        return Q(name=text)

    def label(self, obj) -> str:
        return str(obj)

    def key(self, obj):
        return obj.pk

    def parse_key(self, text):
        return _pk(text)

    def key_filter(self, keys) -> Q:
        return Q(pk__in=keys)

    def search(self, actor, q: str, *, limit: int = RESULTS, **options) -> list:
        q = _nfkc(q)
        if not q:
            return []
        rows = self.scope(actor, **options).filter(self.search_q(q))
        return list(rows.annotate(picker_rank=self.rank(q)).order_by(
            "picker_rank", *self.ordering)[:limit])

    ordering: tuple[str, ...] = ("pk",)

    def exact(self, actor, text: str, **options) -> list:
        text = _nfkc(text)
        if not text:
            return []
        return list(self.scope(actor, **options).filter(self.exact_q(text))
                    .order_by(*self.ordering)[:CANDIDATES + 1])

    def by_keys(self, actor, keys, **options) -> dict:
        """{key: row} for the keys inside the scope (the others are simply absent)."""
        parsed = [k for k in (self.parse_key(k) for k in keys) if k is not None]
        if not parsed:
            return {}
        rows = self.scope(actor, **options).filter(self.key_filter(parsed))
        return {self.key(row): row for row in rows}

    def short_list(self, actor, **options) -> list | None:
        """Every choice when there are fewer than SHORT_LIST, else None."""
        rows = list(self.scope(actor, **options).order_by(*self.ordering)[:SHORT_LIST])
        return rows if len(rows) < SHORT_LIST else None

    def missing(self, actor, key, *, label: str, **options) -> str:
        """Why a posted value is refused (missing and not-yours read the same)."""
        return _("所选%(n)s不存在或不在您的可见范围内,请重新检索选择") % {"n": self.noun}

    def not_found(self, actor, text: str, **options) -> str:
        """Why nothing answers to a typed text, when there is more to say than that."""
        return ""

    def read_options(self, params) -> dict:
        """The options of a request (the endpoint's query string), each checked."""
        return {name: value for name in self.options
                if (value := _option(name, params.get(name, ""))) is not None}


def _option(name: str, raw: str):
    raw = _nfkc(raw)
    if not raw:
        return None
    if name == "level":
        return int(raw) if raw in {str(v) for v in Level.values} else None
    if name in ("within", "region"):
        return raw if is_ascii_number(raw) and len(raw) in CODE_LENGTHS.values() else None
    if name == "role":
        return raw if raw in Role.values else None
    if name == "above":
        return True if raw in ("1", "True") else None
    return None


PICKERS: dict[str, Picker] = {}


def register(cls):
    PICKERS[cls.name] = cls()
    return cls


@register
class PeoplePicker(Picker):
    name, noun = "people", gettext_lazy("关爱对象")
    ordering = ("region_code", "name", "pk")

    def scope(self, actor, **options):
        from linli.people.models import PersonStatus
        from linli.people.selectors import visible_people

        return visible_people(actor).filter(status=PersonStatus.ACTIVE).select_related("region")

    def search_q(self, q):
        return name_q(q) | self._number_q(q)

    def exact_q(self, text):
        return Q(name=text) | self._number_q(text)

    @staticmethod
    def _number_q(q: str) -> Q:
        """An ID number (exact, through its keyed hash) or a phone."""
        from linli.people import identity

        query = Q(pk__in=[])
        try:
            number = identity.normalise(q)
        except identity.InvalidIdNumber:
            number = ""
        if len(number) == 18:
            query |= Q(id_hash=identity.lookup_hash(number))
        phone = _phone_q(q)
        return query | phone if phone is not None else query

    def label(self, person) -> str:
        age = person.age()
        return " · ".join([person.name, person.region.name, person.id_masked or _("无证件号"),
                           _("%(n)d岁") % {"n": age} if age is not None else _("年龄不详")])


@register
class VolunteerPicker(Picker):
    name, noun = "volunteers", gettext_lazy("志愿者")
    ordering = ("region_code", "name", "pk")

    def scope(self, actor, **options):
        from linli.orgs.selectors import volunteer_list

        return volunteer_list(actor=actor).filter(is_active=True)

    def search_q(self, q):
        phone = _phone_q(q)
        return name_q(q) | phone if phone is not None else name_q(q)

    def exact_q(self, text):
        phone = _phone_q(text)
        return Q(name=text) | phone if phone is not None else Q(name=text)

    def label(self, volunteer) -> str:
        return " · ".join([volunteer.name, volunteer.region.name, mask_phone(volunteer.phone)])


@register
class OrganisationPicker(Picker):
    name, noun = "organisations", gettext_lazy("社会组织")
    ordering = ("region_code", "name", "pk")

    def scope(self, actor, **options):
        from linli.orgs.models import Organisation
        from linli.orgs.selectors import organisation_scope_q

        access = access_for(actor)
        if access.sees_domain(Domain.ORGANIZATIONS):
            rows = Organisation.objects.filter(organisation_scope_q(actor))
        elif access.can(Perm.MANAGE_USERS):
            # An administrator binds staff to an organisation of their region; the names
            # and places of organisations are not personal data.
            rows = access.filter(Organisation.objects.all())
        else:
            rows = Organisation.objects.none()
        return rows.select_related("region")

    def search_q(self, q):
        return name_q(q) | Q(credit_code=q.upper())

    def exact_q(self, text):
        return Q(name=text) | Q(credit_code=text.upper())

    def label(self, org) -> str:
        parts = org.region.path.split("/")
        where = parts[Level.TOWNSHIP - 1] if len(parts) >= Level.TOWNSHIP else parts[-1]
        words = [org.name, where]
        if org.status != "active":
            words.append(org.get_status_display())
        return " · ".join(words)


@register
class RegionPicker(Picker):
    name, noun = "regions", gettext_lazy("区划")
    public = True
    options = ("level", "within", "above")
    ordering = ("code",)

    def scope(self, actor, *, level: int | None = None, within: str = "", above: bool = False,
              **options):
        """The actor's regions, and those of ``_beyond_scope_q`` (``above``: the street a
        village committee files its community organisations with)."""
        access = access_for(actor)
        query = access.region_q("code")
        extra = _beyond_scope_q(access, above=above)
        if extra is not None:
            query |= extra
        rows = Region.objects.filter(query)
        if level:
            rows = rows.filter(level=level)
        if within:
            rows = rows.filter(code__startswith=within)
        return rows

    def search(self, actor, q, *, limit=RESULTS, **options):
        q = _nfkc(q)
        if not q:
            return []
        rows = self.scope(actor, **options)
        query, starts = Q(name__contains=q), Q(name__startswith=q)
        if is_ascii_number(q):
            query |= Q(code__startswith=q)
        pks, first = pinyin_pks(rows, q, "name")
        if pks:
            query |= Q(pk__in=pks)
            starts |= Q(pk__in=sorted(first))
        rank = Case(When(starts, then=0), default=1, output_field=IntegerField())
        return list(rows.filter(query).annotate(picker_rank=rank)
                    .order_by("picker_rank", "level", "code")[:limit])

    def exact(self, actor, text, **options) -> list:
        """A region typed by its code or name, as a roster names it (regions.lookup):
        东关大街街道 or 东关大街, 北关社区 for 北关社区居民委员会, 东关大街街道北关社区."""
        typed = plain(text)
        if not typed:
            return []
        lookup = RegionLookup(actor, min_level=Level.PROVINCE)
        extra = _beyond_scope_q(access_for(actor), above=options.get("above", False))
        for region in Region.objects.filter(extra) if extra is not None else []:
            if region.code not in lookup.by_code:
                lookup.by_code[region.code] = region
                for name in {region.name, short_name(region.name)}:
                    lookup.by_name.setdefault(plain(name), []).append(region)
        if is_ascii_number(typed):
            found = [lookup.by_code[typed]] if typed in lookup.by_code else []
        else:
            found = self._named(lookup, PlaceIndex(lookup), typed)
        level, within = options.get("level"), options.get("within", "")
        return [r for r in found if (not level or r.level == level)
                and r.code.startswith(within)][:CANDIDATES + 1]

    @staticmethod
    def _named(lookup: RegionLookup, places: PlaceIndex, typed: str) -> list[Region]:
        found = {r.code: r for r in lookup.by_name.get(typed, [])
                 + lookup.by_name.get(short_name(typed), [])}
        if not found:
            found = {r.code: r for r in _stem_matches(places, typed)}
        if not found:  # a township and a village written together
            township, village = address_places(typed)
            if township and village:
                towns = [r.code for r in _stem_matches(places, township)]
                found = {r.code: r for r in _stem_matches(places, village)
                         if any(r.code.startswith(t) for t in towns)}
        return sorted(found.values(), key=lambda r: r.code)

    def label(self, region) -> str:
        path = region.path.split("/", 1)
        return path[1] if len(path) == 2 else region.path

    def key(self, region):
        return region.code

    def unscoped(self, keys) -> list[Region]:
        return list(Region.objects.filter(code__in=[str(k) for k in keys]))

    def parse_key(self, text):
        text = _nfkc(text)
        return text if is_ascii_number(text) and len(text) in CODE_LENGTHS.values() else None

    def key_filter(self, keys):
        return Q(code__in=keys)

    def missing(self, actor, key, *, label, **options):
        code = self.parse_key(key)
        region = Region.objects.filter(code=code).first() if code else None
        if region is None:
            return _("找不到所选区划,请输入名称检索后选择")
        if not access_for(actor).covers(region.code):
            return _("%(f)s应在您的辖区内,“%(r)s”不在其中") % {"f": label, "r": region.name}
        level = options.get("level")
        if level and region.level != level:
            return _("请选择%(l)s,不能只选“%(r)s”") % {"l": Level(level).label, "r": region.name}
        return _("请选择“%(w)s”下的区划") % {
            "w": Region.objects.filter(code=options.get("within", "")).first() or ""}

    def not_found(self, actor, text, **options):
        level = options.get("level")
        found = self.exact(actor, text, **{**options, "level": None}) if level else []
        wrong = [r for r in found if r.level != level]
        if len(wrong) == 1 and len(found) == 1:
            return _("请选择%(l)s,不能只选“%(r)s”") % {"l": Level(level).label,
                                                    "r": wrong[0].name}
        return ""


def _beyond_scope_q(access, *, above: bool) -> Q | None:
    """Regions a picker offers outside the actor's own subtree, or None: for organisation
    staff their organisations' counties (where they place volunteers); ``above``, the
    township over a village of theirs."""
    query = None
    if access.organisation_ids:
        from linli.orgs.models import Organisation

        codes = Organisation.objects.filter(pk__in=sorted(access.organisation_ids))
        for county in {c[:CODE_LENGTHS[Level.COUNTY]]
                       for c in codes.values_list("region_code", flat=True)}:
            query = Q(code__startswith=county) if query is None else query | Q(
                code__startswith=county)
    townships = [c[:CODE_LENGTHS[Level.TOWNSHIP]] for c in access.region_codes
                 if len(c) == CODE_LENGTHS[Level.VILLAGE]] if above else []
    if townships:
        query = Q(code__in=townships) if query is None else query | Q(code__in=townships)
    return query


def _stem_matches(places, typed: str) -> list[Region]:
    """Townships and villages whose stem is the typed one (鲁沙尔镇 for 鲁沙尔街道, 北关 for
    北关社区居民委员会); 新庄村 is not 新庄社区."""
    stem, kind = village_stem(typed)
    villages = [r for r in places.villages.get(stem, [])
                if not kind or village_stem(r.name)[1] in (kind, "")]
    return places.townships.get(township_stem(typed)[0], []) + villages


@register
class UserPicker(Picker):
    name, noun = "users", gettext_lazy("用户")
    options = ("role", "region")
    ordering = ("full_name", "username", "pk")

    def scope(self, actor, *, role: str = "", region: str = "", **options):
        from linli.accounts.models import Membership, User
        from linli.accounts.selectors import user_list

        access = access_for(actor)
        active = Membership.objects.filter(is_active=True).select_related("region")
        if access.can(Perm.MANAGE_USERS):
            users = user_list(actor=actor)
        elif access.can(Perm.VIEW):
            mine = Membership.objects.filter(access.scope_q("region_code", "organisation_id"),
                                             user=OuterRef("pk"), is_active=True)
            users = User.objects.filter(Exists(mine)).prefetch_related(
                Prefetch("memberships", queryset=active, to_attr="active_memberships"))
        else:
            return User.objects.none()
        if role or region:
            wanted = Membership.objects.filter(user=OuterRef("pk"), is_active=True)
            wanted = wanted.filter(role=role) if role else wanted
            wanted = wanted.filter(region_code=region) if region else wanted
            users = users.filter(Exists(wanted))
        return users.filter(is_active=True)

    def search(self, actor, q, *, limit=RESULTS, **options):
        q = _nfkc(q)
        if not q:
            return []
        rows = self.scope(actor, **options)
        query = Q(username__icontains=q) | Q(full_name__contains=q)
        phone = _phone_q(q)
        if phone is not None:
            query |= phone
        starts = Q(full_name__startswith=q) | Q(username__istartswith=q)
        pks, first = pinyin_pks(rows, q, "full_name")
        if pks:
            query |= Q(pk__in=pks)
            starts |= Q(pk__in=sorted(first))
        rank = Case(When(starts, then=0),
                    default=1, output_field=IntegerField())
        return list(rows.filter(query).annotate(picker_rank=rank)
                    .order_by("picker_rank", *self.ordering)[:limit])

    def exact_q(self, text):
        phone = _phone_q(text)
        query = Q(username=text) | Q(full_name=text)
        return query | phone if phone is not None else query

    def label(self, user) -> str:
        words = [f"{user.display_name}({user.username})"]
        memberships = getattr(user, "active_memberships", None)  # prefetched by the scope
        if memberships is None:
            memberships = user.memberships.filter(is_active=True).select_related("region")
        membership = next(iter(memberships), None)
        if membership is not None:
            words += [membership.get_role_display(), membership.region.name]
        return " · ".join(words)


# --- the endpoint ------------------------------------------------------------------------

def _query(params) -> str:
    """The typed text: ``q``, or the picker's own text box (``<field>__text``)."""
    if params.get("q"):
        return params["q"]
    return next((v for k, v in params.items() if k.endswith("__text") and v.strip()), "")


@login_required
def pick(request, kind: str):
    """The options of a picker as an HTML fragment (HTMX), scoped like every read."""
    picker = PICKERS.get(kind)
    if picker is None or not access_for(request.user).can(Perm.VIEW):
        raise NotFound()
    q = _nfkc(_query(request.GET))[:100]
    found = picker.search(request.user, q, limit=RESULTS + 1,
                          **picker.read_options(request.GET)) if q else []
    return render(request, "core/_picker_options.html", {
        "q": q, "results": [(picker.key(o), picker.label(o)) for o in found[:RESULTS]],
        "more": len(found) > RESULTS, "limit": RESULTS})


# --- the fields --------------------------------------------------------------------------

@dataclass
class Picked:
    """What a picker posted: the chosen keys, and any text typed and not picked."""

    keys: list = field(default_factory=list)
    text: str = ""

    @classmethod
    def of(cls, value, picker: Picker) -> "Picked":
        if isinstance(value, Picked):
            return value
        if value in (None, ""):
            return cls()
        values = value if isinstance(value, (list, tuple, set, QuerySet)) else [value]
        return cls(keys=[str(picker.key(v)) if hasattr(v, "pk") else str(v)
                         for v in values if v not in (None, "")])

    @property
    def empty(self) -> bool:
        return not self.keys and not self.text.strip()


@dataclass
class Resolution:
    objects: list = field(default_factory=list)
    unknown: list = field(default_factory=list)  # posted keys not found in the scope
    unresolved: list = field(default_factory=list)  # (typed text, its candidates)


class PickerWidget(forms.Widget):
    """A text box searching over HTMX with a hidden value (chips for several), or a plain
    <select> for a short list. The field (``self.field``) gives it the kind and the actor."""

    template_name = "core/_picker.html"
    multiple = False

    def value_from_datadict(self, data, files, name):
        keys = data.getlist(name) if hasattr(data, "getlist") else data.get(name)
        keys = keys if isinstance(keys, list) else [keys]
        keys = [str(k) for k in keys if k not in (None, "")]
        # one value: the last one posted (a list of candidates follows the hidden value)
        return Picked(keys=keys if self.multiple else keys[-1:],
                      text=str(data.get(f"{name}__text", "") or ""))

    def value_omitted_from_data(self, data, files, name):
        return name not in data and f"{name}__text" not in data

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"].update(self.field.render_context(name, value, context["widget"]))
        return context


class MultiPickerWidget(PickerWidget):
    multiple = True


def _same_record(text: str, label: str) -> bool:
    """The box still shows the chosen record: its label, or one whose details moved on
    (an age, a status) under the same name."""
    return text == label or text.split(" · ")[0] == label.split(" · ")[0] != ""


class PickerField(forms.Field):
    """One record of ``kind`` picked in the actor's scope; cleans to the instance."""

    widget = PickerWidget
    multiple = False

    def __init__(self, kind: str, *, options: dict | None = None, placeholder: str = "",
                 **kwargs):
        self.picker = PICKERS[kind]
        self.options = dict(options or {})
        self.placeholder = placeholder
        self.actor = None
        self._memo: dict = {}
        super().__init__(**kwargs)
        self.widget.field = self

    def __deepcopy__(self, memo):
        result = super().__deepcopy__(memo)
        result.options = copy.copy(self.options)
        result.widget.field = result
        result._memo = {}
        return result

    # -- cleaning --

    def resolve(self, picked: Picked) -> Resolution:
        """The records the posted keys and typed text name (worked out once per value)."""
        token = (tuple(picked.keys), picked.text, tuple(sorted(self.options.items())))
        if token not in self._memo:
            self._memo[token] = self._resolve(picked)
        return self._memo[token]

    def _resolve(self, picked: Picked) -> Resolution:
        picker = self.picker
        found = picker.by_keys(self.actor, picked.keys, **self.options)
        parsed = [picker.parse_key(k) for k in picked.keys]
        result = Resolution(unknown=[k for k, p in zip(picked.keys, parsed, strict=True)
                                     if p not in found])
        chosen = list({p: found[p] for p in parsed if p in found}.values())
        for text in self._texts(picked.text, chosen):
            candidates = picker.exact(self.actor, text, **self.options)
            keys = {picker.key(o) for o in chosen}
            if len(candidates) == 1:
                # typed over a value without JavaScript: what was typed wins
                chosen = [*chosen, candidates[0]] if self.multiple else candidates
            elif not any(picker.key(c) in keys for c in candidates):
                result.unresolved.append((text, candidates[:CANDIDATES]))
        result.objects = list({picker.key(o): o for o in chosen}.values())
        return result

    def _texts(self, text: str, chosen: list) -> list[str]:
        """The typed words still to find: none when the box shows the chosen record."""
        text = _nfkc(text)
        labels = [self.picker.label(o) for o in chosen]
        if not text or any(_same_record(text, label) for label in labels):
            return []
        if not self.multiple:
            return [text]
        return [w for w in dict.fromkeys(_SEPARATORS.split(text)) if w and w not in labels]

    def clean(self, value):
        picked = Picked.of(value, self.picker)
        if self.disabled:  # shown, never taken from the request: no scope to check
            return self.resolve(picked).objects if self.multiple else next(
                iter(self.resolve(picked).objects), None)
        if picked.empty:
            if self.required:
                raise ValidationError(_("请选择%(n)s") % {"n": self.label or self.picker.noun},
                                      code="required")
            return [] if self.multiple else None
        result = self.resolve(picked)
        errors = [self.picker.missing(self.actor, k, label=str(self.label or ""),
                                      **self.options) for k in result.unknown]
        errors += [self._unresolved_message(text, found) for text, found in result.unresolved]
        if errors:
            raise ValidationError(list(dict.fromkeys(errors)), code="invalid")
        return result.objects if self.multiple else result.objects[0]

    def _unresolved_message(self, text: str, found: list) -> str:
        if not found:
            reason = self.picker.not_found(self.actor, text, **self.options)
            return reason or _(
                "在您的可见范围内找不到“%(t)s”,请输入名称、拼音或首字母检索后选择") % {"t": text}
        names = "、".join(self.picker.label(o) for o in found[:5])
        more = _("等 %(n)d 个") % {"n": len(found)} if len(found) > 5 else ""
        return _("“%(t)s”对应多个%(k)s:%(c)s%(m)s;请从候选中选择") % {
            "t": text, "k": self.picker.noun, "c": names, "m": more}

    def has_changed(self, initial, data):
        before, after = Picked.of(initial, self.picker), Picked.of(data, self.picker)
        return sorted(before.keys) != sorted(after.keys) or bool(after.text.strip())

    def key_of(self, value):
        """What the services take: the id or the code (a list of them for several)."""
        if self.multiple:
            return [self.picker.key(o) for o in value or []]
        return None if value is None else self.picker.key(value)

    # -- rendering --

    def render_context(self, name: str, value, widget: dict) -> dict:
        picker, attrs = self.picker, dict(widget["attrs"])
        picked = Picked.of(value, picker)
        result = self.resolve(picked) if not picked.empty else Resolution()
        if self.disabled and picker.public and not result.objects and picked.keys:
            result = Resolution(objects=picker.unscoped(picked.keys))
        context = {"kind": picker.name, "multiple": self.multiple, "attrs": attrs,
                   "id": attrs.get("id", f"id_{name}")}
        short = None if self.disabled else picker.short_list(self.actor, **self.options)
        if short is not None:
            return {**context, **self._select_context(short, result, attrs)}
        attrs.pop("required", None)  # the hidden value carries it; the server checks it
        candidates = [(picker.key(c), picker.label(c))
                      for _text, found in result.unresolved for c in found]
        typed = " ".join(text for text, _found in result.unresolved)
        shown = "" if self.multiple else " ".join(picker.label(o) for o in result.objects)
        return {**context, "mode": "search", "text": typed or shown or (
                    picked.text if result.unknown else ""),
                "placeholder": self.placeholder or _("输入名称、拼音或首字母检索"),
                "key": "" if self.multiple or not result.objects
                else picker.key(result.objects[0]),
                "chips": [(picker.key(o), picker.label(o), True) for o in result.objects]
                + ([(k, label, False) for k, label in candidates] if self.multiple else []),
                "candidates": [] if self.multiple else candidates,
                "url": reverse("core:pick", args=[picker.name]),
                "vals": json.dumps({k: str(v) for k, v in self.options.items() if v},
                                   ensure_ascii=False)}

    def _select_context(self, short: list, result: Resolution, attrs: dict) -> dict:
        chosen = {self.picker.key(o) for o in result.objects}
        css = attrs.get("class", "").replace("form-control", "form-select")
        attrs["class"] = css if "form-select" in css else f"{css} form-select".strip()
        if self.multiple:
            attrs["size"] = min(max(len(short), 2), 8)
        return {"mode": "select", "required": self.required,
                "choices": [(self.picker.key(o), self.picker.label(o),
                             self.picker.key(o) in chosen) for o in short]}


class MultiPickerField(PickerField):
    """Several records of ``kind`` (chips); cleans to the list of instances."""

    widget = MultiPickerWidget
    multiple = True


class PickerForm:
    """A form with pickers: ``actor=`` gives them the actor's scope, and ``clean()`` hands
    the services what they take — the id or code (list) under the field's name — while
    ``self.picked`` keeps the instances."""

    def __init__(self, *args, actor=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.actor = actor
        self.picked: dict = {}
        for form_field in self.fields.values():
            if isinstance(form_field, PickerField):
                form_field.actor = actor

    def clean(self):
        data = super().clean()
        for name, form_field in self.fields.items():
            if isinstance(form_field, PickerField) and name in data:
                self.picked[name] = data[name]
                data[name] = form_field.key_of(data[name])
        return data
