"""Reads of the people registry, scoped by region (or organisation) and data domain.

A person's domains are the domains of their current groups (stored as a bit mask); every
minor is in the children's domain by age. A user sees a person when they share a domain
with them and none of the person's sensitive domains is outside the user's (PIPL Art. 28).
"""

from dataclasses import dataclass
from datetime import date

from django.db import connection
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from linli.accounts.access import access_for
from linli.accounts.roles import ALL_DOMAINS, SENSITIVE_MASK, Domain, domain_mask
from linli.core.bounds import ID_MAX
from linli.core.errors import NotFound
from linli.core.figures import day_end
from linli.core.pinyin import name_search_q
from linli.people.models import GroupMembership, Person, PersonStatus
from linli.regions.models import Level, Region

ALL_DOMAINS_MASK = domain_mask(ALL_DOMAINS)


def minor_cutoff(today: date | None = None) -> date:
    """Born after this date = under 18 today."""
    today = today or timezone.localdate()
    try:
        return today.replace(year=today.year - 18)
    except ValueError:  # 29 February
        return today.replace(year=today.year - 18, day=28)


def visible(queryset: QuerySet, actor, prefix: str = "", within: str = "",
            also_organisation: str = "") -> QuerySet:
    """Any queryset whose rows belong to a person (`prefix` leads to the person's fields),
    cut to the people the actor may see: region or organisation, and data domains;
    `within` narrows to one region's subtree; `also_organisation` names a second
    organisation field whose staff see the row too (an appeal's handling organisation).
    Conditions that the actor's scope makes always true are left out, so that
    province-wide counts scan without them."""
    access = access_for(actor)
    mask = domain_mask(access.domains)
    region_field = f"{prefix}region_code"
    if within and access.covers(within):
        rows = queryset.filter(**{f"{region_field}__startswith": within})
    else:
        scope = access.scope_q(region_field, f"{prefix}organisation_id")
        if also_organisation and access.organisation_ids:
            scope |= Q(**{f"{also_organisation}__in": sorted(access.organisation_ids)})
        rows = queryset.filter(scope)
        if within:
            rows = rows.filter(**{f"{region_field}__startswith": within})
    masks = F(f"{prefix}domain_mask")
    if SENSITIVE_MASK & ~mask:
        rows = rows.alias(hidden=masks.bitand(SENSITIVE_MASK & ~mask)).filter(hidden=0)
    if mask == ALL_DOMAINS_MASK:
        shared = Q(**{f"{prefix}domain_mask__gt": 0})
    else:
        rows, shared = rows.alias(shared=masks.bitand(mask)), Q(shared__gt=0)
    minor = Q(**{f"{prefix}birth_date__gt": minor_cutoff()})
    if Domain.CHILDREN in access.domains:
        return rows.filter(shared | minor)
    return rows.filter(shared).exclude(minor)


def visible_people(actor) -> QuerySet[Person]:
    return visible(Person.objects.all(), actor)


SCOPE_FIELDS = ("region_code", "organisation_id", "domain_mask", "birth_date")


def may_see(actor, row) -> bool:
    """visible() for one row already in hand (anything with the SCOPE_FIELDS): writes check
    the person they touch without compiling the scoped query (a test holds the two equal)."""
    access = access_for(actor)
    in_organisation = row.organisation_id is not None and (
        row.organisation_id in access.organisation_ids)
    if not (access.covers(row.region_code) or in_organisation):
        return False
    mask = domain_mask(access.domains)
    if row.domain_mask & SENSITIVE_MASK & ~mask:
        return False
    shared = bool(row.domain_mask & mask)
    minor = row.birth_date is not None and row.birth_date > minor_cutoff()
    if Domain.CHILDREN in access.domains:
        return shared or minor
    return shared and not minor


def person_for_write(*, actor, pk: int, fields: tuple[str, ...] = ()) -> Person:
    """The person a write is about, with `fields` loaded; 404 when out of the actor's sight.
    One plain SELECT by primary key: it runs for every visit recorded, where building it
    through the ORM would cost ten times its execution. An id no row can have (0, or
    beyond 64 bits, which SQLite cannot even bind) is missing too."""
    if not 0 < pk <= ID_MAX:
        raise NotFound()
    wanted = {Person._meta.get_field(name).attname for name in ("id", *SCOPE_FIELDS, *fields)}
    names = [f for f in Person._meta.concrete_fields if f.attname in wanted]  # from_db's order
    columns = ", ".join(connection.ops.quote_name(f.column) for f in names)
    table = connection.ops.quote_name(Person._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns} FROM {table} WHERE id = %s", [pk])  # noqa: S608
        row = cursor.fetchone()
    person = Person.from_db(connection.alias, [f.attname for f in names], row) if row else None
    if person is None or not may_see(actor, person):
        raise NotFound()
    return person


@dataclass
class PeopleFilter:
    q: str = ""
    region: str = ""
    group: str = ""
    risk: str = ""
    status: str = PersonStatus.ACTIVE
    organisation: int | None = None
    unassigned: bool = False
    no_id: bool = False
    to_complete: bool = False


def people_list(*, actor, filters: PeopleFilter | None = None) -> QuerySet[Person]:
    f = filters or PeopleFilter()
    people = visible_people(actor)
    if f.q:
        people = people.filter(name_search_q(f.q) | Q(phone=f.q.strip()))
    if f.region:
        people = people.filter(region_code__startswith=f.region)
    if f.group:
        today = timezone.localdate()
        current = GroupMembership.objects.filter(
            person=OuterRef("pk"), group__code=f.group).exclude(ended_on__lt=today)
        people = people.filter(Exists(current))
    if f.risk:
        people = people.filter(risk=f.risk)
    if f.status:
        people = people.filter(status=f.status)
    if f.organisation:
        people = people.filter(organisation_id=f.organisation)
    if f.unassigned:
        people = people.filter(organisation__isnull=True)
    if f.no_id:
        people = people.filter(id_hash="")
    if f.to_complete:
        people = people.filter(to_complete_q())
    current_groups = GroupMembership.objects.filter(ended_on__isnull=True).select_related("group")
    return people.select_related("region", "organisation").prefetch_related(
        Prefetch("group_memberships", queryset=current_groups, to_attr="current_groups")
    ).order_by("region_code", "name", "pk")


# --- what the registered figures (people.indicators) count ---------------------------------

def in_care_q(on: date | None = None, prefix: str = "") -> Q:
    """在册 at the end of ``on`` (today when None): registered by then and not closed by
    then — a person closed on a day is out of care from that day."""
    if on is None or on >= timezone.localdate():
        return Q(**{f"{prefix}status": PersonStatus.ACTIVE})
    registered = Q(**{f"{prefix}created_at__lt": day_end(on)})
    open_now = Q(**{f"{prefix}status": PersonStatus.ACTIVE, f"{prefix}closed_on__isnull": True})
    return registered & (open_now | Q(**{f"{prefix}closed_on__gt": on}))


def people_in_care_on(*, actor, on: date | None = None, within: str = "") -> QuerySet[Person]:
    """The people in care at the end of ``on`` the actor may see (no ordering, no joins)."""
    return visible(Person.objects.filter(in_care_q(on)), actor, within=within)


def group_members_on(*, actor, codes: list[str], on: date | None = None,
                     within: str = "") -> QuerySet[GroupMembership]:
    """Memberships of the groups ``codes`` current at the end of ``on`` (started by then,
    ending that day or later), of people in care then whom the actor may see."""
    on = on or timezone.localdate()
    rows = GroupMembership.objects.filter(in_care_q(on, "person__"), group__code__in=codes,
                                          started_on__lte=on).exclude(ended_on__lt=on)
    return visible(rows, actor, "person__", within=within)


def to_complete_q() -> Q:
    """People whose record an import left to complete: placed at their township because
    their village could not be found, or in a group that needs a criterion (事实无人抚养
    儿童) without one (认定情形待补充)."""
    pending = GroupMembership.objects.filter(
        person=OuterRef("pk"), group__needs_criterion=True, criterion="",
        ended_on__isnull=True)
    return Q(region__level=Level.TOWNSHIP) | Q(Exists(pending))


def to_complete_count(*, actor) -> int:
    """How many of the actor's people are on the to-complete list (shown beside it)."""
    return visible_people(actor).filter(status=PersonStatus.ACTIVE).filter(
        to_complete_q()).count()


def completion_counts(*, actor, to_complete: bool = True) -> dict[str, int]:
    """The home page's counts of records to complete, in one query: people in care without
    an identity number, and (when asked: it costs a look at each person's groups) those on
    the to-complete list (to_complete_count)."""
    counts = {"no_id": Count("id", filter=Q(id_hash=""))}
    if to_complete:
        counts["to_complete"] = Count("id", filter=to_complete_q())
    return visible_people(actor).filter(status=PersonStatus.ACTIVE).aggregate(**counts)


def person_get(*, actor, pk: int) -> Person:
    person = visible_people(actor).filter(pk=pk).select_related(
        "region", "organisation", "household", "children_director").first()
    if person is None:
        raise NotFound()
    return person


def villages_of(*, actor, region: Region) -> QuerySet[Region]:
    """The 村(社区) under a region that the actor may place someone in: the choices offered
    to complete the village of a person an import left at their township."""
    villages = Region.objects.filter(level=Level.VILLAGE, code__startswith=region.code)
    return access_for(actor).filter(villages, "code").order_by("code")


def village_staff(person: Person):
    """The staff of the person's village — the candidates for 儿童主任."""
    from linli.accounts.models import User
    from linli.accounts.roles import Role

    return User.objects.filter(memberships__role=Role.VILLAGE_STAFF,
                               memberships__region_code=person.region_code,
                               memberships__is_active=True).distinct()


def is_sensitive(person: Person) -> bool:
    """A minor, or a person in a sensitive group: reading their file is logged."""
    minor = person.birth_date is not None and person.birth_date > minor_cutoff()
    return bool(person.domain_mask & SENSITIVE_MASK) or minor
