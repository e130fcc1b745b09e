"""The notification centre's pages: the user's own notifications only."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from linli.core import notifications
from linli.core.tabs import first_with_work
from linli.core.views import paginate

TABS = {"unread": _("未读"), "all": _("全部")}


@login_required
def notification_list(request):
    mine = notifications.notification_list(actor=request.user)
    counts = {"unread": notifications.unread_count(actor=request.user), "all": mine.count()}
    tab = first_with_work(TABS, counts, request.GET.get("tab"))
    shown = mine.filter(read_at__isnull=True) if tab == "unread" else mine
    return render(request, "core/notifications.html", {
        "tab": tab, "tabs": [(key, label, counts[key]) for key, label in TABS.items()],
        "unread": counts["unread"], "page": paginate(request, shown, count=counts[tab])})


@login_required
def notification_open(request, pk: int):
    """Opening a notification reads it and goes to what it is about."""
    notification = notifications.notification_open(actor=request.user, pk=pk)
    if notification.url and notifications.is_local_link(notification.url):
        return redirect(notification.url)
    return redirect("core:notifications")


@login_required
@require_POST
def notifications_read_all(request):
    notifications.notifications_read_all(actor=request.user)
    return redirect("core:notifications")
