"""Reads of the visits app, cut to the people the asking user may see."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Substr, TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.core.bounds import check_date
from linli.core.errors import NotFound
from linli.core.figures import children_of
from linli.people.models import PersonStatus, Risk
from linli.people.selectors import visible, visible_people
from linli.regions.models import Level, Region
from linli.visits.models import Schedule, Visit

WORKLISTS = ("overdue", "week", "never", "all")


def schedules(*, actor, within: str = "") -> QuerySet[Schedule]:
    """Schedules exist for active people only; their copied scope fields let visible()
    work on this one table."""
    return visible(Schedule.objects.all(), actor, within=within)


def worklist(*, actor, kind: str = "overdue", region: str = "",
             today: date | None = None) -> QuerySet[Schedule]:
    """overdue: past the due date · week: due in the next 7 days · never: never visited."""
    today = today or timezone.localdate()
    rows = schedules(actor=actor, within=region)
    if kind == "overdue":
        rows = rows.filter(next_due__lt=today)
    elif kind == "week":
        rows = rows.filter(next_due__gte=today, next_due__lte=today + timedelta(days=7))
    elif kind == "never":
        rows = rows.filter(last_visit_on__isnull=True)
    return rows.select_related("person", "person__region", "person__organisation").order_by(
        "next_due", "person_id")


def worklist_counts(*, actor, region: str = "", today: date | None = None) -> dict[str, int]:
    """The four tab counts in one query."""
    today = today or timezone.localdate()
    rows = schedules(actor=actor, within=region)
    return rows.aggregate(
        overdue=Count("id", filter=Q(next_due__lt=today)),
        week=Count("id", filter=Q(next_due__gte=today, next_due__lte=today + timedelta(days=7))),
        never=Count("id", filter=Q(last_visit_on__isnull=True)), all=Count("id"))


def overdue_now(*, actor, within: str = "", today: date | None = None) -> QuerySet[Schedule]:
    """The people past their due date today (the work list's first tab), for counting."""
    return schedules(actor=actor, within=within).filter(
        next_due__lt=today or timezone.localdate())


def visits_between(*, actor, start: datetime, end: datetime, within: str = "") -> QuerySet[Visit]:
    """Visits from ``start`` up to (not including) ``end`` in the region ``within`` (where
    the visit was recorded), of people the actor may see."""
    rows = Visit.objects.filter(visited_at__gte=start, visited_at__lt=end)
    if within:
        rows = rows.filter(region_code__startswith=within)
    return visible(rows, actor, "person__")


RECORD_PAGE_PEOPLE = 200


def _latest(field: str) -> Subquery:
    """The person's latest visit's field (on the visit_person_time index)."""
    return Subquery(Visit.objects.filter(person_id=OuterRef("pk")).order_by("-visited_at")
                    .values(field)[:1])


def record_card(person, *, today: date | None = None) -> dict:
    """One person's card on the record page (the data it ships for use offline)."""
    today = today or timezone.localdate()
    next_due = person.next_due
    return {"id": person.pk, "name": person.name, "region": person.region.name,
            "address": person.address, "phone": person.phone,
            "risk": person.risk, "risk_label": str(Risk(person.risk).label),
            "next_due": next_due and next_due.isoformat(),
            "overdue": bool(next_due and next_due < today),
            "last_visit": person.last_visit_at and timezone.localtime(
                person.last_visit_at).strftime("%Y-%m-%d"),
            "last_notes": person.last_notes or "", "last_needs": person.last_needs or ""}


def record_people(*, actor, chosen: int | None = None) -> list:
    """The record page's people, with what a visitor needs at the door (address, phone,
    risk, the last visit's date, notes and needs; see record_card): the actor's work list
    in due order — the page ships them all, for use offline — and the person asked for
    (from their page or a work-list row) when the actor may see them, even with no
    schedule. Nothing the person page masks (the identity number) is loaded."""
    due = dict(schedules(actor=actor).order_by("next_due", "person_id")
               .values_list("person_id", "next_due")[:RECORD_PAGE_PEOPLE])
    wanted = [*due, *([chosen] if chosen and chosen not in due else [])]
    people = visible_people(actor).filter(pk__in=wanted, status=PersonStatus.ACTIVE)
    people = people.select_related("region").only(
        "name", "address", "phone", "risk", "birth_date", "domain_mask", "region__name"
    ).annotate(last_visit_at=_latest("visited_at"), last_notes=_latest("notes"),
               last_needs=_latest("needs"))
    by_pk = {p.pk: p for p in people}
    for pk, person in by_pk.items():
        person.next_due = due.get(pk)
    return [by_pk[pk] for pk in wanted if pk in by_pk]


def visit_with_photo(*, actor, pk) -> Visit:
    """A visit with a photo whose person the actor may see; 404 otherwise."""
    visit = visible(Visit.objects.filter(pk=pk).exclude(photo=""), actor, "person__").only(
        "id", "photo").first()
    if visit is None:
        raise NotFound()
    return visit


def visits_of(*, actor, person) -> QuerySet[Visit]:
    return visible(Visit.objects.filter(person=person), actor, "person__").select_related(
        "visitor").order_by("-visited_at")


@dataclass
class Rate:
    region: Region
    due: int
    visited: int

    @property
    def rate(self) -> float:
        return self.visited / self.due if self.due else 0.0


def _month(month: date) -> tuple[datetime, datetime]:
    start = month.replace(day=1)
    end = (start + timedelta(days=32)).replace(day=1)
    return (timezone.make_aware(datetime.combine(start, time.min)),
            timezone.make_aware(datetime.combine(end, time.min)))


def visit_rate(*, actor, region: Region, month: date | None = None) -> list[Rate]:
    """月探访率: of the people whose policy asks for at least a monthly visit, the share
    visited in the month — for the region and each of its children. The current month
    reads the stored last-visit date (one grouped query on the schedules); an earlier
    month counts the visits themselves."""
    check_date(month, field="month", label=_("月份"))  # beyond 9999-12 the month's end overflows
    today = timezone.localdate()
    month = (month or today).replace(day=1)
    children, length = children_of(region, lowest=Level.TOWNSHIP)  # shared by a page's cards
    due = schedules(actor=actor, within=region.code).filter(interval_days__lte=31)
    if month == today.replace(day=1):
        visited = Q(last_visit_on__gte=month)
    else:
        start, end = _month(month)
        visited = Q(Exists(Visit.objects.filter(person_id=OuterRef("person_id"),
                                                visited_at__gte=start, visited_at__lt=end)))
    counts = (due.annotate(p=Substr("region_code", 1, length)).values("p")
              .annotate(n=Count("id"), v=Count("id", filter=visited)).order_by())
    by = {row["p"]: (row["n"], row["v"]) for row in counts}
    rows = [Rate(region, sum(n for n, _v in by.values()), sum(v for _n, v in by.values()))]
    rows += [Rate(c, *by.get(c.code, (0, 0))) for c in children]
    return rows


def month_starts(today: date, months: int) -> list[date]:
    """The first days of the last ``months`` months, oldest first, this month last."""
    first, starts = today.replace(day=1), []
    for _i in range(months):
        starts.append(first)
        first = (first - timedelta(days=1)).replace(day=1)
    return starts[::-1]


def visit_rate_trend(*, actor, region: Region, months: int = 12,
                     today: date | None = None) -> list[tuple[date, Rate]]:
    """The region's 月探访率 for each of the last months, in one query: the people due
    today (no past roll is kept, so a month long ago is measured against today's), and
    of them those with a visit in the month."""
    starts = month_starts(today or timezone.localdate(), months)
    due = schedules(actor=actor, within=region.code).filter(interval_days__lte=31)
    total = due.count()
    since, _end = _month(starts[0])
    visited = (Visit.objects.filter(person_id__in=due.values("person_id"), visited_at__gte=since)
               .annotate(m=TruncMonth("visited_at")).values("m")
               .annotate(v=Count("person_id", distinct=True)).order_by())
    by = {row["m"].date() if isinstance(row["m"], datetime) else row["m"]: row["v"]
          for row in visited}
    return [(start, Rate(region, total, by.get(start, 0))) for start in starts]
