"""The pages work under the strict Content-Security-Policy: Chromium reports no violation.

Chromium reports each refused inline script, handler, style or outside source as a console
error ("Refused to …"), and fires a securitypolicyviolation event on the document; both are
collected for every page visited.
"""

import pytest

from conftest import OUR_COUNTY, OUR_VILLAGE, PASSWORD, make_user, sign_in
from linli.accounts.roles import Role
from linli.people.tests.conftest import OLD_MAN, register
from linli.visits.seeds import ensure_policies
from linli.visits.services import schedules_refresh

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Console messages that mean a policy refused something, or that a policy is malformed.
WATCHED = ("Content Security Policy", "Refused to", "Permissions-Policy", "Permissions policy")
LISTEN = """document.addEventListener("securitypolicyviolation", (e) => {
  (window.__csp = window.__csp || []).push(e.violatedDirective + " " + e.blockedURI);
});"""


@pytest.fixture
def violations(page):
    found = []
    page.add_init_script(LISTEN)
    page.on("console", lambda message: found.append(message.text)
            if any(word in message.text for word in WATCHED) else None)
    return found


def _visit(page, violations, path):
    response = page.goto(path)
    page.wait_for_load_state("networkidle")
    assert "script-src 'self';" in response.headers["content-security-policy"] + ";"
    violations += [f"{path}: {v}" for v in page.evaluate("window.__csp || []")]


def test_it_shows_the_main_pages_without_a_csp_violation(page, violations):
    make_user("xian", Role.COUNTY_BUREAU, OUR_COUNTY)
    staff = make_user("cunwei", Role.VILLAGE_STAFF, OUR_VILLAGE)
    ensure_policies()
    elder = register(staff, name="马福寿", id_number=OLD_MAN, groups=[{"code": "elderly_alone"}])
    schedules_refresh([elder.pk])

    sign_in(page, "xian")
    _visit(page, violations, "/")
    page.wait_for_selector("[data-chart] canvas")
    box = page.locator("[data-chart]").first.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)  # a tooltip
    page.wait_for_timeout(300)
    for path in ("/regions/", f"/regions/{OUR_COUNTY}/", "/people/", f"/people/{elder.pk}/",
                 "/visits/", "/visits/rate/", "/care/services/", "/orgs/", "/orgs/new/",
                 "/orgs/filings/", "/orgs/stations/", "/orgs/volunteers/", "/accounts/me/",
                 "/accounts/me/second-factor/", "/no-such-page/", "/api/v1/docs"):
        _visit(page, violations, path)
    page.wait_for_selector(".swagger-ui .opblock")  # Swagger UI drew the operations
    _visit(page, violations, "/people/")
    page.locator("[data-picker=regions] [data-picker-text]").first.fill("北关")  # htmx picker
    page.wait_for_selector("[data-picker=regions] [data-picker-option]")
    page.select_option("select[name=language]", "en")  # data-autosubmit, not onchange=
    page.wait_for_selector("html[lang=en]", state="attached")
    assert violations == []


def test_it_records_a_visit_under_the_csp(page, violations):
    staff = make_user("cunwei", Role.VILLAGE_STAFF, OUR_VILLAGE)
    ensure_policies()
    elder = register(staff, name="马福寿", id_number=OLD_MAN, groups=[{"code": "elderly_alone"}])
    schedules_refresh([elder.pk])

    sign_in(page, "cunwei")
    _visit(page, violations, "/visits/record/")
    page.evaluate("navigator.serviceWorker.ready")  # worker-src 'self'
    page.select_option("#person", str(elder.pk))
    page.click("#save-visit")
    page.wait_for_selector("#queue-count:text-is('0')")  # a selector wait: no eval under the CSP
    assert "已上传" in page.locator("#recent").inner_text()  # record.js read its data-…
    assert violations == []


def test_it_shows_the_django_admin_without_a_csp_violation(page, violations):
    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    admin = make_user("root", is_staff=True, is_superuser=True)
    device = TOTPDevice.objects.create(user=admin, name="phone", confirmed=True)
    page.goto("/django-admin/login/")
    page.fill("#id_username", "root")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")  # django-otp then offers the user's devices
    page.select_option("#id_otp_device", index=1)
    page.fill("#id_password", PASSWORD)
    page.fill("#id_otp_token", str(TOTP(device.bin_key, device.step, device.t0, device.digits,
                                        device.drift).token()).zfill(6))
    page.click("input[type=submit]:not([name])")
    page.wait_for_url("**/django-admin/")
    for path in ("/django-admin/", "/django-admin/orgs/organisation/",
                 "/django-admin/orgs/organisation/add/", "/django-admin/accounts/user/"):
        _visit(page, violations, path)
    assert violations == []
