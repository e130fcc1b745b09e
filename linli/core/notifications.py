"""The notification centre: how any app tells a user of work waiting for them.

Every app calls ``notify``; a user reads, opens and marks only their own notifications
(another user's is missing: 404). The navbar badge counts the unread ones once per request.
"""

from collections.abc import Iterable

from django.db.models import F, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

from linli.accounts.access import Access
from linli.core.bounds import ID_MAX
from linli.core.errors import NotFound
from linli.core.models import Notification

TITLE_MAX = Notification._meta.get_field("title").max_length
URL_MAX = Notification._meta.get_field("url").max_length


def is_local_link(link: str) -> bool:
    """A path on this site, never another host (the open link redirects to it)."""
    return (link.startswith("/") and len(link) <= URL_MAX
            and url_has_allowed_host_and_scheme(link, allowed_hosts=None))


def notify(users: Iterable, *, title: str, body: str = "", link: str = "",
           urgent: bool = False) -> int:
    """One unread notification for each active user; returns how many were written.

    A user who still has an unread notification with the same link gets it brought up to
    date instead of a second one: a daily reminder or a filing returned twice shows once,
    with its latest text. Call it inside the writer's transaction so both stand or fall
    together.
    """
    if link and not is_local_link(link):
        raise ValueError(f"a notification links to a path on this site, not {link!r}")
    ids = sorted({user.pk for user in users if user.is_active})
    if not ids:
        return 0
    fields = {"title": title[:TITLE_MAX], "body": body, "urgent": urgent}
    pending = Notification.objects.none()
    if link:
        pending = Notification.objects.filter(user_id__in=ids, url=link, read_at__isnull=True)
    refreshed = set(pending.values_list("user_id", flat=True))
    if refreshed:
        pending.update(created_at=timezone.now(), **fields)
    Notification.objects.bulk_create(
        [Notification(user_id=pk, url=link, **fields) for pk in ids if pk not in refreshed])
    return len(ids)


def settle(link: str, *, waiting: Iterable = ()) -> int:
    """The work behind a link has moved on: its unread notifications are marked read, but
    for the users it now waits for (a filing decided no longer asks its body to review)."""
    keep = {user.pk for user in waiting}
    return (Notification.objects.filter(url=link, read_at__isnull=True)
            .exclude(user_id__in=keep).update(read_at=timezone.now()))


# --- the user's own ------------------------------------------------------------------------

def _user_id(actor) -> int | None:
    return actor.user_id if isinstance(actor, Access) else actor.pk


def notification_list(*, actor) -> QuerySet[Notification]:
    return Notification.objects.filter(user_id=_user_id(actor))


def unread_count(*, actor) -> int:
    return notification_list(actor=actor).filter(read_at__isnull=True).count()


def unread_badge(access: Access) -> int:
    """The unread count once per request: the navbar badge and the home page share it."""
    if "unread_notifications" not in access.memo:
        access.memo["unread_notifications"] = (
            unread_count(actor=access) if access.user_id else 0)
    return access.memo["unread_notifications"]


def notification_open(*, actor, pk: int) -> Notification:
    """The actor's own notification, marked read (the first reading time is kept)."""
    if not 0 < pk <= ID_MAX:  # a URL's number beyond a primary key: nobody's
        raise NotFound()
    mine = notification_list(actor=actor).filter(pk=pk)
    if not mine.update(read_at=Coalesce(F("read_at"), timezone.now())):
        raise NotFound()
    return mine.get()


def notifications_read_all(*, actor) -> int:
    return notification_list(actor=actor).filter(read_at__isnull=True).update(
        read_at=timezone.now())
