"""Targets are data (reports.Target): the home card, the 社工站 page, the API and the map
read the target set for the region, with its source, and follow when the province edits it."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import OUR_COUNTY, OUR_PREFECTURE
from linli.orgs import support_services
from linli.orgs.tests.conftest import filed
from linli.reports.models import Target

pytestmark = pytest.mark.django_db

SIX_TOWNSHIPS = ["630102001", "630102002", "630102003", "630102004", "630102005", "630102006"]


@pytest.fixture
def six_of_ten(personas):
    """城东区 has ten 乡镇(街道): six stations make 60 %."""
    for code in SIX_TOWNSHIPS:
        support_services.station_save(actor=personas.county, region_code=code, established=True,
                                      opened_on=timezone.localdate(), staff_count=2)


def _card(html: str) -> str:
    start = html.index("乡镇(街道)社工站覆盖率")
    return html[start:start + 1200]


def _coverage_row(html: str, code: str) -> str:
    table = html[html.index('id="figures"'):]
    return re.search(rf'data-code="{code}">(.*?)</tr>', table, re.S).group(1)


def _everywhere(personas, as_user) -> dict:
    county = as_user(personas.county)
    home = county.get(reverse("core:home")).content.decode()
    page = county.get(reverse("orgs:stations")).content.decode()
    api = county.get("/api/v1/orgs/stations/coverage").json()[0]
    mapped = as_user(personas.province).get(
        "/regions/map/", {"figure": "station_coverage", "area": OUR_PREFECTURE}).content.decode()
    return {"card": _card(home), "page": page, "api": api,
            "map": _coverage_row(mapped, OUR_COUNTY), "map_page": mapped}


def test_the_target_row_sets_the_goal_everywhere_and_an_edit_follows(personas, as_user,
                                                                      six_of_ten):
    before = _everywhere(personas, as_user)
    assert "目标 ≥ 70%" in before["card"] and "未达标" in before["card"]
    assert "text-danger" in before["card"]
    assert "目标 ≥ 70%" in before["page"] and "青海省推进社会组织开展" in before["page"]
    assert "未达标" in before["page"] and "60.0%" in before["page"]
    assert (before["api"]["target"], before["api"]["meets_target"]) == (70.0, False)
    assert before["api"]["rate"] == 0.6 and "青海省" in before["api"]["target_source"]
    assert "text-danger" in before["map"] and "目标 ≥ 70.0%" in before["map_page"]

    Target.objects.filter(indicator="station_coverage").update(value=60, source="某某文件")
    after = _everywhere(personas, as_user)
    assert "目标 ≥ 60%" in after["card"] and "已达标" in after["card"]
    assert "text-danger" not in after["card"]
    assert "目标 ≥ 60%" in after["page"] and "某某文件" in after["page"]
    assert "未达标" not in after["page"].split('id="coverage"')[1].split("</table>")[0]
    assert (after["api"]["target"], after["api"]["meets_target"]) == (60.0, True)
    assert "text-danger" not in after["map"] and "目标 ≥ 60.0%" in after["map_page"]


def test_a_county_target_overrides_the_provinces_for_the_county_only(personas, as_user,
                                                                     six_of_ten):
    Target.objects.create(indicator="station_coverage", region_code=OUR_COUNTY,
                          direction="at_least", value=50, source="城东区工作方案")
    rows = as_user(personas.prefecture).get("/api/v1/orgs/stations/coverage").json()
    by = {r["region_code"]: r for r in rows}
    assert (by[OUR_PREFECTURE]["target"], by[OUR_COUNTY]["target"]) == (70.0, 50.0)
    assert by[OUR_COUNTY]["meets_target"] is True and by[OUR_PREFECTURE]["meets_target"] is False


def test_without_a_target_nothing_claims_one(personas, as_user, six_of_ten):
    Target.objects.filter(indicator="station_coverage").delete()
    county = as_user(personas.county)
    assert "目标" not in _card(county.get(reverse("core:home")).content.decode())
    assert "尚未设定目标" in county.get(reverse("orgs:stations")).content.decode()
    row = county.get("/api/v1/orgs/stations/coverage").json()[0]
    assert row["target"] is None and row["meets_target"] is None


def test_the_density_targets_come_from_the_191_rows(personas, as_user):
    filed(personas.township, personas.township)
    client = as_user(personas.county)
    page = client.get(reverse("orgs:indicators")).content.decode()
    assert "民发〔2017〕191号" in page and "目标 ≥ 10" in page and "目标 ≥ 5" in page
    Target.objects.filter(indicator="orgs_per_urban").update(value=12)
    home = client.get(reverse("core:home")).content.decode()
    assert "每个城镇社区(目标 ≥ 12)" in home
    assert "目标 ≥ 12" in client.get(reverse("orgs:indicators")).content.decode()


def test_another_county_gets_404_for_our_coverage(personas, as_user):
    other = as_user(personas.other_county)
    assert other.get(reverse("orgs:stations"), {"region": OUR_COUNTY}).status_code == 404
    assert other.get("/api/v1/orgs/stations/coverage",
                     {"region": OUR_COUNTY}).status_code == 404
    assert other.get(reverse("orgs:indicators"), {"region": OUR_COUNTY}).status_code == 404
