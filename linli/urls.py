from django.contrib import admin
from django.urls import include, path
from django_otp.admin import OTPAdminSite

from linli.api import api

urlpatterns = [
    path("", include("linli.core.urls")),
    path("accounts/", include("linli.accounts.urls")),
    path("regions/", include("linli.regions.urls")),
    path("audit/", include("linli.audit.urls")),
    path("orgs/", include("linli.orgs.urls")),
    path("people/", include("linli.people.urls")),
    path("visits/", include("linli.visits.urls")),
    path("care/", include("linli.care.urls")),
    path("reports/", include("linli.reports.urls")),
    path("appeals/", include("linli.appeals.urls")),
    path("public/appeals/", include("linli.appeals.public")),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("django-admin/", admin.site.urls),
]
# The Django admin asks for the TOTP code too (it has its own login form).
admin.site.__class__ = OTPAdminSite
admin.site.site_header = "邻里守望 · 后台"
admin.site.site_title = "邻里守望"

# Chinese pages, and the API's JSON error shape under /api/ (core/error_views.py).
handler400 = "linli.core.error_views.bad_request"
handler403 = "linli.core.error_views.permission_denied"
handler404 = "linli.core.error_views.page_not_found"
handler500 = "linli.core.error_views.server_error"
