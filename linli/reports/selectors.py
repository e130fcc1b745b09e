"""Who sees which report (GLOSSARY §9, DESIGN §2), in one place.

- The round's owner bureau (社会组织管理局 by default) and auditors of the province see every
  report of the province.
- A bureau of the 厅 sees its own bureau's report.
- A 市(州) 民政局 sees its own report and those of its counties.
- A 县 民政局 sees its own report only.
- Nobody else sees any; a report outside this answers 404, like every record.
"""

from dataclasses import dataclass

from django.db import models
from django.db.models import Case, Count, Q, QuerySet, Value, When
from django.utils.translation import gettext_lazy as _

from linli.accounts.access import Access, access_for
from linli.accounts.roles import Domain, Perm, Role
from linli.core.errors import NotFound
from linli.regions.models import PROVINCE_CODE, Level
from linli.reports.models import EDITABLE_STATUSES, Report, ReportStatus, Round, RoundStatus


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


# --- a round's reports, and how complete and timely they are ------------------------------

class UnitLevel(models.TextChoices):
    """Who reports: the levels of DHIS2's reporting-rate summary."""

    PREFECTURE = "prefecture", _("市(州)民政局")
    COUNTY = "county", _("县级民政局")
    BUREAU = "bureau", _("厅处室(局)")


def unit_level(report: Report) -> str:
    if report.bureau:
        return UnitLevel.BUREAU
    return UnitLevel.PREFECTURE if len(report.region_code) == 4 else UnitLevel.COUNTY


@dataclass
class Completeness:
    """One level's line: completeness = submitted / expected, timeliness = submitted by the
    deadline / expected (GLOSSARY §9). A returned report counts as not submitted."""

    level: str
    label: str
    expected: int
    submitted: int
    on_time: int
    approved: int

    def _share(self, count: int) -> float | None:
        return round(100 * count / self.expected, 1) if self.expected else None

    @property
    def submitted_rate(self) -> float | None:
        return self._share(self.submitted)

    @property
    def on_time_rate(self) -> float | None:
        return self._share(self.on_time)

    @property
    def approved_rate(self) -> float | None:
        return self._share(self.approved)


IN_HAND = (ReportStatus.SUBMITTED, ReportStatus.APPROVED)  # with the reviewer, or past them


def round_reports(*, actor, round: Round) -> QuerySet[Report]:
    return reports_visible(actor=actor).filter(round=round)


def rounds_completeness(*, actor, rounds: list[Round]) -> dict[int, list[Completeness]]:
    """Each round's lines — each level the actor sees reports of, then the total (level
    ``""``) — for any number of rounds in one query."""
    level = Case(When(~Q(bureau=""), then=Value(UnitLevel.BUREAU)),
                 When(region__level=Level.PREFECTURE, then=Value(UnitLevel.PREFECTURE)),
                 default=Value(UnitLevel.COUNTY))
    rows = (reports_visible(actor=actor).filter(round__in=[r.pk for r in rounds]).order_by()
            .annotate(unit_level=level).values("round_id", "unit_level").annotate(
                expected=Count("id"), submitted=Count("id", filter=Q(status__in=IN_HAND)),
                on_time=Count("id", filter=Q(status__in=IN_HAND, late=False)),
                approved=Count("id", filter=Q(status=ReportStatus.APPROVED))))
    found: dict[tuple[int, str], dict] = {}
    for row in rows:
        found[row.pop("round_id"), row.pop("unit_level")] = row
    return {r.pk: _lines({level: counts for (pk, level), counts in found.items()
                          if pk == r.pk}) for r in rounds}


def _lines(by_level: dict[str, dict]) -> list[Completeness]:
    lines = [Completeness(level, str(label), **by_level[level])
             for level, label in UnitLevel.choices if level in by_level]
    totals = {key: sum(getattr(line, key) for line in lines)
              for key in ("expected", "submitted", "on_time", "approved")}
    return [*lines, Completeness("", str(_("合计")), **totals)]


def round_completeness(*, actor, round: Round) -> list[Completeness]:
    return rounds_completeness(actor=actor, rounds=[round])[round.pk]


def county_reports(*, actor, report: Report) -> QuerySet[Report]:
    """A prefecture's report: the reports of its counties in the same round."""
    if report.bureau or len(report.region_code) != 4:
        return Report.objects.none()
    return (round_reports(actor=actor, round=report.round)
            .filter(bureau="", region__level=Level.COUNTY,
                    region_code__startswith=report.region_code))


def owns_round(actor, round: Round) -> bool:
    """The round's owner bureau (it collects the round and makes the compilation)."""
    access = access_for(actor)
    return any(m.role == Role.PROVINCE_BUREAU and m.bureau == round.owner_bureau
               for m in access.memberships)


# --- the work waiting for the actor ---------------------------------------------------------

def _staff_q(access: Access) -> Q:
    """The reports the actor writes (as ``is_unit_staff``), as a filter."""
    query = Q(pk__in=[])
    if not access.can(Perm.EDIT):
        return query
    for m in access.memberships:
        if m.role == Role.PROVINCE_BUREAU:
            query |= Q(bureau=m.bureau)
        elif m.role in (Role.PREFECTURE_BUREAU, Role.COUNTY_BUREAU):
            query |= Q(bureau="", region_code=m.region_code)
    return query


def _review_q(access: Access) -> Q:
    """The reports the actor approves (as ``is_reviewer``), as a filter."""
    query = Q(pk__in=[])
    if not access.can(Perm.REVIEW):
        return query
    county = Q(bureau="", region__level=Level.COUNTY)
    for m in access.memberships:
        if m.role == Role.PREFECTURE_BUREAU:
            query |= county & Q(region_code__startswith=m.region_code)
        elif m.role == Role.PROVINCE_BUREAU and m.region_code == PROVINCE_CODE:
            query |= Q(round__owner_bureau=m.bureau) & ~county
    return query


def reports_to_review(*, actor) -> QuerySet[Report]:
    access = access_for(actor)
    return (reports_visible(actor=access).filter(_review_q(access),
                                                 status=ReportStatus.SUBMITTED)
            .order_by("submitted_at", "id"))


def reports_to_submit(*, actor) -> QuerySet[Report]:
    """The actor's own reports of open rounds not yet submitted (drafts and returned)."""
    access = access_for(actor)
    return (reports_visible(actor=access).filter(
        _staff_q(access), status__in=EDITABLE_STATUSES, round__status=RoundStatus.OPEN)
        .order_by("round__deadline", "id"))
