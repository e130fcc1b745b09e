"""Who sees which report (GLOSSARY §9, DESIGN §2), in one place.

- The round's owner bureau (社会组织管理局 by default) and auditors of the province see every
  report of the province.
- A bureau of the 厅 sees its own bureau's report.
- A 市(州) 民政局 sees its own report and those of its counties.
- A 县 民政局 sees its own report only.
- Nobody else sees any; a report outside this answers 404, like every record.
"""

from django.db.models import Q, QuerySet

from linli.accounts.access import Access, access_for
from linli.accounts.roles import Domain, Perm, Role
from linli.core.errors import NotFound
from linli.regions.models import PROVINCE_CODE, Level
from linli.reports.models import Report, Round


def _visible_q(access: Access) -> Q:
    query = Q(pk__in=[])
    for m in access.memberships:
        if m.role == Role.PROVINCE_BUREAU:
            query |= Q(bureau=m.bureau) | Q(round__owner_bureau=m.bureau)
        elif m.role == Role.PREFECTURE_BUREAU:
            query |= Q(bureau="", region_code__startswith=m.region_code)
        elif m.role == Role.COUNTY_BUREAU:
            query |= Q(bureau="", region_code=m.region_code)
        elif m.role == Role.AUDITOR:
            query |= Q(region_code__startswith=m.region_code)
    return query


def reports_visible(*, actor) -> QuerySet[Report]:
    access = access_for(actor)
    if not access.sees_domain(Domain.PROGRAMS):
        return Report.objects.none()
    return (Report.objects.filter(_visible_q(access))
            .select_related("round", "region"))


def report_get(*, actor, pk: int) -> Report:
    report = reports_visible(actor=actor).filter(pk=pk).first()
    if report is None:
        raise NotFound()
    return report


def rounds_visible(*, actor) -> QuerySet[Round]:
    """The rounds the actor has a report in, or owns."""
    access = access_for(actor)
    owned = Q(owner_bureau__in=[m.bureau for m in access.memberships
                                if m.role == Role.PROVINCE_BUREAU])
    mine = Q(pk__in=reports_visible(actor=access).values("round_id"))
    return Round.objects.filter(owned | mine).distinct() if access.memberships else (
        Round.objects.none())


def round_get(*, actor, pk: int) -> Round:
    found = rounds_visible(actor=actor).filter(pk=pk).first()
    if found is None:
        raise NotFound()
    return found


def is_unit_staff(actor, report: Report) -> bool:
    """The actor writes and submits this report: its own bureau, or its own 民政局."""
    access = access_for(actor)
    if not access.can(Perm.EDIT):
        return False
    for m in access.memberships:
        if report.bureau and m.role == Role.PROVINCE_BUREAU and m.bureau == report.bureau:
            return True
        if (not report.bureau and m.role in (Role.PREFECTURE_BUREAU, Role.COUNTY_BUREAU)
                and m.region_code == report.region_code):
            return True
    return False


def is_reviewer(actor, report: Report) -> bool:
    """The actor approves or returns this report: a county's by its 市(州) 民政局, a
    prefecture's and a bureau's by the round's owner bureau."""
    access = access_for(actor)
    if not access.can(Perm.REVIEW):
        return False
    county = not report.bureau and report.region.level == Level.COUNTY
    for m in access.memberships:
        if county and m.role == Role.PREFECTURE_BUREAU and m.region_code == report.region_code[:4]:
            return True
        if (not county and m.role == Role.PROVINCE_BUREAU
                and m.bureau == report.round.owner_bureau and m.region_code == PROVINCE_CODE):
            return True
    return False


def may_open_rounds(actor) -> bool:
    """A province bureau's staff open reporting rounds (and collect them)."""
    access = access_for(actor)
    return access.can(Perm.EDIT) and any(m.role == Role.PROVINCE_BUREAU
                                         for m in access.memberships)
