"""The visit-rate page: month, trend, charts with the labelled target, export, breadcrumbs,
— for nobody due, and a note when the user's data domains filter the figures."""

import io
import json
import re
import uuid
from datetime import timedelta

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from conftest import OUR_TOWNSHIP
from linli.people.tests.conftest import OLD_MAN, register
from linli.visits import selectors, services
from linli.visits.seeds import ensure_policies

pytestmark = pytest.mark.django_db
COUNTY = "630102"


@pytest.fixture
def elder(personas, django_capture_on_commit_callbacks):
    ensure_policies()
    with django_capture_on_commit_callbacks(execute=True):
        return register(personas.village, name="马福寿", id_number=OLD_MAN,
                        groups=[{"code": "elderly_alone"}])


def _visit(actor, person, when):
    services.visit_record(actor=actor, visit_id=uuid.uuid4(), person_id=person.pk,
                          visited_at=when, mode="home", outcome="normal")


def _last_month(today):
    return (today.replace(day=1) - timedelta(days=1)).replace(day=1)


def test_the_trend_counts_each_month_once_per_person(personas, elder):
    now = timezone.now()
    last = _last_month(timezone.localdate())
    _visit(personas.village, elder, now)
    _visit(personas.village, elder, now - timedelta(minutes=5))  # twice this month: once
    from linli.regions.models import Region

    trend = selectors.visit_rate_trend(actor=personas.county, region=Region.objects.get(
        code=COUNTY))
    assert len(trend) == 12 and trend[-1][0] == timezone.localdate().replace(day=1)
    assert trend[-2][0] == last
    assert [(r.due, r.visited) for _m, r in trend[-2:]] == [(1, 0), (1, 1)]


def test_the_page_shows_the_month_the_charts_and_a_dash_for_nobody_due(personas, as_user,
                                                                         elder):
    _visit(personas.village, elder, timezone.now())
    body = as_user(personas.county).get(f"/visits/rate/?region={COUNTY}").content.decode()
    assert "—" in body  # the county's other townships have nobody due
    assert "0%" not in body.replace("100%", "")  # not a red 0 % for 0/0
    charts = [json.loads(m) for m in re.findall(
        r'<script type="application/json">(.*?)</script>', body, re.S)]
    assert len(charts) == 2  # by township, and the last twelve months
    bars, trend = charts
    assert bars["series"][0]["markLine"]["label"]["formatter"] == "目标 ≥ 100%"  # the province's
    township_at = bars["xAxis"]["data"].index("城东街道") if "城东街道" in bars["xAxis"][
        "data"] else None
    assert 100.0 in bars["series"][0]["data"] and None in bars["series"][0]["data"]
    assert township_at is None or bars["series"][0]["data"][township_at] is not None
    assert trend["series"][0]["data"][-1] == 100.0 and trend["series"][0]["data"][0] == 0.0
    assert 'aria-label="上级区划"' not in body  # the county user's root: no way up


def test_the_target_is_the_one_set_for_the_region_and_the_page_says_when_there_is_none(
        personas, as_user, elder, django_capture_on_commit_callbacks):
    from linli.reports.models import Target

    _visit(personas.village, elder, timezone.now())
    with django_capture_on_commit_callbacks(execute=True):  # two due, one visited: 50 %
        register(personas.village, name="马秀英", id_number="630102195001010023",
                 groups=[{"code": "elderly_alone"}])
    Target.objects.create(indicator="visit_rate", region_code=COUNTY, value=40,
                          source="区局年度计划")
    client = as_user(personas.county)
    body = client.get(f"/visits/rate/?region={COUNTY}").content.decode()
    bars = json.loads(re.findall(r'<script type="application/json">(.*?)</script>', body,
                                 re.S)[0])
    assert bars["series"][0]["markLine"]["label"]["formatter"] == "目标 ≥ 40%"
    assert bars["series"][0]["markLine"]["data"] == [{"yAxis": 40.0}]
    assert "区局年度计划" in body and "text-danger" not in body  # 50 % meets ≥ 40 %
    Target.objects.filter(indicator="visit_rate").update(is_active=False)
    body = client.get(f"/visits/rate/?region={COUNTY}").content.decode()
    assert "尚未设定月探访率目标" in body and "markLine" not in body


def test_an_earlier_month_and_breadcrumbs_back_up(personas, as_user, elder):
    last = _last_month(timezone.localdate())
    _visit(personas.village, elder, timezone.now())
    client = as_user(personas.county)
    body = client.get(f"/visits/rate/?region={OUR_TOWNSHIP}&month={last:%Y-%m}").content.decode()
    assert f"{last:%Y-%m} 月探访率" in body
    assert f'href="?region={COUNTY}&amp;month={last:%Y-%m}"' in body  # up to the county
    row = re.search(r"<tr class=\"fw-bold\">(.*?)</tr>", body, re.S).group(1)
    assert ">1<" in row and ">0<" in row and "0%" in row  # due 1, visited 0 last month
    odd = client.get(f"/visits/rate/?month=1999-01&region={COUNTY}").content.decode()
    assert f"{timezone.localdate():%Y-%m} 月探访率" in odd  # outside the twelve months


def test_the_export_has_the_regions_and_the_trend(personas, as_user, elder):
    _visit(personas.village, elder, timezone.now())
    response = as_user(personas.county).get(f"/visits/rate/?region={COUNTY}&export=xlsx")
    assert response["Content-Disposition"].startswith("attachment; filename=visit-rate-630102-")
    rows = list(load_workbook(io.BytesIO(response.content)).active.values)
    assert rows[1] == ("区划", "应访", "已访", "探访率")
    assert rows[2][1:] == (1, 1, "100.0%")
    assert ("月份", "应访", "已访", "探访率") in rows
    assert rows[-1][0] == f"{timezone.localdate():%Y-%m}" and rows[-1][3] == "100.0%"
    assert any(r[3] == "—" for r in rows[3:] if r and len(r) > 3)


def test_it_says_when_the_users_domains_filter_the_figures(personas, as_user, elder):
    county = as_user(personas.county).get("/visits/rate/").content.decode()
    assert 'id="domain-note"' not in county
    bureau = as_user(personas.province_elderly).get(
        f"/visits/rate/?region={COUNTY}").content.decode()
    note = re.search(r'id="domain-note">(.*?)</p>', bureau).group(1)
    assert "按您的数据范围统计" in note and "儿童与未成年人" in note and "老年人" not in note


def test_another_countys_user_cannot_open_our_county(personas, as_user):
    other = personas.other_county
    assert as_user(other).get(f"/visits/rate/?region={COUNTY}").status_code == 404
    assert as_user(other).get(f"/visits/rate/?region={COUNTY}&export=xlsx").status_code == 404
