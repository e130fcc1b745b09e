"""Reads of the orgs app, each scoped to the asking user (region, domain, organisation)."""

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Substr, TruncMonth
from django.utils import timezone

from linli.accounts.access import access_for
from linli.accounts.roles import Domain, Perm
from linli.core.errors import NotFound
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


# --- indicators -------------------------------------------------------------------------

STATION_TARGET = 0.70  # measure 八: 乡镇(街道)社工站覆盖率达 70 %
URBAN_TARGET, RURAL_TARGET = 10, 5  # 民发〔2017〕191号: per urban / rural community


@dataclass
class Coverage:
    region: Region
    townships: int
    stations: int

    @property
    def rate(self) -> float:
        return self.stations / self.townships if self.townships else 0.0

    @property
    def meets_target(self) -> bool:
        return self.rate >= STATION_TARGET


def _child_prefix_counts(queryset, field: str, length: int) -> dict[str, int]:
    rows = queryset.annotate(p=Substr(field, 1, length)).values("p").annotate(n=Count("id"))
    return {row["p"]: row["n"] for row in rows.order_by()}


def station_coverage(*, actor, region: Region) -> list[Coverage]:
    """Coverage of the region itself, then of each child down to county level."""
    if not access_for(actor).covers(region.code) or _org_access(actor) is None:
        raise NotFound()
    rows = [region]
    if region.level < Level.COUNTY:
        rows += list(region.children.order_by("code"))
    length = CODE_LENGTHS[rows[-1].level]
    townships = Region.objects.filter(level=Level.TOWNSHIP, code__startswith=region.code)
    stations = SocialWorkStation.objects.filter(established=True,
                                                region_code__startswith=region.code)
    by_child = _child_prefix_counts(townships, "code", length)
    done_child = _child_prefix_counts(stations, "region_code", length)
    result = [Coverage(region, sum(by_child.values()), sum(done_child.values()))]
    result += [Coverage(r, by_child.get(r.code, 0), done_child.get(r.code, 0)) for r in rows[1:]]
    return result


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


def organisation_density(*, actor, region: Region) -> list[Density]:
    """Active community organisations per urban/rural community, for the region and its
    children (organisations counted where they work: a village-level region)."""
    if not access_for(actor).covers(region.code) or _org_access(actor) is None:
        raise NotFound()
    children = list(region.children.order_by("code")) if region.level < Level.TOWNSHIP else []
    length = CODE_LENGTHS[children[0].level] if children else len(region.code)
    villages = Region.objects.filter(level=Level.VILLAGE, code__startswith=region.code)
    orgs = Organisation.objects.filter(kind=Kind.COMMUNITY, status=Status.ACTIVE,
                                       region__level=Level.VILLAGE,
                                       region_code__startswith=region.code)
    # two grouped queries: communities and organisations per (child prefix, urban/rural)
    tallies = {("v", k): {} for k in VillageKind} | {("o", k): {} for k in VillageKind}
    for tag, rows in (
            ("v", villages.annotate(p=Substr("code", 1, length)).values("p", "village_kind")),
            ("o", orgs.annotate(p=Substr("region_code", 1, length))
             .values("p", "region__village_kind"))):
        for row in rows.annotate(n=Count("id")).order_by():
            kind = row.get("village_kind", row.get("region__village_kind"))
            tallies[(tag, kind)][row["p"]] = row["n"]

    def density(r: Region, key) -> Density:
        return Density(r, *(sum(v for p, v in tallies[(t, k)].items() if key(p))
                            for t, k in (("v", VillageKind.URBAN), ("v", VillageKind.RURAL),
                                         ("o", VillageKind.URBAN), ("o", VillageKind.RURAL))))

    result = [density(region, lambda p: True)]
    result += [density(child, lambda p, c=child.code: p == c) for child in children]
    return result


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
