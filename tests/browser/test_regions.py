import pytest

from conftest import make_user, sign_in
from linli.accounts.roles import Bureau, Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_signs_in_and_drills_from_the_province_into_a_county(page):
    make_user("sheng", Role.PROVINCE_BUREAU, "63", Bureau.ELDERLY_SERVICES)
    sign_in(page, "sheng")
    assert page.locator("h1").inner_text() == "工作台"
    page.wait_for_selector("[data-chart] canvas")  # ECharts drew the prefecture chart

    page.get_by_role("link", name="行政区划").click()
    page.get_by_role("link", name="海东市").click()
    page.get_by_role("link", name="乐都区").click()
    assert "青海省/海东市/乐都区" in page.content()
    page.get_by_role("link", name="碾伯街道").click()
    assert page.locator(".breadcrumb").inner_text().replace("\n", "").startswith("青海省")
    assert page.locator("#children tbody tr").count() > 5
    assert "城镇社区" in page.locator("#children").inner_text()


def test_it_shows_another_countys_page_as_not_found(page):
    make_user("ledu", Role.COUNTY_BUREAU, "630202")
    sign_in(page, "ledu")
    page.get_by_role("link", name="行政区划").click()
    assert page.locator("h1").inner_text().startswith("乐都区")
    response = page.goto("/regions/630102/")
    assert response.status == 404
    assert "未找到该页面或记录" in page.content()


def test_it_switches_the_interface_to_english(page):
    make_user("ledu", Role.COUNTY_BUREAU, "630202")
    sign_in(page, "ledu")
    page.select_option("select[name=language]", "en")
    page.wait_for_selector("text=Dashboard")
    assert page.get_by_role("link", name="Regions").is_visible()
