from functools import wraps

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from linli.accounts.access import access_for
from linli.accounts.roles import Perm
from linli.core import dashboard
from linli.core.errors import NotFound


def require_perm(permission: str):
    """Sign-in required, and the permission — otherwise 404, so nothing is disclosed."""

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not access_for(request.user).can(permission):
                raise NotFound()
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


@login_required
def home(request):
    access = access_for(request.user)
    cards = dashboard.cards_for(access) if access.can(Perm.VIEW) else []
    return render(request, "core/home.html", {
        "cards": [c for c in cards if c.chart is None],
        "charts": [c for c in cards if c.chart is not None],
        "memberships": access.memberships,
    })
