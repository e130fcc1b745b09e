from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse

from linli.accounts.access import access_for

# Pages a signed-in user who still owes the second factor may open.
_OPEN_PREFIXES = ("/static/", "/i18n/")


class SecondFactorMiddleware:
    """Roles that must use TOTP (SECOND_FACTOR_ROLES) get nothing else until they have."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._owes_second_factor(request):
            if request.path.startswith("/api/"):
                return JsonResponse({"error": {"code": "second_factor_required",
                                               "message": "请先完成双因素认证", "details": None}},
                                    status=403)
            return redirect("accounts:second_factor")
        return self.get_response(request)

    def _owes_second_factor(self, request) -> bool:
        user = request.user
        if not settings.LINLI_ENFORCE_2FA or not user.is_authenticated or user.is_verified():
            return False
        allowed = (reverse("accounts:second_factor"), reverse("accounts:logout"))
        if request.path in allowed or request.path.startswith(_OPEN_PREFIXES):
            return False
        return access_for(user).needs_second_factor
