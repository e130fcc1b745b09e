"""The whole chain in a browser: a volunteer records a visit with a need → the village
turns it into an appeal in one tap → refers it to 临时救助 at the county → the county
takes it, handles it and finishes it → the village calls back (回访) and closes it."""

import pytest
from playwright.sync_api import expect

from conftest import OUR_COUNTY, OUR_TOWNSHIP, OUR_VILLAGE, make_user, sign_in
from linli.accounts.roles import Role
from linli.appeals.models import Appeal, AppealStatus
from linli.orgs.tests.conftest import community
from linli.people.models import Person
from linli.people.tests.conftest import OLD_MAN, register
from linli.visits.models import Visit
from linli.visits.seeds import ensure_policies
from linli.visits.services import schedules_refresh

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_out(page):
    page.click("#user-menu")
    page.get_by_role("button", name="退出登录").click()
    page.wait_for_url("**/accounts/login/")


def _step(page, button: str, status: str):
    page.click(button)
    expect(page.locator("#appeal-status")).to_have_text(status)


def test_a_need_found_on_a_visit_goes_to_temporary_assistance_and_back(page):
    village = make_user("cunwei", Role.VILLAGE_STAFF, OUR_VILLAGE)
    township = make_user("zhuli", Role.TOWNSHIP_ASSISTANT, OUR_TOWNSHIP)
    make_user("chengdong", Role.COUNTY_BUREAU, OUR_COUNTY)
    volunteer = make_user("zhiyuan", Role.VOLUNTEER, OUR_VILLAGE)
    team = community(township)
    volunteer.memberships.update(organisation=team)
    ensure_policies()
    elder = register(village, name="马福寿", id_number=OLD_MAN, groups=[{"code": "elderly_alone"}])
    Person.objects.filter(pk=elder.pk).update(organisation=team)
    schedules_refresh([elder.pk])

    # the volunteer visits and writes down what is needed
    sign_in(page, "zhiyuan")
    page.goto("/visits/record/")
    page.select_option("#person", str(elder.pk))
    page.click("label[for=outcome-attention]")
    page.fill("#notes", "家中取暖煤已用完")
    page.fill("#needs", "冬季取暖煤不足,申请临时救助")
    page.click("#save-visit")
    page.wait_for_selector("#recent li.text-success")
    visit = Visit.objects.get()
    _sign_out(page)

    # the village sees the need on the person's page and turns it into an appeal
    sign_in(page, "cunwei")
    page.goto(f"/people/{elder.pk}/")
    page.click(f"a.raise-appeal[href$='visit={visit.pk}']")
    expect(page.locator("#from-visit")).to_be_visible()
    expect(page.locator("#id_description")).to_have_value("冬季取暖煤不足,申请临时救助")
    page.select_option("#id_category", "temporary")
    page.select_option("#id_consent_basis", "consent")
    page.fill("#id_consent_note", "本人口头同意,村委会记录")
    page.click("#intake button[type=submit]")
    expect(page.locator("#appeal-status")).to_have_text("待受理")
    appeal = Appeal.objects.get()
    assert (appeal.visit_id, appeal.person_id) == (visit.pk, elder.pk)
    _step(page, "#step-accept button", "已受理")
    page.select_option("#id_assistance", "temporary")
    page.select_option("#id_to_region_code", OUR_COUNTY)
    page.fill("#step-refer textarea", "请县局核定临时救助")
    _step(page, "#step-refer button", "已转介待接收")
    _sign_out(page)

    # the county finds it on its home page, takes it, handles it and finishes it
    sign_in(page, "chengdong")
    page.get_by_role("link", name="转介给本单位、待接收的诉求").click()
    page.get_by_role("link", name="马福寿").click()
    _step(page, "#step-take button", "已接收")
    _step(page, "#step-start button", "办理中")
    page.fill("#step-finish textarea", "发放临时救助金 800 元,送取暖煤 1 吨")
    _step(page, "#step-finish button", "已办结")
    _sign_out(page)

    # the village calls back and closes it
    sign_in(page, "cunwei")
    page.goto(f"/appeals/{appeal.pk}/")
    page.select_option("#step-follow_up select", "satisfied")
    _step(page, "#step-follow_up button", "已回访")
    _step(page, "#step-close button", "已关闭")
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.CLOSED and appeal.satisfaction == "satisfied"
    events = list(appeal.events.values_list("action", flat=True))
    assert events == ["create", "accept", "refer", "take", "start", "finish", "follow_up",
                      "close"]
    # the person page shows it, with where it went
    page.goto(f"/people/{elder.pk}/")
    expect(page.locator("#person-appeals")).to_contain_text("城东区民政部门")
