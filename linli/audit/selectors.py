from datetime import date, datetime, time

from django.db.models import Q, QuerySet
from django.utils import timezone

from linli.accounts.access import access_for
from linli.accounts.roles import Perm
from linli.audit.models import AccessLog


def _aware(day: date, at: time) -> datetime:
    return timezone.make_aware(datetime.combine(day, at))


def access_log_list(*, actor, username: str = "", action: str = "", record: str = "",
                    since: date | None = None, until: date | None = None) -> QuerySet[AccessLog]:
    """The log for administrators and auditors. Security events carry no region, so the
    log is not cut by region; the permission itself is the boundary."""
    if not access_for(actor).can(Perm.VIEW_AUDIT):
        return AccessLog.objects.none()
    logs = AccessLog.objects.all()
    if username:
        logs = logs.filter(username=username)
    if action:
        logs = logs.filter(action=action)
    if record:
        logs = logs.filter(Q(object_id=record) | Q(object_repr__contains=record))
    if since:
        logs = logs.filter(at__gte=_aware(since, time.min))
    if until:
        logs = logs.filter(at__lte=_aware(until, time.max))
    return logs.order_by("-at", "-id")
