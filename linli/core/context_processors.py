from linli.accounts.access import access_for
from linli.core.navigation import items_for
from linli.core.notifications import unread_badge


def navigation(request):
    access = access_for(getattr(request, "user", None))
    # A callable: the count is read only by a page that shows the navbar (one indexed
    # COUNT, then memoised on the request's access for the home page's to-do).
    return {"nav_items": items_for(access), "access": access,
            "unread_notifications": lambda: unread_badge(access)}
