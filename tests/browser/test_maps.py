"""The maps draw under the strict CSP (issue 11, "Maps"): ECharts from our static files, the
boundaries fetched from a static URL, the data from a JSON block; no console error."""

from datetime import date
from decimal import Decimal

import pytest

from conftest import OUR_COUNTY, OUR_TOWNSHIP, OUR_VILLAGE, make_user, sign_in
from linli.accounts.roles import Bureau, Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LISTEN = """document.addEventListener("securitypolicyviolation", (e) => {
  (window.__csp = window.__csp || []).push(e.violatedDirective + " " + e.blockedURI);
});"""
SERIES = """(id) => echarts.getInstanceByDom(document.getElementById(id)).getOption().series
  .map((s) => [s.type, (s.data || []).length])"""


@pytest.fixture
def problems(page):
    """Console errors, uncaught exceptions and CSP violations of every page visited."""
    found = []
    page.add_init_script(LISTEN)
    page.on("console", lambda m: found.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: found.append(str(error)))
    return found


def _network(county):
    from linli.care import services
    from linli.orgs import support_services

    services.location_set(actor=county, region_code=OUR_VILLAGE, latitude=Decimal("36.6185"),
                          longitude=Decimal("101.8005"))
    services.location_set(actor=county, region_code="630102001004", latitude=Decimal("36.6400"),
                          longitude=Decimal("101.8600"))
    services.facility_create(actor=county, name="北关社区日间照料中心", level="village",
                             kind="日间照料中心", region_code=OUR_VILLAGE,
                             latitude=Decimal("36.618"), longitude=Decimal("101.800"))
    services.canteen_create(actor=county, name="北关社区老年幸福食堂", kind="happy",
                            region_code=OUR_VILLAGE, latitude=Decimal("36.6175"),
                            longitude=Decimal("101.8050"))
    services.canteen_create(actor=county, name="东关助餐点", kind="point", region_code=OUR_VILLAGE)
    support_services.station_save(actor=county, region_code=OUR_TOWNSHIP, established=True,
                                  opened_on=date(2023, 5, 1))


def test_the_county_map_draws_its_network(page, problems):
    county = make_user("xian", Role.COUNTY_BUREAU, OUR_COUNTY)
    _network(county)
    sign_in(page, "xian")
    page.goto("/care/map/")
    page.wait_for_selector("#network-map[data-drawn=true] canvas")
    series = page.evaluate(SERIES, "network-map")
    # facility circles, canteen circles, covered, uncovered, canteens, facilities
    assert series == [["custom", 1], ["custom", 1], ["scatter", 1], ["scatter", 1],
                      ["scatter", 1], ["scatter", 1]]
    assert "示意图,非标准地图" in page.locator("figcaption").inner_text()
    assert "东关助餐点" in page.locator("#points").inner_text()
    box = page.locator("#network-map").bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)  # a tooltip
    page.wait_for_timeout(300)
    page.screenshot(path="/tmp/linli-county-map.png", full_page=True)
    assert problems + page.evaluate("window.__csp || []") == []


def test_the_province_choropleth_draws_and_switches_level(page, problems):
    from linli.people.tests.conftest import OLD_MAN, register

    make_user("yanglao", Role.PROVINCE_BUREAU, "63", Bureau.ELDERLY_SERVICES)
    register(make_user("cunwei", Role.VILLAGE_STAFF, OUR_VILLAGE), name="马福寿",
             id_number=OLD_MAN, groups=[{"code": "elderly_alone"}])
    sign_in(page, "yanglao")
    page.goto("/regions/map/?figure=people_in_care")
    page.wait_for_selector("#choropleth[data-drawn=true] canvas")
    assert page.evaluate(SERIES, "choropleth") == [["map", 8]]  # a count: 0 is a value
    values = page.evaluate("""() => echarts.getInstanceByDom(document.getElementById("choropleth"))
      .getOption().series[0].data.filter((d) => d.value > 0).map((d) => [d.name, d.value])""")
    assert values == [["西宁市", 1]]
    assert page.locator("#figures tbody tr").count() == 9  # the province and 8 prefectures
    page.screenshot(path="/tmp/linli-province-map.png", full_page=True)
    page.select_option("#id_area", "6328")  # data-autosubmit: the counties of 海西州
    page.wait_for_url("**area=6328**")
    page.wait_for_selector("#choropleth[data-drawn=true] canvas")
    assert "茫崖市" in page.locator("#figures").inner_text()
    page.screenshot(path="/tmp/linli-haixi-map.png", full_page=True)
    assert problems + page.evaluate("window.__csp || []") == []
