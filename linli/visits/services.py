"""Every write of the visits app: schedules, visits (exactly once), notifications."""

import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import F, Max, Min, Q
from django.db.models.functions import TruncDate
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.accounts.access import access_for
from linli.accounts.models import Membership
from linli.accounts.roles import ORG_ROLES, Perm, Role
from linli.core import pgcopy
from linli.core.bounds import check_date, check_record_time
from linli.core.errors import Conflict, Forbidden, Invalid, NotFound
from linli.core.notifications import notify
from linli.people.models import Group, GroupMembership, Person, PersonStatus
from linli.people.selectors import person_for_write
from linli.regions.models import PROVINCE_CODE, Level
from linli.visits import photos, recording, sms
from linli.visits.models import (
    CHECKLIST,
    Mode,
    Outcome,
    Schedule,
    Tightening,
    Visit,
    VisitPolicy,
)

CHUNK = 5000


def tightened(on: date) -> bool:
    return Tightening.objects.filter(starts_on__lte=on, ends_on__gte=on).exists()


def _policies() -> dict[int, list[VisitPolicy]]:
    by_group: dict[int, list[VisitPolicy]] = defaultdict(list)
    for policy in VisitPolicy.objects.filter(is_active=True).prefetch_related("groups"):
        for group in policy.groups.all():
            by_group[group.pk].append(policy)
    return by_group


def schedules_refresh(person_ids, today: date | None = None) -> int:
    """Recompute the stored next-due date of these people: the shortest interval among the
    policies of their current groups (tightened while a tightening period runs)."""
    ids = list(person_ids)
    return _refresh((ids[start:start + CHUNK] for start in range(0, len(ids), CHUNK)), today)


def schedules_refresh_all(today: date | None = None) -> int:
    """Everyone, in ranges of primary keys (a range reads faster than a list of 5,000 ids;
    a closed person in a range just loses their schedule, as they should)."""
    bounds = Person.objects.aggregate(low=Min("pk"), high=Max("pk"))
    if bounds["low"] is None:
        return 0
    return _refresh((range(start, start + CHUNK)
                     for start in range(bounds["low"], bounds["high"] + 1, CHUNK)), today)


def _refresh(chunks, today: date | None) -> int:
    today = today or timezone.localdate()
    by_group, tight = _policies(), tightened(today)
    return sum(_refresh_chunk(chunk, by_group, tight, today) for chunk in chunks)


def _among(field: str, ids) -> Q:
    """The filter of a chunk: a range of primary keys, or a list of them (on PostgreSQL as
    one array: ``pgcopy.AnyOf``)."""
    if isinstance(ids, range):
        return Q(**{f"{field}__gte": ids.start, f"{field}__lt": ids.stop})
    if connection.vendor == "postgresql":
        return Q(pgcopy.AnyOf(F(field), ids))
    return Q(**{f"{field}__in": ids})


_SCHEDULE_FIELDS = ("region_code", "policy_id", "interval_days", "last_visit_on", "next_due",
                    "organisation_id", "domain_mask", "birth_date")
# A schedule as a row: the person's id, then _SCHEDULE_FIELDS (what a refresh computes,
# compares with the stored one and writes, without a model instance per person).
_SCHEDULE_ROW = ("person_id", *_SCHEDULE_FIELDS)
# the day a person was registered, as a local date made by the database
_PERSON_FIELDS = ("pk", "region_code", "risk", "status", TruncDate("created_at"),
                  "organisation_id", "domain_mask", "birth_date")


def _refresh_chunk(ids, by_group, tight, today) -> int:
    keep, drop = _schedule_rows(ids, by_group, tight, today)
    current = {row[0]: row for row in Schedule.objects.filter(_among("person_id", ids))
               .values_list(*_SCHEDULE_ROW)}
    gone = [pk for pk in drop if pk in current]
    if gone:
        Schedule.objects.filter(_among("person_id", gone)).delete()
    # only what changed is written: a refresh of the whole province after a policy change
    # rewrites the schedules it moves, not 300,000 rows (and their dead copies)
    _schedules_write([row for row in keep if current.get(row[0]) != row])
    return len(keep)


def _schedule_rows(ids, by_group, tight, today) -> tuple[list[tuple], list[int]]:
    """(the schedule of each of these people who has one, as a row (_SCHEDULE_ROW); the
    ids of those who have none: closed, or no policy for their current groups)."""
    groups = defaultdict(set)
    current_groups = GroupMembership.objects.filter(
        _among("person_id", ids), started_on__lte=today).exclude(ended_on__lt=today)
    for person_id, group_id in current_groups.values_list("person_id", "group_id"):
        groups[person_id].add(group_id)
    last = _last_visits(ids)
    keep, drop = [], []
    for pk, region_code, risk, status, registered, organisation_id, domain_mask, birth_date in (
            Person.objects.filter(_among("pk", ids)).values_list(*_PERSON_FIELDS)):
        policy = _policy_for(groups[pk], risk, by_group)
        if status != PersonStatus.ACTIVE or policy is None:
            drop.append(pk)
            continue
        interval = policy.tightened_interval_days if tight else policy.interval_days
        visited = last.get(pk)
        start = visited or registered
        keep.append((pk, region_code, policy.pk, interval, visited,
                     start + timedelta(days=interval), organisation_id, domain_mask,
                     birth_date))
    return keep, drop


def _policy_for(groups: set[int], risk: str, by_group) -> VisitPolicy | None:
    """The policy of the shortest interval among those of the person's groups (a policy
    for a risk level applies only at that level)."""
    candidates = [p for g in groups for p in by_group.get(g, ()) if not p.risk or p.risk == risk]
    return min(candidates, key=lambda p: p.interval_days) if candidates else None


def _last_visits(ids) -> dict[int, date]:
    """Each person's latest visit, as a local date (made one here: cheaper than converting
    every visit in the query)."""
    return {pk: timezone.localtime(at).date() for pk, at in Visit.objects.filter(
        _among("person_id", ids)).values_list("person_id").annotate(
        last=Max("visited_at")).order_by()}


def _schedules_write(rows: list[tuple]) -> None:
    """Create or replace these schedules (rows of _SCHEDULE_ROW)."""
    if not rows:
        return
    if connection.vendor == "postgresql":
        _schedules_upsert(rows)
    else:
        _schedules_bulk_create(rows)


def _schedules_upsert(rows: list[tuple]) -> None:
    """PostgreSQL: the rows as they are, one INSERT … SELECT FROM unnest(…) ON CONFLICT DO
    UPDATE with a column per array (no model instance, no parameter per value)."""
    columns = [Schedule._meta.get_field(name).column for name in _SCHEDULE_ROW]
    pgcopy.upsert_rows(Schedule._meta.db_table, columns, rows, unique=["person_id"])


def _schedules_bulk_create(rows: list[tuple]) -> None:
    """Any database: the same rows written by the ORM."""
    Schedule.objects.bulk_create([Schedule(**dict(zip(_SCHEDULE_ROW, row, strict=True)))
                                  for row in rows], batch_size=2000, update_conflicts=True,
                                 unique_fields=["person"], update_fields=_SCHEDULE_FIELDS)


def schedules_refresh_later() -> None:
    """Recompute every schedule in the background once this transaction commits (at
    province scale a full refresh takes half a minute: never inside a request)."""
    from linli.visits.tasks import schedules_refresh_task

    transaction.on_commit(schedules_refresh_task.enqueue)


def schedules_follow_tightening(today: date | None = None) -> int:
    """Part of the daily job: when a tightening period has begun or ended since the
    schedules were computed, recompute them all. Returns how many were recomputed."""
    today = today or timezone.localdate()
    interval = F("policy__tightened_interval_days" if tightened(today) else
                 "policy__interval_days")
    stale = Schedule.objects.filter(policy__isnull=False).exclude(interval_days=interval)
    return schedules_refresh_all(today) if stale.exists() else 0


def may_set_policies(actor) -> bool:
    """Visit policies and tightening periods are the province's to set."""
    access = access_for(actor)
    return access.can(Perm.REVIEW) and access.covers(PROVINCE_CODE)


@transaction.atomic
def policy_save(*, actor, policy: VisitPolicy | None = None, name: str, groups,
                risk: str = "", interval_days: int, tightened_interval_days: int,
                modes, is_active: bool = True) -> VisitPolicy:
    """Create or change a visit policy; every schedule follows it in the background."""
    if not may_set_policies(actor):
        raise NotFound()
    groups, modes = list(groups), [m for m in Mode.values if m in set(modes)]
    errors = {}
    if not name.strip():
        errors["name"] = [_("请填写规则名称")]
    if not groups:
        errors["groups"] = [_("请至少选择一个适用类别")]
    if not 1 <= interval_days <= 366:
        errors["interval_days"] = [_("探访间隔应在 1 至 366 天之间")]
    if not 1 <= tightened_interval_days <= max(interval_days, 1):
        errors["tightened_interval_days"] = [_("加密探访间隔应至少 1 天,且不长于平时间隔")]
    if not modes:
        errors["modes"] = [_("请至少选择一种探访方式")]
    if errors:
        raise Invalid(_("请检查标记的字段"), details=errors)
    policy = policy or VisitPolicy()
    policy.name, policy.risk, policy.is_active = name.strip(), risk, is_active
    policy.interval_days, policy.tightened_interval_days = interval_days, tightened_interval_days
    policy.modes = ",".join(modes)
    policy._history_user = actor
    policy.save()
    policy.groups.set(groups)
    schedules_refresh_later()
    return policy


def visited_domains() -> set[str]:
    """The data domains of the groups the active visit policies cover."""
    return set(Group.objects.filter(visit_policies__is_active=True)
               .values_list("domain", flat=True).distinct())


def may_tighten(actor) -> bool:
    """A province-wide tightening changes the visits of the people in the policies'
    groups: the provincial bureaus that own those groups' domains start it, and the system
    administrators — not a bureau with no part in them (社会组织管理局)."""
    access = access_for(actor)
    if not access.covers(PROVINCE_CODE):
        return False
    if Role.SYSADMIN in access.roles:
        return True
    return access.can(Perm.REVIEW) and bool(access.domains & visited_domains())


TIGHTENING_MAX_DAYS = 366


@transaction.atomic
def tightening_start(*, actor, reason: str, starts_on: date, ends_on: date) -> Tightening:
    """The province switches on tightened visits (extreme weather, holidays). A period that
    starts later is picked up by the daily job on its first day."""
    if not access_for(actor).covers(PROVINCE_CODE):
        raise NotFound()
    if not may_tighten(actor):
        raise Forbidden(_("只有负责探访对象类别的省厅处室和系统管理员可以启用加密探访"))
    check_date(starts_on, field="starts_on", label=_("开始日期"))
    check_date(ends_on, field="ends_on", label=_("结束日期"))
    if ends_on < starts_on or not reason.strip():
        raise Invalid(_("请填写原因和正确的起止日期"))
    if (ends_on - starts_on).days >= TIGHTENING_MAX_DAYS:
        message = _("加密探访期不能超过一年")
        raise Invalid(message, details={"ends_on": [message]})
    period = Tightening.objects.create(reason=reason.strip(), starts_on=starts_on,
                                       ends_on=ends_on, created_by=actor)
    schedules_refresh_later()
    return period


def _clean_checklist(checklist: dict | None) -> dict:
    known = {key for key, _label in CHECKLIST}
    return {k: str(v)[:200] for k, v in (checklist or {}).items() if k in known}


VISIT_MINUTES_MAX = 600  # ten hours: the API schema's bound too


@dataclass(frozen=True)
class Location:
    """Where the visitor stood (browser geolocation, given with their consent)."""

    latitude: float
    longitude: float
    accuracy: float | None = None

    def checked(self) -> tuple[Decimal, Decimal, int | None]:
        message = _("位置坐标无效")
        if not (-90 <= self.latitude <= 90 and -180 <= self.longitude <= 180):
            raise Invalid(message, details={"location": [message]})
        if self.accuracy is not None and not 0 <= self.accuracy <= LOCATION_ACCURACY_MAX:
            raise Invalid(message, details={"location": [message]})
        places = Decimal("0.000001")
        return (Decimal(str(self.latitude)).quantize(places),
                Decimal(str(self.longitude)).quantize(places),
                None if self.accuracy is None else round(self.accuracy))


LOCATION_ACCURACY_MAX = 100_000  # metres; a fix worse than 100 km says nothing


def visit_record(*, actor, visit_id: uuid.UUID | str, person_id: int, visited_at: datetime,
                 mode: str, outcome: str, met: str = "", checklist: dict | None = None,
                 notes: str = "", needs: str = "", duration_minutes: int = 30,
                 offline: bool = False, photo: bytes | None = None,
                 location: Location | None = None) -> tuple[Visit, bool]:
    """Record a visit exactly once: the same id again returns the visit already saved.
    A photo (JPEG or PNG bytes) is checked and stored with it; a location is kept as data."""
    visit_id = uuid.UUID(str(visit_id))
    if not access_for(actor).can(Perm.EDIT):
        raise NotFound()
    person = person_for_write(actor=actor, pk=person_id, fields=("name", "region_id"))
    if mode not in Mode.values or outcome not in Outcome.values:
        raise Invalid(_("请选择探访方式和结果"))
    check_record_time(visited_at, field="visited_at", label=_("探访时间"))
    if not 1 <= duration_minutes <= VISIT_MINUTES_MAX:
        message = _("探访时长应在 1 至 %(m)d 分钟之间") % {"m": VISIT_MINUTES_MAX}
        raise Invalid(message, details={"duration_minutes": [message]})
    photo_name = (photos.name_for(visit_id, photos.image_kind(photo), timezone.localdate())
                  if photo else "")
    latitude, longitude, accuracy = location.checked() if location else (None, None, None)
    visit = Visit(id=visit_id, person=person, region_code=person.region_code, visitor=actor,
                  visited_at=visited_at, mode=mode, met=met.strip()[:64],
                  checklist=_clean_checklist(checklist), outcome=outcome, notes=notes.strip(),
                  needs=needs.strip(), duration_minutes=duration_minutes, offline=offline,
                  photo=photo_name, latitude=latitude, longitude=longitude,
                  location_accuracy=accuracy)
    with transaction.atomic():
        if not recording.visit_insert(visit):
            # the id is taken: a retry or a double tap of the same visit gets it back
            existing = Visit.objects.get(pk=visit_id)
            if existing.person_id != person_id or existing.visitor_id != actor.pk:
                raise Conflict(_("该探访编号已被使用"))
            return existing, False
        visit._state.adding = False
        if photo_name:
            # inside the transaction: a file that cannot be written records no visit
            photos.store(photo_name, photo)
        recording.hours_add(user_id=actor.pk, minutes=duration_minutes)
        recording.schedule_move(person_id=person.pk,
                                day=timezone.localtime(visited_at).date())
        if outcome == Outcome.URGENT:
            transaction.on_commit(lambda: notify_urgent(visit))
    return visit, True


def _responsible_users(person: Person):
    """The township's civil-affairs assistants and the responsible organisation's staff."""
    memberships = Membership.objects.filter(is_active=True, role=Role.TOWNSHIP_ASSISTANT,
                                            region_code=person.region_code[:9])
    if person.organisation_id:
        memberships = memberships | Membership.objects.filter(
            is_active=True, role__in=ORG_ROLES, organisation_id=person.organisation_id)
    return {m.user for m in memberships.select_related("user")}


def notify_urgent(visit: Visit) -> None:
    person = visit.person
    title = _("紧急:%(n)s 需紧急处置") % {"n": person.name}
    body = _("%(v)s 于 %(t)s 探访 %(n)s(%(r)s),结果为需紧急处置。%(notes)s") % {
        "v": visit.visitor.display_name, "t": timezone.localtime(visit.visited_at)
        .strftime("%m-%d %H:%M"), "n": person.name, "r": person.region.name,
        "notes": visit.notes[:100]}
    users = _responsible_users(person)
    notify(users, title=title, body=body, urgent=True,
           link=reverse("people:detail", args=[person.pk]) + f"#visit-{visit.pk}")
    for user in users:
        if user.phone:
            sms.send(user.phone, f"【邻里守望】{title}")


VISITOR_ROLES = (Role.VILLAGE_STAFF, Role.ORG_STAFF, Role.VOLUNTEER)
SUPERVISOR_ROLES = (Role.TOWNSHIP_ASSISTANT, Role.COUNTY_BUREAU)


def _due_this_week(user, roles: set[str], today: date) -> str:
    """The reminder of what a visitor has due this week. A township's assistant hears of
    the people an import left at the township (村(社区)待补充): no village's staff sees
    them until their village is completed."""
    from linli.visits.selectors import worklist

    week = worklist(actor=user, kind="week", today=today)
    if roles & set(VISITOR_ROLES):
        due = week.count()
        return _("本周有 %(n)d 位对象应探访") % {"n": due} if due else ""
    if Role.TOWNSHIP_ASSISTANT in roles:
        due = week.filter(person__region__level__lt=Level.VILLAGE).count()
        return _("本周有 %(n)d 位村(社区)待补充的对象应探访") % {"n": due} if due else ""
    return ""


def reminders_send(*, today: date | None = None) -> dict[str, int]:
    """The daily job: schedules follow a tightening period that began or ended; then
    visitors hear what is due this week (a township, what is due for the people at its
    own level), supervisors what is overdue — in the app, and by SMS to supervisors with
    a phone number."""
    from linli.accounts.models import User
    from linli.visits.selectors import worklist

    today = today or timezone.localdate()
    sent = {"visitors": 0, "supervisors": 0, "sms": 0,
            "refreshed": schedules_follow_tightening(today)}
    users = User.objects.filter(is_active=True, memberships__is_active=True,
                                memberships__role__in=VISITOR_ROLES + SUPERVISOR_ROLES
                                ).distinct()
    for user in users:
        roles = {m.role for m in access_for(user).memberships}
        title = _due_this_week(user, roles, today)
        if title:
            notify([user], title=title, link="/visits/?tab=week")
            sent["visitors"] += 1
        if roles & set(SUPERVISOR_ROLES):
            overdue = worklist(actor=user, kind="overdue", today=today).count()
            if overdue:
                title = _("辖区有 %(n)d 位对象逾期未访") % {"n": overdue}
                notify([user], title=title, link="/visits/?tab=overdue")
                sent["supervisors"] += 1
                if user.phone:
                    sms.send(user.phone, f"【邻里守望】{title}")
                    sent["sms"] += 1
    return sent
