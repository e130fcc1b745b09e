import pytest

from conftest import OUR_TOWNSHIP, OUR_VILLAGE, make_user, sign_in
from linli.accounts.roles import Role
from linli.orgs.models import Organisation, Status

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_one_filing_goes_from_submit_to_approved(page):
    make_user("cunwei", Role.VILLAGE_STAFF, OUR_VILLAGE)
    make_user("zhuli", Role.TOWNSHIP_ASSISTANT, OUR_TOWNSHIP)

    # the village committee registers the group and submits its 成立备案
    sign_in(page, "cunwei")
    page.goto("/orgs/new/")
    page.fill("#id_name", "北关社区银龄互助会")
    page.select_option("#id_category", "life_service")
    page.select_option("#id_region_code", OUR_VILLAGE)  # the picker: a short list
    page.select_option("#id_authority_region_code", OUR_TOWNSHIP)
    page.fill("#id_leader_name", "马秀兰")
    page.fill("#id_members_count", "16")
    page.click("main button[type=submit]")
    page.wait_for_selector("#submit-filing")
    assert "待备案" in page.locator("h1").inner_text()
    page.click("#submit-filing")
    page.wait_for_selector("#filing-status")
    assert page.locator("#filing-status").inner_text() == "待审核"
    page.click("#user-menu")
    page.get_by_role("button", name="退出登录").click()
    page.wait_for_url("**/accounts/login/")

    # the township's civil-affairs assistant finds it in the queue and approves it
    sign_in(page, "zhuli")
    page.goto("/orgs/filings/")
    page.get_by_role("link", name="北关社区银龄互助会").click()
    page.fill("#id_comment", "材料齐全,准予备案")
    page.get_by_role("button", name="准予备案").click()
    page.wait_for_selector("#filing-number")
    assert page.locator("#filing-status").inner_text() == "已备案"
    assert page.locator("#filing-number").inner_text().startswith(f"{OUR_TOWNSHIP}-")
    events = page.locator("#events tbody tr")
    assert events.count() == 2 and "准予备案" in events.nth(1).inner_text()

    org = Organisation.objects.get(name="北关社区银龄互助会")
    assert org.status == Status.ACTIVE and org.filing_number
