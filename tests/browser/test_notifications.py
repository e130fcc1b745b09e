import pytest

from conftest import OUR_TOWNSHIP, OUR_VILLAGE, make_user, sign_in
from linli.accounts.roles import Role
from linli.people.tests.conftest import OLD_MAN, register
from linli.visits.models import Visit
from linli.visits.seeds import ensure_policies
from linli.visits.services import schedules_refresh

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_out(page):
    page.click("#user-menu")
    page.get_by_role("button", name="退出登录").click()
    page.wait_for_url("**/accounts/login/")


def test_an_urgent_visit_shows_on_the_townships_badge_and_leads_to_the_visit(page):
    staff = make_user("cunwei", Role.VILLAGE_STAFF, OUR_VILLAGE)
    make_user("zhuli", Role.TOWNSHIP_ASSISTANT, OUR_TOWNSHIP)
    ensure_policies()
    elder = register(staff, name="马福寿", id_number=OLD_MAN, groups=[{"code": "elderly_alone"}])
    schedules_refresh([elder.pk])

    # the village clerk records an urgent visit
    sign_in(page, "cunwei")
    assert page.locator("#notification-badge").count() == 0
    page.goto("/visits/record/")
    page.select_option("#person", str(elder.pk))
    page.click("label[for=outcome-urgent]")
    page.fill("#notes", "老人摔倒,无法起身")
    page.click("#save-visit")
    page.wait_for_selector("#recent li.text-success")  # the server has it
    visit = Visit.objects.get()
    _sign_out(page)

    # the township's assistant sees it on every page, on the home to-do, and opens it
    sign_in(page, "zhuli")
    assert page.locator("#notification-badge").inner_text() == "1"
    assert "未读通知" in page.locator("#todo").inner_text()
    page.click("#notifications-link")
    page.wait_for_url("**/notifications/")
    item = page.locator("#notifications li").first
    assert "马福寿" in item.inner_text() and "紧急" in item.inner_text()
    item.get_by_role("link").click()
    page.wait_for_url(f"**/people/{elder.pk}/#visit-{visit.pk}")
    assert "老人摔倒" in page.locator(f"#visit-{visit.pk}").inner_text()
    assert page.locator("#notification-badge").count() == 0  # opened, so read
