"""A destructive button opens a native dialog naming the record: cancelling (the button or
Esc) sends nothing, confirming does it — under the strict CSP (confirm.js, core.confirm)."""

import pytest

from conftest import OUR_TOWNSHIP, OUR_VILLAGE, make_user, sign_in
from linli.accounts import services as account_services
from linli.accounts.models import ApiToken
from linli.accounts.roles import Role
from linli.orgs import services as org_services
from linli.orgs.models import Filing, FilingKind, FilingStatus
from linli.orgs.tests.conftest import community
from linli.people.models import Person, PersonStatus
from linli.people.tests.conftest import OLD_MAN, register

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WATCHED = ("Content Security Policy", "Refused to")


@pytest.fixture
def violations(page):
    found = []
    page.on("console", lambda message: found.append(message.text)
            if any(word in message.text for word in WATCHED) else None)
    return found


def _dialog(page):
    page.wait_for_selector("#confirm-dialog[open]")
    return page.locator("#confirm-dialog")


def test_it_ends_a_group_only_once_confirmed(page, violations):
    staff = make_user("cunwei", Role.VILLAGE_STAFF, OUR_VILLAGE)
    elder = register(staff, name="马福寿", id_number=OLD_MAN, groups=[{"code": "elderly_alone"}])
    membership = elder.group_memberships.get()
    sign_in(page, "cunwei")
    page.goto(f"/people/{elder.pk}/")

    page.locator("#groups").get_by_role("button", name="终止").click()
    dialog = _dialog(page)
    assert "终止马福寿的“独居老年人”认定?" in dialog.inner_text()
    assert "不再按该类别安排探访" in dialog.inner_text()
    assert page.evaluate("document.activeElement.id") == "confirm-cancel"  # Enter cancels
    dialog.get_by_role("button", name="取消").click()
    page.wait_for_selector("#confirm-dialog:not([open])", state="attached")
    page.wait_for_timeout(300)  # time for a submission, were one sent
    membership.refresh_from_db()
    assert membership.ended_on is None

    page.locator("#groups").get_by_role("button", name="终止").click()
    page.keyboard.press("Escape")  # Esc cancels too
    page.wait_for_selector("#confirm-dialog:not([open])", state="attached")
    page.wait_for_timeout(300)
    membership.refresh_from_db()
    assert membership.ended_on is None

    page.locator("#groups").get_by_role("button", name="终止").click()
    _dialog(page).get_by_role("button", name="终止").click()
    page.wait_for_selector("text=已终止马福寿的“独居老年人”认定")
    membership.refresh_from_db()
    assert membership.ended_on is not None
    assert 'id="confirm-page"' not in page.content()  # asked once, not twice
    assert violations == []


def test_it_closes_a_person_with_the_reason_chosen_before_the_dialog(page, violations):
    staff = make_user("cunwei", Role.VILLAGE_STAFF, OUR_VILLAGE)
    elder = register(staff, name="马福寿", id_number=OLD_MAN, groups=[{"code": "elderly_alone"}])
    sign_in(page, "cunwei")
    page.goto(f"/people/{elder.pk}/")
    page.get_by_text("销册", exact=True).click()  # the <details> summary
    page.select_option("select[name=reason]", "deceased")
    page.click("#close-person")
    dialog = _dialog(page)
    assert "为马福寿销册?" in dialog.inner_text()
    dialog.get_by_role("button", name="确认销册").click()
    page.wait_for_selector("text=马福寿已销册(死亡),不再安排探访")
    person = Person.objects.get(pk=elder.pk)
    assert (person.status, person.close_reason) == (PersonStatus.CLOSED, "deceased")
    assert violations == []


def test_it_rejects_a_filing_once_confirmed_and_says_a_missing_reason_on_the_form(page,
                                                                                  violations):
    clerk = make_user("zhuli", Role.TOWNSHIP_ASSISTANT, OUR_TOWNSHIP)
    org = community(clerk, name="北关社区银龄互助会")
    filing = org_services.filing_submit(actor=clerk, organisation=org, kind=FilingKind.ESTABLISH)
    sign_in(page, "zhuli")
    page.goto(f"/orgs/filings/{filing.pk}/")

    page.get_by_role("button", name="退回补正").click()  # not asked; the reason is missing
    page.wait_for_selector("#comment-error")
    assert page.locator("#comment-error").inner_text() == "退回补正须填写理由"
    assert page.locator("#decision").is_visible()  # the form again, not a dead end

    page.fill("#id_comment", "名称与他人重复")
    page.get_by_role("button", name="不予备案").click()
    dialog = _dialog(page)
    assert "对“北关社区银龄互助会”的成立备案不予备案?" in dialog.inner_text()
    dialog.get_by_role("button", name="取消").click()
    page.wait_for_timeout(300)
    assert Filing.objects.get(pk=filing.pk).status == FilingStatus.SUBMITTED
    assert page.input_value("#id_comment") == "名称与他人重复"  # the typing is kept

    page.get_by_role("button", name="不予备案").click()
    _dialog(page).get_by_role("button", name="不予备案").click()
    page.wait_for_selector("text=“北关社区银龄互助会”的成立备案:已不予备案")
    filing.refresh_from_db()
    assert (filing.status, filing.decision_comment) == (FilingStatus.REJECTED, "名称与他人重复")
    assert violations == []


def test_a_required_reason_is_asked_before_the_dialog(page, violations):
    clerk = make_user("zhuli", Role.TOWNSHIP_ASSISTANT, OUR_TOWNSHIP)
    org = community(clerk, name="北关社区银龄互助会")
    filing = org_services.filing_submit(actor=clerk, organisation=org, kind=FilingKind.ESTABLISH)
    org_services.filing_transition(actor=clerk, filing=filing, action="approve")
    sign_in(page, "zhuli")
    page.goto(f"/orgs/{org.pk}/")
    page.get_by_text("申请注销备案").click()
    page.click("#deregister")
    page.wait_for_timeout(300)
    assert not page.locator("#confirm-dialog[open]").count()  # the empty reason first
    assert page.evaluate("document.activeElement.id") == "deregister-reason"
    page.fill("#deregister-reason", "成员均已迁出")
    page.click("#deregister")
    _dialog(page).get_by_role("button", name="提交注销备案").click()
    page.wait_for_selector("text=“北关社区银龄互助会”的注销备案已提交")
    assert Filing.objects.get(kind=FilingKind.DEREGISTER).reason == "成员均已迁出"
    assert violations == []


def test_it_revokes_a_token_once_confirmed(page, violations):
    make_user("xian", Role.COUNTY_BUREAU, "630102")
    from linli.accounts.models import User

    account_services.api_token_create(actor=User.objects.get(username="xian"), name="统计对接")
    sign_in(page, "xian")
    page.goto("/accounts/me/")
    page.get_by_role("button", name="吊销").click()
    dialog = _dialog(page)
    assert "吊销令牌“统计对接”?" in dialog.inner_text()
    dialog.get_by_role("button", name="吊销").click()
    page.wait_for_selector("text=令牌“统计对接”已吊销")
    assert ApiToken.objects.get().revoked_at is not None
    assert violations == []


def test_without_javascript_the_server_asks_instead(browser, live_server, settings, regions):
    settings.LINLI_ENFORCE_2FA = False
    staff = make_user("cunwei", Role.VILLAGE_STAFF, OUR_VILLAGE)
    elder = register(staff, name="马福寿", id_number=OLD_MAN, groups=[{"code": "elderly_alone"}])
    context = browser.new_context(locale="zh-CN", base_url=live_server.url,
                                  java_script_enabled=False)
    page = context.new_page()
    try:
        sign_in(page, "cunwei")
        page.goto(f"/people/{elder.pk}/")
        page.locator("#groups").get_by_role("button", name="终止").click()
        page.wait_for_selector("#confirm-page")
        assert "终止马福寿的“独居老年人”认定?" in page.locator("h1").inner_text()
        assert elder.group_memberships.get().ended_on is None
        page.click("#confirm-yes")
        page.wait_for_selector("text=已终止马福寿的“独居老年人”认定")
        assert elder.group_memberships.get().ended_on is not None
    finally:
        context.close()
