"""The whole reporting round in a browser (issue 12): the province opens a round with the
counties; a county drafts and submits; the prefecture approves the county and submits its
own; the province returns it, the prefecture resubmits and the province approves; then the
province's compilation is made and downloaded."""

import pytest
from playwright.sync_api import expect

from conftest import OUR_COUNTY, OUR_PREFECTURE, make_user, sign_in
from linli.accounts.roles import Bureau, Role
from linli.reports.models import Report, ReportStatus
from linli.reports.tests.rounds_fixtures import approve_counties

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_out(page) -> None:
    page.click("#user-menu")
    page.get_by_role("button", name="退出登录").click()
    page.wait_for_url("**/accounts/login/")


def _confirm(page, button: str) -> None:
    """Click a step's button and confirm in its dialog (core/confirm.js)."""
    page.click(button)
    page.wait_for_selector("#confirm-dialog[open]")
    page.click("#confirm-ok")
    page.wait_for_load_state()


def _status(page) -> str:
    return page.locator("#report-status").inner_text().strip()


def test_a_round_goes_from_county_to_province_and_is_compiled(page):
    make_user("shengting", Role.PROVINCE_BUREAU, "63", Bureau.SOCIAL_ORGANIZATIONS)
    prefecture = make_user("xining", Role.PREFECTURE_BUREAU, OUR_PREFECTURE)
    make_user("chengdong", Role.COUNTY_BUREAU, OUR_COUNTY)

    # the province opens the round, with the counties reporting to their prefectures
    sign_in(page, "shengting")
    page.goto("/reports/rounds/")
    page.click("#round-new")
    page.fill("#id_title", "2026年“邻里守望”关爱行动总结报告")
    # the headline indicators are ticked at first; the clerk clears them and keeps a few
    assert page.locator("#indicators-all").evaluate("box => box.indeterminate")
    assert page.locator("#indicator-people_in_care").is_checked()
    page.check("#indicators-all")
    page.uncheck("#indicators-all")
    assert page.locator("input[name=indicators]:checked").count() == 0
    page.check("#indicator-station_coverage")
    page.check("#indicator-people_in_care")
    page.check("#indicator-training_sessions")
    assert page.locator("#indicators-all").evaluate("box => box.indeterminate")
    page.check("#id_report_counties")
    page.click("#round-open")
    page.wait_for_selector("#completeness")
    assert page.locator("#completeness tr[data-level=total] td").nth(1).inner_text() == "61"
    _sign_out(page)

    # the county finds its report through the notification, drafted from its figures
    sign_in(page, "chengdong")
    page.click("#notifications-link")
    page.get_by_text("新的报送任务").first.click()
    page.wait_for_selector("#sections-form")
    assert "城东区民政局" in page.locator("#id_section-0").input_value()  # the draft
    page.fill("#id_section-1", "依托社工站开展探访关爱,培育社区社会组织。")
    page.click("#save")
    page.wait_for_selector(".alert-success")
    _confirm(page, "#submit")
    page.wait_for_selector("#annex-frozen")
    assert _status(page) == "已报送"
    _sign_out(page)

    # the prefecture approves the county; its other counties were approved meanwhile
    county = Report.objects.get(region_code=OUR_COUNTY)
    mine = Report.objects.get(region_code=OUR_PREFECTURE, bureau="")
    approve_counties(prefecture, mine, but=OUR_COUNTY)
    sign_in(page, "xining")
    page.goto(f"/reports/report/{county.pk}/")
    page.fill("#id_comment", "同意")
    _confirm(page, "#approve")
    # the page after the approval (the one before it has #sections too: wait for the status)
    expect(page.locator("#report-status")).to_have_text("已审核通过")
    page.goto(f"/reports/report/{mine.pk}/")
    assert page.locator("#counties tbody tr").count() == 7
    _confirm(page, "#submit")
    page.wait_for_selector("#annex-frozen")
    assert _status(page) == "已报送"
    _sign_out(page)

    # the province sends it back with a reason
    sign_in(page, "shengting")
    page.goto(f"/reports/report/{mine.pk}/")
    page.fill("#id_reason", "请补充各县典型案例")
    _confirm(page, "#return")
    page.wait_for_selector("#annex-live")
    assert _status(page) == "已退回"
    _sign_out(page)

    # the prefecture reads why, adds the cases and resubmits
    sign_in(page, "xining")
    page.goto(f"/reports/report/{mine.pk}/")
    assert "请补充各县典型案例" in page.locator("#events").inner_text()
    page.fill("#id_section-1", "城东区“社工+志愿者”探访模式等典型案例。")
    _confirm(page, "#submit")
    page.wait_for_selector("#annex-frozen")
    _sign_out(page)

    # the province approves it and makes the compilation
    sign_in(page, "shengting")
    page.goto(f"/reports/report/{mine.pk}/")
    _confirm(page, "#approve")
    # the page after the approval (the one before it has #sections too: wait for the status)
    expect(page.locator("#report-status")).to_have_text("已审核通过")
    events = page.locator("#events tbody tr")
    assert events.count() == 5  # created, submitted, returned, resubmitted, approved
    page.goto(f"/reports/rounds/{mine.round_id}/")
    page.click("#compile button")
    page.wait_for_selector("#download-docx", timeout=60_000)
    assert "西宁市" not in page.locator("#compilation-missing").inner_text()
    with page.expect_download() as download:
        page.click("#download-docx")
    assert download.value.suggested_filename.endswith(".docx")
    mine.refresh_from_db()
    assert mine.status == ReportStatus.APPROVED
