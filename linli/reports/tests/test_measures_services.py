"""The writes of the measures (reports.measures): who sets which target, what a target,
a measure, a hand-entered indicator and value must be, and the history each keeps."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from conftest import OTHER_COUNTY, OUR_COUNTY, OUR_PREFECTURE, OUR_TOWNSHIP, make_user
from linli.accounts.roles import Bureau, Role
from linli.core import indicators as registry
from linli.core.errors import Forbidden, Invalid, NotFound
from linli.core.indicators import Period
from linli.reports import figures
from linli.reports import measures as services
from linli.reports.models import ManualIndicator, Measure, Target
from linli.reports.tests.test_measures_page import enter

pytestmark = pytest.mark.django_db


def _target(actor, region_code, **fields):
    return services.target_set(actor=actor,
                               indicator=fields.pop("indicator", "training_sessions"),
                               region_code=region_code, value=fields.pop("value", 5),
                               source=fields.pop("source", "计划"), **fields)


def _problems(call) -> dict:
    with pytest.raises(Invalid) as raised:
        call()
    return raised.value.details


# --- targets ----------------------------------------------------------------------------

def test_each_level_sets_the_targets_of_its_own_region_and_below(personas):
    assert _target(personas.province, "63").created_by == personas.province
    assert _target(personas.province, OUR_PREFECTURE).region_code == OUR_PREFECTURE
    assert _target(personas.prefecture, OUR_COUNTY).region_code == OUR_COUNTY
    assert _target(personas.county, OUR_COUNTY, deadline=date(2030, 1, 1)).deadline
    assert "region_code" in _problems(lambda: _target(personas.county, OUR_PREFECTURE))
    assert "region_code" in _problems(lambda: _target(personas.prefecture, "63"))
    assert "region_code" in _problems(lambda: _target(personas.county, OTHER_COUNTY))
    township = _problems(lambda: _target(personas.county, OUR_TOWNSHIP))
    assert township["region_code"] == ["目标只能设在省、市(州)或县(市、区、行委)一级"]
    with pytest.raises(NotFound):  # a township assistant sets no targets
        _target(personas.township, OUR_TOWNSHIP)
    with pytest.raises(NotFound):  # an auditor reads only
        _target(personas.auditor, "63")


def test_a_target_names_an_indicator_the_actor_may_see(personas):
    problems = _problems(lambda: _target(personas.province, "63", indicator="visit_rate"))
    assert problems["indicator"] == ["请选择您可见范围内的指标"]  # 社会组织管理局: no people
    assert _target(personas.province_elderly, "63", indicator="visit_rate", value=95)


def test_a_targets_values_are_checked_in_chinese(personas):
    problems = _problems(lambda: services.target_set(
        actor=personas.county, indicator="station_coverage", region_code=OUR_COUNTY,
        direction="sideways", value=120, source=" ", deadline=date(1800, 1, 1)))
    assert problems["direction"] == ["请选择方向"]
    assert problems["value"] == ["百分比目标不能超过 100"]
    assert problems["source"] == ["请填写依据文件"]
    assert "1900" in problems["deadline"][0]
    assert _problems(lambda: _target(personas.county, OUR_COUNTY, value="abc"))["value"]
    assert _problems(lambda: _target(personas.county, OUR_COUNTY, value=-1))["value"]


def test_one_active_target_per_region_and_deadline(personas):
    _target(personas.county, OUR_COUNTY)
    problems = _problems(lambda: _target(personas.county, OUR_COUNTY, value=8))
    assert "已有该指标同一完成时限的有效目标" in problems["deadline"][0]
    assert _target(personas.county, OUR_COUNTY, deadline=date(2030, 12, 31))


def test_a_target_is_changed_in_place_and_deactivated_never_deleted(personas):
    target = _target(personas.prefecture, OUR_PREFECTURE)
    services.target_set(actor=personas.prefecture, target=target, indicator="ignored",
                        region_code="63", value=7, source="调整")
    target.refresh_from_db()
    assert (target.indicator, target.region_code, target.value) == (
        "training_sessions", OUR_PREFECTURE, 7)
    with pytest.raises(NotFound):  # the county sees it, but it is not the county's
        services.target_deactivate(actor=personas.county, target=target)
    services.target_deactivate(actor=personas.prefecture, target=target)
    assert Target.objects.filter(pk=target.pk, is_active=False).exists()
    history = [(h.value, h.is_active, h.history_user) for h in target.history.order_by(
        "history_date")]
    assert history == [(5, True, personas.prefecture), (7, True, personas.prefecture),
                       (7, False, personas.prefecture)]
    with pytest.raises(Invalid):
        services.target_set(actor=personas.prefecture, target=target, value=9, source="x")


def test_the_nearest_target_applies_and_the_lists_show_what_applies(personas):
    enter(personas.county, OUR_COUNTY, 3)
    _target(personas.province, "63", value=1)
    _target(personas.prefecture, OUR_COUNTY, value=4)
    county = registry.get("training_sessions")
    region = figures.Region.objects.get(code=OUR_PREFECTURE)
    figure = figures.indicator_figure(actor=personas.prefecture, indicator=county,
                                      region=region, period=Period.this_month())
    assert figure.goal.value == 1.0 and figure.met is True
    ours = next(r for r in figure.ranking if r.region.code == OUR_COUNTY)
    assert ours.goal.value == 4.0 and ours.short
    assert all(r.goal.value == 1.0 for r in figure.ranking if r.region.code != OUR_COUNTY)
    seen = {t.region_code for t in figures.targets_visible(actor=personas.county)
            if t.indicator == "training_sessions"}
    assert seen == {"63", OUR_COUNTY}
    assert OUR_COUNTY not in {t.region_code for t in figures.targets_visible(
        actor=personas.other_county)}


# --- measures ---------------------------------------------------------------------------

def test_the_province_edits_a_measure_with_history(personas):
    measure = Measure.objects.get(number=3)
    services.measure_update(actor=personas.province, measure=measure, title="共创和谐社区(修订)",
                            summary="新的内容", bureaus=["grassroots_governance", "social_affairs"],
                            order=3)
    measure.refresh_from_db()
    assert measure.title == "共创和谐社区(修订)"
    assert measure.bureau_labels == ["基层政权建设和社区治理处", "社会事务处"]
    assert measure.history.first().history_user == personas.province
    for outsider in (personas.prefecture, personas.county, personas.auditor):
        with pytest.raises(NotFound):
            services.measure_update(actor=outsider, measure=measure, title="x", order=1)
    problems = _problems(lambda: services.measure_update(
        actor=personas.province, measure=measure, title="", bureaus=["nobody"], order=5000))
    assert set(problems) == {"title", "bureaus", "order"}


def test_the_provinces_own_measure_is_numbered_from_eleven(personas):
    first = services.measure_add(actor=personas.province, title="推进数字民政")
    second = services.measure_add(actor=personas.province, title="加强宣传",
                                  bureaus=["planning_finance"])
    assert (first.numeral, second.numeral) == ("十一", "十二")
    assert second.bureaus == ["planning_finance"] and first.order == 11


# --- hand-entered indicators ------------------------------------------------------------

def test_the_province_defines_a_figure_that_joins_the_registry(personas):
    made = services.manual_indicator_save(
        actor=personas.province, label="儿童主任培训人次", measure=6, unit="人次",
        aggregation="sum", entry_level=3, bureau="child_welfare", note="期内累计")
    assert made.code.startswith("manual_") or made.code
    assert made.code not in {i.key for i in registry.registered() if i.key != made.code}
    assert registry.get(made.code).measure == 6
    with pytest.raises(NotFound):
        services.manual_indicator_save(actor=personas.county, label="x", measure=6, unit="个")
    problems = _problems(lambda: services.manual_indicator_save(
        actor=personas.province, label=" ", measure=99, unit="", aggregation="avg",
        entry_level=9, bureau="nobody"))
    assert set(problems) == {"label", "measure", "unit", "aggregation", "entry_level", "bureau"}


def test_the_entry_level_stays_once_values_exist(personas):
    training = ManualIndicator.objects.get(code="training_sessions")
    enter(personas.county, OUR_COUNTY, 1)
    problems = _problems(lambda: services.manual_indicator_save(
        actor=personas.province, definition=training, label=training.label, measure=8,
        unit="场", entry_level=4))
    assert problems["entry_level"] == ["该指标已有填报数据,不能更改填报层级"]


# --- hand-entered values ----------------------------------------------------------------

def test_a_value_is_entered_and_corrected_with_who_and_when(personas):
    period = Period.month(2025, 5)
    first = enter(personas.county, OUR_COUNTY, 3, period)
    again = enter(personas.prefecture, OUR_COUNTY, 4, period)
    assert again.pk == first.pk and again.value == 4 and again.entered_by == personas.prefecture
    history = [(h.value, h.history_user, h.history_type) for h in again.history.order_by(
        "history_date")]
    assert history == [(3, personas.county, "+"), (4, personas.prefecture, "~")]
    unchanged = enter(personas.county, OUR_COUNTY, 4, period)
    assert unchanged.history.count() == 2  # the same figure again changes nothing


def test_a_value_belongs_to_one_region_of_the_entry_level_and_one_whole_period(personas):
    training = ManualIndicator.objects.get(code="training_sessions")

    def attempt(actor=personas.county, code=OUR_COUNTY, start=date(2025, 1, 1),
                end=date(2025, 1, 31), value=1):
        return lambda: services.manual_value_enter(actor=actor, indicator=training,
                                                   region_code=code, period_start=start,
                                                   period_end=end, value=value)

    assert "县(市、区、行委)" in _problems(attempt(code=OUR_TOWNSHIP))["region_code"][0]
    assert _problems(attempt(code=OTHER_COUNTY))["region_code"] == [
        "填报地区应在您的辖区内,“乐都区”不在其中"]
    assert _problems(attempt(code="639999"))["region_code"] == ["请选择您辖区内的区划"]
    assert _problems(attempt(end=date(2025, 2, 10)))["period"] == ["填报期间应为整月、整季度或整年"]
    next_month = Period.this_month().end + timedelta(days=1)
    future = Period.month(next_month.year, next_month.month)
    assert "尚未开始" in _problems(attempt(start=future.start, end=future.end))["period"][0]
    assert _problems(attempt(value=-2))["value"]
    assert attempt(start=date(2025, 1, 1), end=date(2025, 3, 31))()  # a quarter
    overlap = _problems(attempt(start=date(2025, 2, 1), end=date(2025, 2, 28)))
    assert "2025-01-01—2025-03-31" in overlap["period"][0]
    assert attempt(start=date(2024, 1, 1), end=date(2024, 12, 31))()  # a year
    with pytest.raises(NotFound):  # a user who sees no programme figures
        attempt(actor=personas.admin)()


def test_a_province_bureau_enters_only_the_figures_of_its_bureau(personas):
    pairings = ManualIndicator.objects.get(code="pairings")  # 慈善事业促进和社会工作处, 省级
    period = Period.this_month()
    with pytest.raises(Forbidden):
        services.manual_value_enter(actor=personas.province, indicator=pairings,
                                    region_code="63", period_start=period.start,
                                    period_end=period.end, value=15)
    charity = make_user("cishan", Role.PROVINCE_BUREAU, "63", Bureau.CHARITY_SOCIAL_WORK)
    _row, created = services.manual_value_enter(actor=charity, indicator=pairings,
                                                region_code="63", period_start=period.start,
                                                period_end=period.end, value=15)
    assert created and services.may_enter(charity, pairings)
    assert not services.may_enter(personas.province, pairings)
    assert not services.may_enter(personas.county, pairings)  # entered by the province
    value = registry.get("pairings").at(charity, figures.Region.objects.get(code="63"))
    assert value.value == 15.0


def test_a_stock_takes_the_latest_entry_and_a_flow_adds_the_period_up(personas):
    pairings = ManualIndicator.objects.get(code="pairings")
    charity = make_user("cishan", Role.PROVINCE_BUREAU, "63", Bureau.CHARITY_SOCIAL_WORK)
    for month, value in ((1, 10), (2, 12)):
        period = Period.month(2025, month)
        services.manual_value_enter(actor=charity, indicator=pairings, region_code="63",
                                    period_start=period.start, period_end=period.end,
                                    value=value)
        enter(personas.county, OUR_COUNTY, value, period)
    province = figures.Region.objects.get(code="63")
    quarter = figures.quarter_of(2025, 1)
    assert registry.get("pairings").at(charity, province, quarter).value == 12.0
    assert registry.get("training_sessions").at(personas.province, province,
                                                quarter).value == 22.0
    assert timezone.localdate()  # the figures above are of a closed quarter
