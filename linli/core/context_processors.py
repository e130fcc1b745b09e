from linli.accounts.access import access_for
from linli.core.navigation import items_for


def navigation(request):
    access = access_for(getattr(request, "user", None))
    return {"nav_items": items_for(access), "access": access}
