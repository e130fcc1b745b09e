"""The pages that write: targets (list, add with the region picked, edit, deactivate after
asking), the measures (the province's), hand-entered indicators and values (entered with
the period picked, corrected, the history shown). Each list and record answers 404 to
another county's user."""

import re

import pytest

from conftest import OUR_COUNTY, OUR_TOWNSHIP
from linli.core.indicators import Period
from linli.reports import measures as services
from linli.reports.models import ManualIndicator, ManualValue, Measure, Target
from linli.reports.tests.test_measures_page import enter, figures_of

pytestmark = pytest.mark.django_db


def _training() -> ManualIndicator:
    return ManualIndicator.objects.get(code="training_sessions")


# --- targets ----------------------------------------------------------------------------

def test_the_targets_list_shows_what_applies_to_the_users_region(personas, as_user):
    services.target_set(actor=personas.county, indicator="training_sessions",
                        region_code=OUR_COUNTY, value=5, source="县计划")
    county = as_user(personas.county).get("/reports/targets/").content.decode()
    assert "民发〔2017〕191号" in county and "城东区" in county and ">county<" in county
    assert "青海省" in county  # the province's targets apply to the county too
    other = as_user(personas.other_county).get("/reports/targets/").content.decode()
    assert "县计划" not in other
    only = as_user(personas.county).get("/reports/targets/?indicator=training_sessions")
    assert "县计划" in only.content.decode() and "民发〔2017〕191号" not in only.content.decode()


def test_a_target_is_added_with_the_region_picked_by_name(personas, as_user):
    client = as_user(personas.prefecture)
    form = client.get("/reports/targets/new/").content.decode()
    assert 'data-picker="target_regions"' in form and "人才培训场次" in form
    assert OUR_TOWNSHIP not in form  # a township is not offered
    posted = client.post("/reports/targets/new/", {
        "indicator": "training_sessions", "region_code": "", "region_code__text": "城东区",
        "direction": "at_least", "value": "6", "source": "市局计划", "note": ""})
    assert posted.status_code == 302, posted.content.decode()
    assert Target.objects.get(source="市局计划").region_code == OUR_COUNTY
    refused = client.post("/reports/targets/new/", {
        "indicator": "training_sessions", "region_code": OUR_TOWNSHIP, "direction": "at_least",
        "value": "101", "source": ""}).content.decode()
    assert ("请选择" in refused and "这个字段是必填项" in refused) or "必填" in refused


def test_a_target_is_edited_and_deactivated_after_asking(personas, as_user):
    target = services.target_set(actor=personas.county, indicator="training_sessions",
                                 region_code=OUR_COUNTY, value=5, source="县计划")
    client = as_user(personas.county)
    page = client.get(f"/reports/targets/{target.pk}/").content.decode()
    assert 'id="deactivate"' in page and 'data-confirm="停用“城东区”的目标“≥ 5”?"' in page
    client.post(f"/reports/targets/{target.pk}/", {"direction": "at_least", "value": "8",
                                                   "source": "县计划(调整)"})
    target.refresh_from_db()
    assert target.value == 8
    asked = client.post(f"/reports/targets/{target.pk}/deactivate/", {"confirm": "ask"})
    assert asked.status_code == 200 and "停用目标" in asked.content.decode()
    assert client.get(f"/reports/targets/{target.pk}/deactivate/").status_code == 200
    target.refresh_from_db()
    assert target.is_active
    client.post(f"/reports/targets/{target.pk}/deactivate/")
    target.refresh_from_db()
    assert not target.is_active
    history = client.get(f"/reports/targets/{target.pk}/").content.decode()
    assert history.count("<li>") >= 3 and "已停用" in history


def test_an_upper_levels_target_is_read_only_and_anothers_is_404(personas, as_user):
    province = Target.objects.get(indicator="station_coverage", region_code="63")
    client = as_user(personas.county)
    page = client.get(f"/reports/targets/{province.pk}/").content.decode()
    assert "您只能查看" in page and 'id="target-form"' not in page
    assert client.post(f"/reports/targets/{province.pk}/", {
        "direction": "at_least", "value": "1", "source": "x"}).status_code == 404
    assert client.post(f"/reports/targets/{province.pk}/deactivate/").status_code == 404
    ours = services.target_set(actor=personas.county, indicator="training_sessions",
                               region_code=OUR_COUNTY, value=5, source="县计划")
    other = as_user(personas.other_county)
    assert other.get(f"/reports/targets/{ours.pk}/").status_code == 404
    assert other.post(f"/reports/targets/{ours.pk}/deactivate/").status_code == 404


# --- measures ---------------------------------------------------------------------------

def test_the_province_edits_a_measure_and_adds_its_own(personas, as_user):
    client = as_user(personas.province)
    form = client.get("/reports/measures/5/").content.decode()
    assert "优化养老服务" in form and 'value="elderly_services"' in form
    client.post("/reports/measures/5/", {"title": "优化养老服务", "summary": "修订",
                                        "bureaus": ["elderly_services", "social_affairs"],
                                        "local_bureaus": "on", "order": "5",
                                        "is_active": "on"})
    assert Measure.objects.get(number=5).bureaus == ["elderly_services", "social_affairs"]
    assert "修改记录" in client.get("/reports/measures/5/").content.decode()
    client.post("/reports/measures/new/", {"title": "推进数字民政", "order": "11",
                                          "local_bureaus": "on"})
    assert Measure.objects.get(number=11).title == "推进数字民政"
    assert "十一、推进数字民政" in client.get("/reports/measures/").content.decode()
    for user in (personas.prefecture, personas.county):
        assert as_user(user).get("/reports/measures/5/").status_code == 404
        assert as_user(user).get("/reports/measures/new/").status_code == 404


# --- hand-entered figures ---------------------------------------------------------------

def test_the_manual_list_offers_entry_to_the_responsible_level(personas, as_user):
    body = as_user(personas.county).get("/reports/manual/").content.decode()
    training = _training()
    assert f'href="/reports/manual/{training.pk}/values/">填报</a>' in body.replace(
        'class="btn btn-sm btn-outline-primary" ', "")
    assert "新增填报指标" not in body
    assert "新增填报指标" in as_user(personas.province).get("/reports/manual/").content.decode()


def test_a_value_is_entered_with_the_period_picked_then_shown(personas, as_user):
    training = _training()
    client = as_user(personas.county)
    page = client.get(f"/reports/manual/{training.pk}/values/").content.decode()
    assert 'name="unit"' in page and 'name="quarter"' in page and 'name="month"' in page
    posted = client.post(f"/reports/manual/{training.pk}/values/", {
        "region_code": OUR_COUNTY, "unit": "quarter", "year": "2025", "quarter": "1",
        "month": "", "value": "9", "note": "一季度"})
    assert posted.status_code == 302, posted.content.decode()
    row = ManualValue.objects.get(indicator=training, region__code=OUR_COUNTY)
    assert (row.period_start, row.period_end, row.value) == (
        Period.month(2025, 1).start, Period.month(2025, 3).end, 9)
    listed = client.get(f"/reports/manual/{training.pk}/values/").content.decode()
    assert "2025-01-01 — 2025-03-31" in listed
    measures = figures_of(client, 8, "period=range&start=2025-01-01&end=2025-03-31")
    row_html = re.search(r'<tr data-indicator="training_sessions">(.*?)</tr>', measures,
                         re.S).group(1)
    assert ">9 <small" in row_html


def test_entry_refusals_are_shown_on_the_fields(personas, as_user):
    training = _training()
    enter(personas.county, OUR_COUNTY, 2, Period.month(2025, 2))
    client = as_user(personas.county)
    overlap = client.post(f"/reports/manual/{training.pk}/values/", {
        "region_code": OUR_COUNTY, "unit": "quarter", "year": "2025", "quarter": "1",
        "value": "9"}).content.decode()
    assert "已填报与此重叠的期间 2025-02-01—2025-02-28" in overlap
    township = client.post(f"/reports/manual/{training.pk}/values/", {
        "region_code": OUR_TOWNSHIP, "unit": "month", "year": "2025", "month": "4",
        "value": "1"}).content.decode()
    assert "请选择县(市、区、行委)" in township
    no_month = client.post(f"/reports/manual/{training.pk}/values/", {
        "region_code": OUR_COUNTY, "unit": "month", "year": "2025", "value": "1"})
    assert "请选择月份" in no_month.content.decode()


def test_a_value_is_corrected_and_its_history_shows_who_and_when(personas, as_user):
    row = enter(personas.county, OUR_COUNTY, 2, Period.month(2025, 2))
    client = as_user(personas.prefecture)
    client.post(f"/reports/manual/values/{row.pk}/", {"value": "3", "note": "漏报一场"})
    row.refresh_from_db()
    assert row.value == 3 and row.entered_by == personas.prefecture
    page = client.get(f"/reports/manual/values/{row.pk}/").content.decode()
    history = re.search(r'<table[^>]*id="history">(.*?)</table>', page, re.S).group(1)
    assert "填报" in history and "更正" in history and "prefecture" in history
    assert "county" in history and "漏报一场" in history


def test_another_countys_user_sees_none_of_our_values(personas, as_user):
    row = enter(personas.county, OUR_COUNTY, 2, Period.month(2025, 2))
    other = as_user(personas.other_county)
    assert other.get(f"/reports/manual/values/{row.pk}/").status_code == 404
    assert other.post(f"/reports/manual/values/{row.pk}/", {"value": "9"}).status_code == 404
    listed = other.get(f"/reports/manual/{row.indicator.pk}/values/").content.decode()
    assert "城东区" not in listed
    assert "城东区" not in other.get("/reports/manual/").content.decode()
    assert as_user(personas.admin).get("/reports/manual/").content.decode().count(
        "/values/") == 0  # sees no programme figures


def test_the_province_defines_a_figure_on_its_page(personas, as_user):
    client = as_user(personas.province)
    posted = client.post("/reports/manual/new/", {
        "label": "儿童主任培训人次", "measure": "6", "unit": "人次", "aggregation": "sum",
        "entry_level": "3", "bureau": "child_welfare", "note": "", "is_active": "on"})
    assert posted.status_code == 302, posted.content.decode()
    made = ManualIndicator.objects.get(label="儿童主任培训人次")
    assert made.measure.number == 6 and made.entry_level == 3
    assert as_user(personas.county).get(f"/reports/manual/{made.pk}/").status_code == 404
