"""The measures page: each measure, then its figures for the user's region and period (a
fragment loaded when the measure is scrolled to), drill down inside the scope, targets
driving the badge, the trends fragment and the export."""

import html
import io
import json
import re

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from conftest import OTHER_COUNTY, OUR_COUNTY, OUR_PREFECTURE, OUR_TOWNSHIP
from linli.core.indicators import Period
from linli.reports import measures as services
from linli.reports.models import ManualIndicator, Measure

pytestmark = pytest.mark.django_db
URL = "/reports/measures/"
FIGURES = "/reports/measures/figures/"
HX = {"HX-Request": "true"}


def _training() -> ManualIndicator:
    return ManualIndicator.objects.get(code="training_sessions")


def enter(actor, code: str, value, period: Period | None = None, definition=None):
    period = period or Period.this_month()
    row, _created = services.manual_value_enter(
        actor=actor, indicator=definition or _training(), region_code=code,
        period_start=period.start, period_end=period.end, value=value)
    return row


def figures_of(client, number: int = 8, query: str = "") -> str:
    """The measure's figures as the page loads them (HTMX)."""
    response = client.get(f"{FIGURES}?measure={number}{'&' + query if query else ''}",
                          headers=HX)
    assert response.status_code == 200
    return response.content.decode()


def _row(body: str, key: str) -> str:
    return re.search(rf'<tr data-indicator="{key}">(.*?)</tr>', body, re.S).group(1)


def test_it_shows_every_active_measure_with_its_bureaus_for_the_province(personas, as_user):
    body = as_user(personas.province).get(URL).content.decode()
    for measure in Measure.objects.filter(is_active=True):
        assert f'id="measure-{measure.number}"' in body
    assert "一、完善关爱行动政策机制" in body and "社会组织管理局、规划财务处" in body
    assert "<summary>主要内容</summary>" in body  # the summary collapsed
    assert "青海省" in body and 'data-indicator' not in body  # the figures come later
    assert f'hx-get="{FIGURES}?measure=8&amp;region=63"' in body
    assert 'hx-trigger="revealed"' in body
    fragment = figures_of(as_user(personas.province), 8)
    assert "<html" not in fragment and 'data-indicator="station_coverage"' in fragment
    assert 'hx-get="/reports/measures/trends/?measure=8&amp;region=63"' in fragment


def test_a_bureau_sees_the_figures_its_domains_allow_and_is_told_so(personas, as_user):
    body = as_user(personas.province_elderly).get(URL).content.decode()
    note = re.search(r'id="domain-note">(.*?)</p>', body).group(1)
    assert "儿童与未成年人" in note and "老年人" not in note
    organisations = figures_of(as_user(personas.province), 1)
    assert 'data-indicator="people_in_care"' not in organisations  # no personal domain
    assert 'data-indicator="people_in_care"' in figures_of(as_user(personas.county), 1)
    assert 'id="domain-note"' not in as_user(personas.county).get(URL).content.decode()


def test_a_county_sees_its_county_and_townships_and_drills_down(personas, as_user):
    enter(personas.county, OUR_COUNTY, 3)
    client = as_user(personas.county)
    body = client.get(URL).content.decode()
    assert "十条措施与指标 · 城东区" in body
    assert 'aria-label="上级区划"' not in body  # its own root: no way up
    fragment = figures_of(client, 8)
    assert f'href="{URL}?region={OUR_TOWNSHIP}#measure-8"' in fragment  # a township ranked
    assert ">3 <small" in _row(fragment, "training_sessions")
    township = client.get(f"{URL}?region={OUR_TOWNSHIP}").content.decode()
    assert f'href="?region={OUR_COUNTY}"' in township  # the breadcrumb back up
    assert "十条措施与指标 · " in township and "城东区" in township


def test_a_prefecture_ranks_its_counties_and_keeps_the_period(personas, as_user):
    enter(personas.county, OUR_COUNTY, 3, Period.month(2025, 1))
    client = as_user(personas.prefecture)
    query = "period=range&start=2025-01-01&end=2025-01-31"
    assert "2025-01-01—2025-01-31" in client.get(f"{URL}?{query}").content.decode()
    body = figures_of(client, 8, query)
    ranking = re.search(r'id="ranking-training_sessions">(.*?)</details>', body, re.S).group(1)
    assert (f'href="{URL}?region={OUR_COUNTY}&amp;period=range&amp;start=2025-01-01&amp;'
            f'end=2025-01-31#measure-8"') in ranking
    first = re.search(r"<tbody>\s*<tr[^>]*>(.*?)</tr>", ranking, re.S).group(1)
    assert "城东区" in first  # the only county with sessions ranks first


def test_another_countys_region_answers_404_on_the_page_export_and_trends(personas, as_user):
    client = as_user(personas.other_county)
    assert client.get(f"{URL}?region={OUR_COUNTY}").status_code == 404
    assert client.get(f"{URL}?region={OUR_PREFECTURE}").status_code == 404
    assert client.get(f"/reports/measures/export/?region={OUR_COUNTY}").status_code == 404
    assert client.get(f"{FIGURES}?measure=8&region={OUR_COUNTY}", headers=HX
                      ).status_code == 404
    assert client.get(f"/reports/measures/trends/?measure=8&region={OUR_COUNTY}"
                      ).status_code == 404
    assert client.get(f"{URL}?region={OTHER_COUNTY}").status_code == 200
    assert as_user(personas.outsider).get(URL).status_code == 404


def test_a_region_is_picked_by_name_inside_the_scope(personas, as_user):
    client = as_user(personas.prefecture)
    body = client.get(URL, {"region": "", "region__text": "城东区"}).content.decode()
    assert "十条措施与指标 · 城东区" in body
    other = client.get(URL, {"region": "", "region__text": "乐都区"}).content.decode()
    assert "十条措施与指标 · 西宁市" in other and "找不到" in other


def test_the_target_row_drives_the_badge(personas, as_user):
    enter(personas.county, OUR_COUNTY, 3)
    target = services.target_set(actor=personas.prefecture, indicator="training_sessions",
                                 region_code=OUR_PREFECTURE, value=5, source="市局年度计划")
    row = _row(figures_of(as_user(personas.prefecture)), "training_sessions")
    assert "≥ 5" in row and "未达标" in row  # 3 sessions in the city
    ranking = figures_of(as_user(personas.prefecture))
    assert 'class="ranking-short"' in ranking
    client = as_user(personas.county)
    row = _row(figures_of(client), "training_sessions")
    assert "≥ 5" in row and "市局年度计划" in row and "未达标" in row
    services.target_set(actor=personas.prefecture, target=target, value=2,
                        source="市局年度计划(调整)")
    row = _row(figures_of(client), "training_sessions")
    assert "≥ 2" in row and "已达标" in row and "未达标" not in row


def test_the_previous_period_is_beside_the_value(personas, as_user):
    today = timezone.localdate()
    last = Period.this_month(today).previous()
    enter(personas.county, OUR_COUNTY, 4, last)
    row = _row(figures_of(as_user(personas.county)), "training_sessions")
    assert row.rstrip().endswith('data-label="上期">4</td>')


def test_the_trends_fragment_draws_twelve_months_with_the_goal(personas, as_user):
    enter(personas.county, OUR_COUNTY, 3)
    services.target_set(actor=personas.county, indicator="training_sessions",
                        region_code=OUR_COUNTY, value=5, source="县计划")
    client = as_user(personas.county)
    fragment = client.get("/reports/measures/trends/?measure=8",
                          headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in fragment
    charts = [json.loads(html.unescape(m)) for m in re.findall(r'data-option="(.*?)"', fragment)]
    training = next(c for c in charts if c["series"][0]["name"] == "人才培训场次")
    assert len(training["xAxis"]["data"]) == 12
    assert training["xAxis"]["data"][-1] == f"{timezone.localdate():%Y-%m}"
    assert training["series"][0]["data"][-1] == 3.0
    assert training["series"][0]["markLine"]["data"] == [{"yAxis": 5.0}]
    page = client.get("/reports/measures/trends/?measure=8").content.decode()
    assert "<html" in page and "measures.js" in page  # without JavaScript: a page
    assert client.get("/reports/measures/trends/?measure=x").status_code == 404


def test_a_wrong_period_falls_back_to_this_month_and_says_why(personas, as_user):
    body = as_user(personas.county).get(
        f"{URL}?period=range&start=2025-03-01&end=2025-01-01").content.decode()
    assert "起始日期不能晚于截止日期" in body
    assert str(Period.this_month()) in body


def test_the_export_has_the_figures_and_the_ranking(personas, as_user):
    enter(personas.county, OUR_COUNTY, 3)
    services.target_set(actor=personas.prefecture, indicator="training_sessions",
                        region_code=OUR_PREFECTURE, value=5, source="市局年度计划")
    response = as_user(personas.prefecture).get("/reports/measures/export/")
    assert response["Content-Disposition"].startswith("attachment; filename=measures-6301-")
    book = load_workbook(io.BytesIO(response.content))
    figures, ranking = book.worksheets
    rows = list(figures.values)
    assert rows[0] == ("措施", "指标", "地区", "数值", "单位", "目标", "依据", "上期")
    training = next(r for r in rows if r[1] == "人才培训场次")
    assert training == ("八、加强人才培育", "人才培训场次", "西宁市", 3, "场", "≥ 5", "市局年度计划", 0)
    ranked = [r for r in ranking.values if r[1] == "人才培训场次"]
    assert ranked[0][2:] == (1, "城东区", 3, "场", "≥ 5", "未达标")


def test_the_export_needs_the_export_right(personas, as_user, monkeypatch):
    from linli.accounts import roles

    monkeypatch.setitem(roles.ROLE_PERMISSIONS, roles.Role.COUNTY_BUREAU,
                        frozenset({roles.Perm.VIEW}))
    client = as_user(personas.county)
    assert client.get("/reports/measures/export/").status_code == 404
    assert "measures-export" not in client.get(URL).content.decode()
    assert "measures-export" in as_user(personas.prefecture).get(URL).content.decode()


def test_a_deactivated_measure_leaves_the_page(personas, as_user):
    measure = Measure.objects.get(number=10)
    services.measure_update(actor=personas.province, measure=measure, title=measure.title,
                            bureaus=measure.bureaus, order=measure.order, is_active=False)
    assert 'id="measure-10"' not in as_user(personas.county).get(URL).content.decode()


def test_the_page_runs_a_bounded_number_of_queries(personas, as_user,
                                                   django_assert_max_num_queries):
    """The page runs a few queries whatever it shows; a measure's figures, a few per
    indicator, never more with the regions below or the values entered."""
    from linli.core.indicators import available_to

    client = as_user(personas.prefecture)
    enter(personas.county, OUR_COUNTY, 1)
    client.get(URL)  # warm the caches (the hand-entered definitions)
    with django_assert_max_num_queries(12):
        client.get(URL)
    shown = len([i for i in available_to(personas.prefecture) if i.measure == 1])
    figures_of(client, 1)
    with django_assert_max_num_queries(12 + 2 * 3 * shown) as few:
        figures_of(client, 1)
    budget = len(few)  # now: a later request empties the connection's query log
    for county in ("630103", "630104", "630105", "630121"):
        enter(personas.prefecture, county, 2)
    figures_of(client, 1)  # the entries start the closed periods' cache afresh
    with django_assert_max_num_queries(budget):
        figures_of(client, 1)


def test_a_closed_periods_figures_are_kept_until_a_value_is_entered(personas, as_user,
                                                                     settings):
    from linli.reports.figures import figures_changed
    from linli.reports.models import ManualValue

    last = Period.this_month().previous()
    row = enter(personas.county, OUR_COUNTY, 4, last)
    client = as_user(personas.county)
    assert _row(figures_of(client), "training_sessions").rstrip().endswith(">4</td>")
    ManualValue.objects.filter(pk=row.pk).update(value=6)  # behind the services' back
    assert _row(figures_of(client), "training_sessions").rstrip().endswith(">4</td>")
    figures_changed()
    assert _row(figures_of(client), "training_sessions").rstrip().endswith(">6</td>")
    ManualValue.objects.filter(pk=row.pk).update(value=7)
    settings.LINLI_FIGURES_CACHE_SECONDS = 0  # no cache: always as it stands
    assert _row(figures_of(client), "training_sessions").rstrip().endswith(">7</td>")


def test_without_javascript_a_measures_figures_are_a_page(personas, as_user):
    enter(personas.county, OUR_COUNTY, 3)
    page = as_user(personas.county).get(f"{FIGURES}?measure=8").content.decode()
    assert "<html" in page and ">3 <small" in _row(page, "training_sessions")
