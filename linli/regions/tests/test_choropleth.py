"""The province choropleth of registered figures (issue 11, "Maps")."""

import json
from datetime import date

import pytest

from conftest import OTHER_COUNTY, OUR_COUNTY, OUR_PREFECTURE, OUR_TOWNSHIP, OUR_VILLAGE
from linli.accounts.access import access_for
from linli.care import services as care
from linli.core.indicators import available_to, registered
from linli.orgs import selectors as orgs
from linli.orgs import support_services
from linli.people.selectors import visible_people
from linli.people.tests.conftest import CHILD, OLD_MAN, register
from linli.regions.models import Region
from linli.visits import selectors as visits
from linli.visits.seeds import ensure_policies
from linli.visits.services import schedules_refresh

pytestmark = pytest.mark.django_db


@pytest.fixture
def figures(personas):
    """An old man due a visit and a child in 城东区, a 社工站 in 东关大街街道."""
    ensure_policies()
    elder = register(personas.village, name="马福寿", id_number=OLD_MAN,
                     groups=[{"code": "elderly_alone"}])
    register(personas.village, name="才让卓玛", id_number=CHILD,
             groups=[{"code": "left_behind_child"}])
    schedules_refresh([elder.pk])
    support_services.station_save(actor=personas.county, region_code=OUR_TOWNSHIP,
                                  established=True, opened_on=date(2023, 5, 1))
    care.location_set(actor=personas.county, region_code=OUR_VILLAGE, latitude="36.62",
                      longitude="101.78")


def _spec(response) -> dict:
    html = response.content.decode()
    start = html.index('id="choropleth-spec"')
    return json.loads(html[html.index(">", start) + 1: html.index("</script>", start)])


def _table(response) -> dict[str, list[str]]:
    """region code → the cells of its row in the table beside the map."""
    import re

    html = response.content.decode()
    table = html[html.index('id="figures"'):html.index("</table>", html.index('id="figures"'))]
    rows = {}
    for code, body in re.findall(r'data-code="(\d+)">(.*?)</tr>', table, re.S):
        rows[code] = [re.sub(r"<[^>]+>", "", c).strip()
                      for c in re.findall(r"<td[^>]*>(.*?)</td>", body, re.S)]
    return rows


def test_every_figure_is_registered_once_with_its_parts():
    keys = [i.key for i in registered()]
    assert len(keys) == len(set(keys))
    assert {"circle_coverage", "orgs_per_rural", "orgs_per_urban", "people_in_care",
            "station_coverage", "visit_rate", "training_sessions", "orgs_community",
            "people_elderly_alone", "services_comfort", "volunteers"} <= set(keys)


def test_the_province_map_shows_each_prefecture_as_the_selector_counts(personas, as_user, figures):
    client = as_user(personas.province_elderly)
    response = client.get("/regions/map/", {"figure": "visit_rate", "area": "63"})
    assert response.status_code == 200
    rates = visits.visit_rate(actor=personas.province_elderly, region=Region.objects.get(code="63"))
    table = _table(response)
    assert list(table) == [r.region.code for r in rates]  # the province, then 8 prefectures
    xining = next(r for r in rates if r.region.code == OUR_PREFECTURE)
    assert (xining.visited, xining.due) == (0, 1)
    assert table[OUR_PREFECTURE] == ["西宁市", "0.0%", "0", "1"]
    assert table["6302"][1] == "—"  # nobody due: no rate, not a red 0 %
    spec = _spec(response)
    assert spec["geo"].endswith("vendor/geo/63.json")
    assert spec["data"] == [{"name": "西宁市", "value": 0.0}]
    assert spec["percent"] and spec["max"] == 100
    html = response.content.decode()
    assert "示意图,非标准地图" in html and "echarts@4.9.0" in html
    assert "不含" in html and 'id="domain-note"' in html  # 养老服务处 sees elderly people only


def test_a_prefecture_by_county_and_the_counts_of_people(personas, as_user, figures):
    response = as_user(personas.prefecture).get("/regions/map/",
                                                {"figure": "people_in_care", "area": OUR_PREFECTURE})
    table = _table(response)
    people = visible_people(personas.prefecture).filter(status="active")
    assert people.filter(region_code__startswith=OUR_COUNTY).count() == 2
    assert table[OUR_PREFECTURE] == ["西宁市", "2"]
    assert table[OUR_COUNTY] == ["城东区", "2"]
    assert table["630106"] == ["湟中区", "0"]
    assert _spec(response)["geo"].endswith("vendor/geo/6301.json")
    elderly = as_user(personas.province_elderly).get(
        "/regions/map/", {"figure": "people_in_care", "area": OUR_PREFECTURE})
    assert _table(elderly)[OUR_COUNTY][1] == "1"  # the bureau's own domains: not the child


def test_station_coverage_matches_measure_eight(personas, as_user, figures):
    response = as_user(personas.province).get("/regions/map/",
                                              {"figure": "station_coverage", "area": OUR_PREFECTURE})
    coverage = orgs.station_coverage(actor=personas.province,
                                     region=Region.objects.get(code=OUR_PREFECTURE))
    chengdong = next(c for c in coverage if c.region.code == OUR_COUNTY)
    assert _table(response)[OUR_COUNTY] == [
        "城东区", f"{100 * chengdong.stations / chengdong.townships:.1f}%",
        str(chengdong.stations), str(chengdong.townships)]
    assert 'class="text-end text-danger"' in response.content.decode()  # below 70 %


def test_a_county_user_sees_its_own_county_on_its_prefectures_map(personas, as_user, figures):
    response = as_user(personas.county).get("/regions/map/", {"figure": "circle_coverage"})
    table = _table(response)
    assert list(table) == [OUR_COUNTY]
    assert table[OUR_COUNTY] == ["城东区", "0.0%", "0", "1"]
    assert 'id="partial-note"' in response.content.decode()


def test_the_select_offers_the_bureaus_own_figures_first(personas):
    assert available_to(personas.province)[0].key == "orgs_per_urban"  # 社会组织管理局
    assert not {"visit_rate", "people_in_care"} & {i.key for i in available_to(personas.province)}
    assert available_to(personas.province_elderly)[0].topic == "care"
    keys = [i.key for i in available_to(personas.county)]
    assert keys[:4] == ["visit_rate", "visits_overdue", "visits_recorded", "people_in_care"]
    assert keys.index("circle_coverage") < keys.index("station_coverage") < keys.index(
        "orgs_per_urban") < keys.index("orgs_per_rural") < keys.index("orgs_active")


def test_another_county_a_township_and_an_unknown_figure_get_404(personas, as_user, figures):
    other = as_user(personas.other_county)
    assert other.get("/regions/map/", {"area": OUR_PREFECTURE}).status_code == 404
    own = other.get("/regions/map/", {"figure": "people_in_care"})
    assert list(_table(own)) == [OTHER_COUNTY]
    assert other.get("/regions/map/", {"figure": "no_such"}).status_code == 404
    assert as_user(personas.township).get("/regions/map/").status_code == 404
    # 社会组织管理局 has no personal data: the figures of people are not its to map
    assert as_user(personas.province).get(
        "/regions/map/", {"figure": "visit_rate"}).status_code == 404
    assert access_for(personas.province).sees_personal_data is False


def test_haixi_lists_the_two_units_its_old_boundaries_draw_as_one(personas, as_user):
    response = as_user(personas.province).get("/regions/map/",
                                              {"figure": "station_coverage", "area": "6328"})
    table = _table(response)
    assert {"632803", "632857"} <= set(table)
    assert "茫崖市、大柴旦行政委员会画作一块" in response.content.decode().replace("边界数据把", "")


def test_a_figure_defined_as_data_maps_like_any_other(personas, as_user, figures):
    """people.Group rows are figures too (one per group, counting its sub-groups)."""
    client = as_user(personas.prefecture)
    table = _table(client.get("/regions/map/", {"figure": "people_special_elderly",
                                                "area": OUR_PREFECTURE}))
    assert table[OUR_COUNTY] == ["城东区", "1"]  # 马福寿, 独居老年人 under 特殊困难老年人
    orgs_table = _table(client.get("/regions/map/", {"figure": "orgs_for_elderly",
                                                     "area": OUR_PREFECTURE}))
    assert orgs_table[OUR_COUNTY] == ["城东区", "0"]
    assert as_user(personas.province_elderly).get(
        "/regions/map/", {"figure": "people_left_behind_child"}).status_code == 404  # not its domain
