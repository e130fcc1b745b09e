"""Reads of the orgs app, each scoped to the asking user (region, domain, organisation)."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Window
from django.db.models import Value as V
from django.db.models.functions import Coalesce, FirstValue, Substr, TruncDate, TruncMonth
from django.utils import timezone

from linli.accounts.access import access_for
from linli.accounts.roles import Domain, Perm
from linli.core.errors import NotFound
from linli.core.figures import children_of, day_end
from linli.core.pinyin import name_search_q
from linli.orgs.models import (
    Filing,
    FilingKind,
    FilingStatus,
    Incubation,
    IncubationBase,
    Kind,
    Organisation,
    SocialWorkStation,
    Status,
    TaxQualification,
    Volunteer,
    VolunteerMembership,
)
from linli.orgs.services import is_filing_body
from linli.regions.models import CODE_LENGTHS, Level, Region, VillageKind


def _org_access(actor):
    access = access_for(actor)
    return access if access.sees_domain(Domain.ORGANIZATIONS) else None


def organisation_scope_q(actor) -> Q:
    """Organisations working or filed inside the user's subtree, or the user's own."""
    access = _org_access(actor)
    if access is None:
        return Q(pk__in=[])
    return access.scope_q("region_code", "id") | access.region_q("authority_region_code")


@dataclass
class OrgFilter:
    q: str = ""
    kind: str = ""
    category: str = ""
    status: str = ""
    region: str = ""
    target_group: str = ""
    focus: str = ""
    hub: bool = False


def organisation_list(*, actor, filters: OrgFilter | None = None) -> QuerySet[Organisation]:
    f = filters or OrgFilter()
    orgs = Organisation.objects.filter(organisation_scope_q(actor))
    if f.q:
        orgs = orgs.filter(name_search_q(f.q) | Q(credit_code=f.q.upper()))
    for field, value in (("kind", f.kind), ("category", f.category), ("status", f.status)):
        if value:
            orgs = orgs.filter(**{field: value})
    if f.region:
        orgs = orgs.filter(region_code__startswith=f.region)
    if f.target_group:
        orgs = orgs.filter(target_groups__code=f.target_group)
    if f.focus in ("special_groups", "public_concerns", "safe_community", "rural_revitalisation"):
        orgs = orgs.filter(**{f"focus_{f.focus}": True})
    if f.hub:
        orgs = orgs.filter(is_hub=True)
    return orgs.select_related("region", "authority_region").order_by("region_code", "name")


def organisation_get(*, actor, pk: int) -> Organisation:
    org = Organisation.objects.filter(organisation_scope_q(actor), pk=pk).select_related(
        "region", "authority_region").prefetch_related("target_groups").first()
    if org is None:
        raise NotFound()
    return org


def _filing_scope(actor) -> Q:
    access = _org_access(actor)
    if access is None:
        return Q(pk__in=[])
    # filings made with a body in my subtree, or by an organisation working in it / mine
    return (access.scope_q("filing_region_code", "organisation_id")
            | access.region_q("organisation__region_code"))


def filing_list(*, actor, status: str = "", kind: str = "") -> QuerySet[Filing]:
    filings = Filing.objects.filter(_filing_scope(actor))
    if status:
        filings = filings.filter(status=status)
    if kind:
        filings = filings.filter(kind=kind)
    return filings.select_related("organisation", "filing_region", "submitted_by")


def filings_awaiting_my_review(*, actor) -> QuerySet[Filing]:
    access = access_for(actor)
    codes = [m.region_code for m in access.memberships if is_filing_body(actor, m.region_code)]
    return filing_list(actor=actor, status=FilingStatus.SUBMITTED).filter(
        filing_region_code__in=codes).order_by("due_on", "id")


def filings_returned_to_us(*, actor) -> QuerySet[Filing]:
    access = access_for(actor)
    mine = Q(organisation_id__in=sorted(access.organisation_ids)) | Q(
        submitted_by_id=access.user_id)
    return filing_list(actor=actor, status=FilingStatus.RETURNED).filter(mine)


def filings_overdue(*, actor) -> QuerySet[Filing]:
    return filing_list(actor=actor, status=FilingStatus.SUBMITTED).filter(
        due_on__lt=timezone.localdate()).order_by("due_on")


def filing_get(*, actor, pk: int) -> Filing:
    filing = filing_list(actor=actor).filter(pk=pk).first()
    if filing is None:
        raise NotFound()
    return filing


def filings_per_month(*, actor, months: int = 12) -> list[tuple[str, int]]:
    since = (timezone.localdate().replace(day=1) - timedelta(days=31 * (months - 1))).replace(
        day=1)
    rows = (filing_list(actor=actor, status=FilingStatus.APPROVED, kind=FilingKind.ESTABLISH)
            .filter(decided_at__date__gte=since).annotate(month=TruncMonth("decided_at"))
            .values("month").annotate(n=Count("id")).order_by("month"))
    counts = {row["month"].strftime("%Y-%m"): row["n"] for row in rows}
    labels, cursor = [], since
    while cursor <= timezone.localdate():
        labels.append(cursor.strftime("%Y-%m"))
        cursor = (cursor + timedelta(days=32)).replace(day=1)
    return [(label, counts.get(label, 0)) for label in labels]


# --- indicators: what each registered figure (orgs.indicators) counts ----------------------
#
# A stock is counted as it stood at the end of a day. The registry keeps dates where the
# record has them (filed_on, opened_on, started_on, valid_until); a status has none, so for a
# day in the past it is read from the record's history (django-simple-history) — only for
# the records changed since that day, the others still have it.


def _as_of(rows: QuerySet, field: str, value, on: date) -> QuerySet:
    """``rows`` whose ``field`` had ``value`` at the end of ``on``. A record with no history
    row after that day has it still; one changed since reads it from its last history row
    up to that day, or keeps today's when its history starts later (a record imported or
    seeded before its history was written). Three uncorrelated subqueries, each read once:
    a lookup per record would be cheap too, but PostgreSQL's planner prices it per row and
    compiles the query (JIT) for longer than it runs."""
    after = day_end(on)
    history = rows.model.history.model.objects
    changed = history.filter(history_date__gte=after).values("id")
    before = history.filter(id__in=changed, history_date__lt=after)
    # the value of each one's last row up to the day (a window: filtered after it is taken)
    then = before.annotate(then=Window(FirstValue(field), partition_by=[F("id")], order_by=[
        F("history_date").desc(), F("history_id").desc()])).filter(then=value)
    return rows.filter(
        (~Q(pk__in=changed) & Q(**{field: value})) | Q(pk__in=then.values("id"))
        | (Q(pk__in=changed) & ~Q(pk__in=before.values("id")) & Q(**{field: value})))


def _active_on(orgs: QuerySet[Organisation], on: date | None) -> QuerySet[Organisation]:
    """在册 (正常) at the end of ``on``: started by then — 备案 (filed_on), else founded, else
    entered — and 正常 then."""
    if on is None or on >= timezone.localdate():
        return orgs.filter(status=Status.ACTIVE)
    started = Coalesce("filed_on", "founded_on", TruncDate("created_at"))
    return _as_of(orgs.alias(started_on=started).filter(started_on__lte=on), "status",
                  Status.ACTIVE, on)


def organisations_at(*, actor, on: date | None = None) -> QuerySet[Organisation]:
    """The organisations 在册 at the end of ``on`` (today when None), scoped to the actor:
    the one queryset every count of organisations starts from (no ordering, no joins)."""
    return _active_on(Organisation.objects.filter(organisation_scope_q(actor)), on)


def filings_approved(*, actor, start: datetime, end: datetime) -> QuerySet[Filing]:
    """成立备案 approved from ``start`` up to (not including) ``end``: the newly filed."""
    return Filing.objects.filter(_filing_scope(actor), kind=FilingKind.ESTABLISH,
                                 status=FilingStatus.APPROVED, decided_at__gte=start,
                                 decided_at__lt=end)


def filings_overdue_now(*, actor) -> QuerySet[Filing]:
    """filings_overdue without its joins and ordering, for counting."""
    return Filing.objects.filter(_filing_scope(actor), status=FilingStatus.SUBMITTED,
                                 due_on__lt=timezone.localdate())


@dataclass
class Coverage:
    region: Region
    townships: int
    stations: int

    @property
    def rate(self) -> float:
        return self.stations / self.townships if self.townships else 0.0


def stations_open(*, on: date | None = None) -> QuerySet[SocialWorkStation]:
    """Built 社工站, those built by the end of ``on`` when given (a station without its
    date counts from whenever it was entered as built)."""
    stations = SocialWorkStation.objects.filter(established=True)
    if on is not None:
        stations = stations.filter(Q(opened_on__isnull=True) | Q(opened_on__lte=on))
    return stations


def station_coverage(*, actor, region: Region, on: date | None = None) -> list[Coverage]:
    """Coverage of the region itself, then of each child down to county level, with the
    stations built by the end of ``on`` (all built ones when None)."""
    if not access_for(actor).covers(region.code) or _org_access(actor) is None:
        raise NotFound()
    rows = [region, *children_of(region, lowest=Level.COUNTY)[0]]
    length = CODE_LENGTHS[rows[-1].level]
    townships = Region.objects.filter(level=Level.TOWNSHIP, code__startswith=region.code)
    stations = stations_open(on=on).filter(region_code__startswith=region.code)
    by_child, done_child = {}, {}
    for row in _tagged("t", townships, "code", length).union(
            _tagged("s", stations, "region_code", length), all=True):
        (by_child if row["tag"] == "t" else done_child)[row["p"]] = row["n"]
    result = [Coverage(region, sum(by_child.values()), sum(done_child.values()))]
    result += [Coverage(r, by_child.get(r.code, 0), done_child.get(r.code, 0)) for r in rows[1:]]
    return result


def _tagged(tag: str, rows: QuerySet, code: str, length: int, kind: str = "") -> QuerySet:
    """``rows`` counted per code prefix (and urban/rural, given ``kind``), each row tagged:
    two such counts go in one UNION ALL query (the same columns in the same order)."""
    return (rows.annotate(tag=V(tag), p=Substr(code, 1, length),
                          vkind=F(kind) if kind else V(""))
            .values("tag", "p", "vkind").annotate(n=Count("id")).order_by())


@dataclass
class Density:
    region: Region
    urban_communities: int
    rural_communities: int
    urban_orgs: int
    rural_orgs: int

    @property
    def per_urban(self) -> float:
        return self.urban_orgs / self.urban_communities if self.urban_communities else 0.0

    @property
    def per_rural(self) -> float:
        return self.rural_orgs / self.rural_communities if self.rural_communities else 0.0


def organisation_density(*, actor, region: Region, on: date | None = None) -> list[Density]:
    """Community organisations 在册 at the end of ``on`` (today when None) per urban/rural
    community, for the region and its children (organisations counted where they work: a
    village-level region)."""
    if not access_for(actor).covers(region.code) or _org_access(actor) is None:
        raise NotFound()
    children, length = children_of(region, lowest=Level.TOWNSHIP)
    villages = Region.objects.filter(level=Level.VILLAGE, code__startswith=region.code)
    orgs = _active_on(Organisation.objects.filter(kind=Kind.COMMUNITY, region__level=Level.VILLAGE,
                                                  region_code__startswith=region.code), on)
    # one query: communities and organisations per (child prefix, urban/rural), side by side
    tallies = {("v", k): {} for k in VillageKind} | {("o", k): {} for k in VillageKind}
    for row in _tagged("v", villages, "code", length, "village_kind").union(
            _tagged("o", orgs, "region_code", length, "region__village_kind"), all=True):
        tallies[(row["tag"], row["vkind"])][row["p"]] = row["n"]

    def density(r: Region, key) -> Density:
        return Density(r, *(sum(v for p, v in tallies[(t, k)].items() if key(p))
                            for t, k in (("v", VillageKind.URBAN), ("v", VillageKind.RURAL),
                                         ("o", VillageKind.URBAN), ("o", VillageKind.RURAL))))

    result = [density(region, lambda p: True)]
    result += [density(child, lambda p, c=child.code: p == c) for child in children]
    return result


def incubation_bases_open(*, actor, on: date) -> QuerySet[IncubationBase]:
    """孵化基地 opened by the end of ``on`` (one without its date counts from its entry)."""
    access = _org_access(actor)
    if access is None:
        return IncubationBase.objects.none()
    return IncubationBase.objects.filter(access.scope_q("region_code", "operator_id")).filter(
        Q(opened_on__isnull=True) | Q(opened_on__lte=on))


def _incubation_rows(actor) -> QuerySet[Incubation]:
    access = _org_access(actor)
    if access is None:
        return Incubation.objects.none()
    return Incubation.objects.filter(access.scope_q("region_code", "organisation_id"))


def incubating_on(*, actor, on: date) -> QuerySet[Incubation]:
    """入孵 by ``on`` and not yet out of it (an organisation leaves on its 出孵日期)."""
    return _incubation_rows(actor).filter(started_on__lte=on).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gt=on))


def incubations_started(*, actor, start: date, end: date) -> QuerySet[Incubation]:
    """入孵 from ``start`` to ``end``, both inclusive."""
    return _incubation_rows(actor).filter(started_on__gte=start, started_on__lte=end)


def tax_qualified_on(*, actor, kind: str, on: date) -> QuerySet[TaxQualification]:
    """Qualifications of ``kind`` valid on ``on`` (both ends of their validity inclusive)."""
    access = _org_access(actor)
    if access is None:
        return TaxQualification.objects.none()
    return TaxQualification.objects.filter(access.scope_q("region_code", "organisation_id"),
                                           kind=kind, valid_from__lte=on, valid_until__gte=on)


def volunteers_on(*, actor, on: date | None = None) -> QuerySet[Volunteer]:
    """志愿者与社工 在册 at the end of ``on`` (today when None): the people volunteer_list
    shows, without its joins (an organisation's own through EXISTS, not DISTINCT)."""
    access = _org_access(actor)
    if access is None:
        return Volunteer.objects.none()
    scope = access.region_q()
    if access.organisation_ids:
        scope |= Q(Exists(VolunteerMembership.objects.filter(
            volunteer=OuterRef("pk"), organisation_id__in=sorted(access.organisation_ids),
            left_on__isnull=True)))
    people = Volunteer.objects.filter(scope)
    if on is None or on >= timezone.localdate():
        return people.filter(is_active=True)
    return _as_of(people.filter(created_at__lt=day_end(on)), "is_active", True, on)


def stations_list(*, actor) -> QuerySet[SocialWorkStation]:
    access = _org_access(actor)
    if access is None:
        return SocialWorkStation.objects.none()
    return access.filter(SocialWorkStation.objects.all()).select_related("region", "operator")


def tax_qualifications(*, actor, expiring_within: int | None = None) -> QuerySet:
    access = _org_access(actor)
    if access is None:
        return TaxQualification.objects.none()
    quals = TaxQualification.objects.filter(access.scope_q("region_code", "organisation_id"))
    if expiring_within is not None:
        today = timezone.localdate()
        quals = quals.filter(valid_until__gte=today,
                             valid_until__lte=today + timedelta(days=expiring_within))
    return quals.select_related("organisation").order_by("valid_until")


def incubation_bases(*, actor) -> QuerySet[IncubationBase]:
    access = _org_access(actor)
    if access is None:
        return IncubationBase.objects.none()
    return (IncubationBase.objects.filter(access.scope_q("region_code", "operator_id"))
            .select_related("region", "operator").annotate(n=Count("incubations")))


def incubations(*, actor, base: IncubationBase | None = None) -> QuerySet[Incubation]:
    access = _org_access(actor)
    if access is None:
        return Incubation.objects.none()
    rows = Incubation.objects.filter(access.scope_q("region_code", "organisation_id"))
    if base is not None:
        rows = rows.filter(base=base)
    return rows.select_related("base", "organisation")


def volunteer_list(*, actor, q: str = "", organisation: int | None = None,
                   social_workers: bool = False) -> QuerySet[Volunteer]:
    access = _org_access(actor)
    if access is None:
        return Volunteer.objects.none()
    own = Q(memberships__organisation_id__in=sorted(access.organisation_ids),
            memberships__left_on__isnull=True)
    people = Volunteer.objects.filter(access.region_q() | own)
    if q:
        people = people.filter(name_search_q(q) | Q(phone=q))
    if organisation:
        people = people.filter(memberships__organisation_id=organisation)
    if social_workers:
        people = people.filter(is_social_worker=True)
    return people.distinct().select_related("region").order_by("region_code", "name")


def volunteer_get(*, actor, pk: int) -> Volunteer:
    person = volunteer_list(actor=actor).filter(pk=pk).first()
    if person is None:
        raise NotFound()
    return person


def can_edit_orgs(actor) -> bool:
    access = access_for(actor)
    return access.can(Perm.EDIT) and access.sees_domain(Domain.ORGANIZATIONS)
