"""The reporting workflow (GLOSSARY §9): opening, drafting, submitting, approving and
returning, in order, with the figures frozen and every step an event."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from conftest import OUR_COUNTY
from linli.core.errors import Forbidden, IllegalTransition, Invalid
from linli.reports import rounds
from linli.reports.models import DEFAULT_SECTIONS, Report, ReportAction, ReportStatus, Round
from linli.reports.selectors import round_completeness
from linli.reports.tests.rounds_fixtures import (
    CODES,
    Opened,
    approve_counties,
    open_round,
    opened_round,
    submit,
    texts,
)


@pytest.fixture
def opened(personas) -> Opened:
    return opened_round(personas)


def test_it_opens_a_round_with_one_report_per_unit_each_created_as_an_event(personas, opened):
    reports = opened.round.reports
    assert reports.filter(bureau="", region__level=2).count() == 8
    assert reports.filter(bureau="", region__level=3).count() == 45
    assert sorted(reports.exclude(bureau="").values_list("bureau", flat=True)) == sorted(
        ["social_organizations", "elderly_services", "child_welfare", "social_assistance",
         "grassroots_governance", "social_affairs", "charity_social_work", "planning_finance"])
    assert opened.round.owner_bureau == "social_organizations"
    assert opened.county.sections == [{"title": t, "text": ""} for t in DEFAULT_SECTIONS]
    event = opened.county.events.get()
    assert (event.action, event.to_status, event.actor) == ("create", "draft", personas.province)


def test_it_takes_the_default_sections_the_headline_indicators_prefectures_and_bureaus(
        personas):
    from linli.core.indicators import registered

    opened_round = rounds.round_open(
        actor=personas.province_elderly, title="季度报告", period_start=date(2026, 1, 1),
        period_end=date(2026, 3, 31), deadline=timezone.localdate() + timedelta(days=3))
    assert opened_round.sections == DEFAULT_SECTIONS
    headline = [i.key for i in registered() if not i.breakdown]
    assert opened_round.indicators == headline
    assert "people_special_elderly" in headline and "people_elderly_alone" not in headline
    assert "orgs_active" in headline and "orgs_community" not in headline
    assert opened_round.owner_bureau == "elderly_services"
    assert opened_round.reports.count() == 16  # counties report only when asked


def test_only_a_province_bureau_opens_a_round(personas):
    for actor in (personas.prefecture, personas.county, personas.auditor, personas.outsider):
        with pytest.raises(Forbidden):
            open_round(actor)
    assert not Round.objects.exists()


@pytest.mark.parametrize(("fields", "field", "words"), [
    ({"title": "  "}, "title", "请填写标题"),
    ({"period_start": date(2026, 6, 1), "period_end": date(2026, 5, 1)}, "period_end", "不能早于"),
    ({"deadline": date(2020, 1, 1)}, "deadline", "不能早于今天"),
    ({"indicators": ["station_coverage", "no_such_figure"]}, "indicators", "no_such_figure"),
    ({"indicators": []}, "indicators", "至少选择"),
    ({"sections": ["成效", "成效"]}, "sections", "不能重复"),
    ({"sections": [" "]}, "sections", "至少设置"),
    ({"bureaus": ["nowhere"]}, "bureaus", "nowhere"),
    ({"report_prefectures": False, "report_counties": False, "report_bureaus": False},
     "levels", "报送层级"),
])
def test_it_refuses_a_bad_round_naming_the_field(personas, fields, field, words):
    with pytest.raises(Invalid) as refused:
        open_round(personas.province, **fields)
    assert field in refused.value.details and words in refused.value.message
    assert not Round.objects.exists()


def test_a_report_starts_with_draft_sentences_from_the_units_figures(personas, opened):
    report = rounds.report_prefill(opened.prefecture)
    drafts = {s["title"]: s["text"] for s in report.sections}
    assert report.prefilled_at is not None
    assert "西宁市民政局" in drafts["成效"]
    assert "乡镇(街道)社工站覆盖率 0.0%" in drafts["成效"] and "目标 ≥ 70.0%" in drafts["成效"]
    assert "低于目标" in drafts["存在问题"] and "社工站覆盖率" in drafts["存在问题"]
    assert "加强人才培育" in drafts["主要做法"]
    assert "社工站覆盖率" in drafts["下一步措施"]


def test_the_draft_leaves_a_written_section_as_it_is(personas, opened):
    rounds.report_save(actor=personas.county, report=opened.county, sections={"成效": "我写的"})
    report = rounds.report_prefill(opened.county)
    drafts = {s["title"]: s["text"] for s in report.sections}
    assert drafts["成效"] == "我写的" and drafts["存在问题"]


def test_opening_a_round_drafts_every_report_in_the_background(
        personas, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        opened_round = open_round(personas.province, counties=False)
    reports = list(opened_round.reports.all())
    assert all(r.prefilled_at for r in reports)
    assert all(r.sections[0]["text"] for r in reports)


def test_a_county_saves_and_submits_and_its_figures_freeze(personas, opened):
    report = rounds.report_save(actor=personas.county, report=opened.county,
                                sections={"成效": "新增备案 3 个。"})
    assert report.sections[0] == {"title": "成效", "text": "新增备案 3 个。"}
    assert report.status == ReportStatus.DRAFT and not report.frozen.exists()
    report = submit(personas.county, report)
    assert report.status == ReportStatus.SUBMITTED and not report.late
    assert report.submitted_by == personas.county and report.submitted_at
    frozen = set(report.frozen.values_list("indicator", flat=True))
    assert frozen == set(CODES)
    assert set(report.frozen.values_list("region__code", flat=True)) >= {OUR_COUNTY}


def test_a_report_is_submitted_only_with_every_section_written(personas, opened):
    with pytest.raises(Invalid) as refused:
        rounds.report_submit(actor=personas.county, report=opened.county,
                             sections={"成效": "写了", "主要做法": "写了"})
    assert "存在问题" in refused.value.message and "下一步措施" in refused.value.message
    opened.county.refresh_from_db()
    assert opened.county.status == ReportStatus.DRAFT


def test_editing_a_frozen_report_is_refused_with_a_reason(personas, opened):
    submit(personas.county, opened.county)
    with pytest.raises(IllegalTransition) as refused:
        rounds.report_save(actor=personas.county, report=opened.county, sections={"成效": "改"})
    assert "已冻结" in refused.value.message and "退回" in refused.value.message
    with pytest.raises(IllegalTransition):
        submit(personas.county, opened.county)


def test_it_refuses_a_section_the_round_does_not_have(personas, opened):
    with pytest.raises(Invalid) as refused:
        rounds.report_save(actor=personas.county, report=opened.county, sections={"附录": "x"})
    assert "附录" in refused.value.message


def test_submitting_after_the_deadline_is_allowed_but_marked_late(personas, opened):
    Round.objects.filter(pk=opened.round.pk).update(
        deadline=timezone.localdate() - timedelta(days=1))
    report = submit(personas.county, opened.county)
    assert report.status == ReportStatus.SUBMITTED and report.late


def test_a_report_sent_in_time_and_returned_is_not_late_when_sent_again(personas, opened):
    submit(personas.county, opened.county)
    rounds.report_return(actor=personas.prefecture, report=opened.county, reason="数据有误")
    Round.objects.filter(pk=opened.round.pk).update(
        deadline=timezone.localdate() - timedelta(days=1))
    again = submit(personas.county, Report.objects.get(pk=opened.county.pk))
    assert again.status == ReportStatus.SUBMITTED and not again.late


def test_only_the_units_own_staff_write_and_submit(personas, opened):
    for actor in (personas.other_county, personas.prefecture, personas.province,
                  personas.township, personas.auditor):
        with pytest.raises(Forbidden):
            rounds.report_save(actor=actor, report=opened.county, sections={"成效": "x"})
    with pytest.raises(Forbidden):
        submit(personas.province, opened.bureau)  # 社会组织管理局 is not 养老服务处
    assert submit(personas.province_elderly, opened.bureau).status == ReportStatus.SUBMITTED


def test_a_prefecture_submits_only_when_every_county_is_approved(personas, opened):
    approve_counties(personas.prefecture, opened.prefecture, but=OUR_COUNTY)
    with pytest.raises(IllegalTransition) as refused:
        submit(personas.prefecture, opened.prefecture)
    assert "城东区" in refused.value.message
    assert refused.value.details == {"counties": ["城东区"]}
    submit(personas.county, opened.county)
    with pytest.raises(IllegalTransition):  # submitted is not approved
        submit(personas.prefecture, opened.prefecture)
    rounds.report_approve(actor=personas.prefecture, report=opened.county)
    assert submit(personas.prefecture, opened.prefecture).status == ReportStatus.SUBMITTED


def test_the_county_reports_to_its_prefecture_and_the_prefecture_to_the_province(
        personas, opened):
    submit(personas.county, opened.county)
    for actor in (personas.county, personas.province, personas.other_county,
                  opened.other_prefecture_user):
        with pytest.raises(Forbidden):
            rounds.report_approve(actor=actor, report=opened.county)
    assert rounds.report_approve(actor=personas.prefecture, report=opened.county).status == (
        ReportStatus.APPROVED)
    approve_counties(personas.prefecture, opened.prefecture, but=OUR_COUNTY)
    submit(personas.prefecture, opened.prefecture)
    for actor in (personas.prefecture, personas.province_elderly):
        with pytest.raises(Forbidden):
            rounds.report_approve(actor=actor, report=opened.prefecture)
    approved = rounds.report_approve(actor=personas.province, report=opened.prefecture)
    assert approved.status == ReportStatus.APPROVED and approved.approved_by == personas.province


def test_approving_out_of_order_is_refused_with_a_reason(personas, opened):
    with pytest.raises(IllegalTransition) as refused:
        rounds.report_approve(actor=personas.prefecture, report=opened.county)
    assert "草稿" in refused.value.message and "审核通过" in refused.value.message
    approve_counties(personas.prefecture, opened.prefecture)
    submit(personas.prefecture, opened.prefecture)
    # a county's report put back to submitted around the services: the province's approval
    # still waits for it
    Report.objects.filter(pk=opened.county.pk).update(status=ReportStatus.SUBMITTED)
    with pytest.raises(IllegalTransition) as refused:
        rounds.report_approve(actor=personas.province, report=opened.prefecture)
    assert "城东区" in refused.value.message


def test_a_higher_level_sends_an_approved_report_back_down_with_a_reason(personas, opened):
    submit(personas.province_elderly, opened.bureau)
    rounds.report_approve(actor=personas.province, report=opened.bureau)
    with pytest.raises(Invalid) as refused:
        rounds.report_return(actor=personas.province, report=opened.bureau, reason="  ")
    assert refused.value.details == {"reason": ["退回须填写理由"]}
    returned = rounds.report_return(actor=personas.province, report=opened.bureau,
                                    reason="请补充助餐数据")
    assert returned.status == ReportStatus.RETURNED and returned.approved_at is None
    assert not returned.frozen.exists()  # live again until resubmitted
    resubmitted = rounds.report_save(actor=personas.province_elderly, report=returned,
                                     sections={"成效": "已补充助餐数据"})
    assert submit(personas.province_elderly, resubmitted).frozen.exists()


def test_a_county_is_not_returned_while_its_prefectures_report_stands_on_it(personas, opened):
    approve_counties(personas.prefecture, opened.prefecture)
    submit(personas.prefecture, opened.prefecture)
    with pytest.raises(IllegalTransition) as refused:
        rounds.report_return(actor=personas.prefecture, report=opened.county, reason="数据有误")
    assert "西宁市" in refused.value.message and "先退回市(州)报告" in refused.value.message
    rounds.report_return(actor=personas.province, report=opened.prefecture, reason="补充县级数据")
    county = rounds.report_return(actor=personas.prefecture, report=opened.county,
                                  reason="数据有误")
    assert county.status == ReportStatus.RETURNED


def test_every_step_is_an_event_with_who_when_and_comment(personas, opened):
    report = rounds.report_save(actor=personas.county, report=opened.county, sections={})
    report = rounds.report_submit(actor=personas.county, report=report, sections=texts(report),
                                  comment="请审核")
    rounds.report_return(actor=personas.prefecture, report=report, reason="缺少典型案例")
    report = submit(personas.county, report)
    rounds.report_approve(actor=personas.prefecture, report=report, comment="同意")
    events = list(report.events.values_list("action", "from_status", "to_status", "actor__username",
                                            "comment"))
    assert events == [
        (ReportAction.CREATE, "", "draft", "province", ""),
        (ReportAction.SAVE, "draft", "draft", "county", ""),
        (ReportAction.SUBMIT, "draft", "submitted", "county", "请审核"),
        (ReportAction.RETURN, "submitted", "returned", "prefecture", "缺少典型案例"),
        (ReportAction.SUBMIT, "returned", "submitted", "county", ""),
        (ReportAction.APPROVE, "submitted", "approved", "prefecture", "同意"),
    ]
    assert all(e.at for e in report.events.all())


def test_completeness_and_timeliness_count_each_level(personas, opened):
    submit(personas.county, opened.county)
    rounds.report_approve(actor=personas.prefecture, report=opened.county)
    Round.objects.filter(pk=opened.round.pk).update(
        deadline=timezone.localdate() - timedelta(days=1))
    submit(personas.province_elderly, opened.bureau)  # late
    lines = {line.level: line for line in round_completeness(actor=personas.province,
                                                             round=opened.round)}
    assert [(lines[k].expected, lines[k].submitted, lines[k].on_time, lines[k].approved)
            for k in ("prefecture", "county", "bureau", "")] == [
        (8, 0, 0, 0), (45, 1, 1, 1), (8, 1, 0, 0), (61, 2, 1, 1)]
    assert lines["county"].submitted_rate == 2.2 and lines["bureau"].on_time_rate == 0.0
    mine = round_completeness(actor=personas.prefecture, round=opened.round)
    assert [(line.level, line.expected) for line in mine] == [
        ("prefecture", 1), ("county", 7), ("", 8)]


def test_a_provinces_count_target_is_not_each_prefectures(personas, opened):
    """8 demonstration sites is the province's total: a prefecture is not short of it; the
    70 % coverage applies to every region."""
    from linli.reports import annex

    rows = {(r.indicator, r.region.code): r for r in annex.live_rows(opened.prefecture)}
    assert rows["station_coverage", "6301"].target == 70.0
    assert rows["station_coverage", OUR_COUNTY].target == 70.0
    rounds_with_sites = open_round(personas.province, counties=False,
                                   indicators=["deliberation_sites"])
    prefecture = rounds_with_sites.reports.get(region_code="6301", bureau="")
    sites = {r.region.code: r for r in annex.live_rows(prefecture)}
    assert sites["6301"].target is None and not sites["6301"].short
    bureau = rounds_with_sites.reports.get(bureau="grassroots_governance")
    assert annex.live_rows(bureau, children=False)[0].target == 8.0  # the province's own


def test_one_units_failing_figures_leave_the_other_drafts_written(personas, opened,
                                                                  monkeypatch):
    from linli.reports import annex

    live = annex.live_rows

    def failing(report, **kwargs):
        if report.region_code == OUR_COUNTY:
            raise RuntimeError("figures unavailable")
        return live(report, **kwargs)

    monkeypatch.setattr(annex, "live_rows", failing)
    Report.objects.filter(round=opened.round).exclude(
        region_code__in=[OUR_COUNTY, "6301"]).update(prefilled_at=timezone.now())
    assert rounds.round_prefill(opened.round.pk) == 1
    opened.county.refresh_from_db()
    assert opened.county.prefilled_at is None


def test_a_draft_names_a_dozen_figures_and_leaves_the_rest_to_the_annex(personas):
    opened_round = open_round(personas.province, counties=False, indicators=None)
    report = rounds.report_prefill(opened_round.reports.get(region_code="6301", bureau=""))
    achievements = report.sections[0]["text"]
    assert "详见附表" in achievements and len(achievements) < 1200
    assert achievements.index("社工站覆盖率") < achievements.index("在册社会组织")  # targets first


def test_a_closed_round_takes_no_more_writing_or_sending_until_reopened(personas, opened):
    submitted = submit(personas.county, opened.county)
    with pytest.raises(Forbidden):
        rounds.round_close(actor=personas.province_elderly, round=opened.round)  # not the owner
    closed = rounds.round_close(actor=personas.province, round=opened.round)
    assert closed.status == "closed"
    with pytest.raises(IllegalTransition, match="已结束"):
        rounds.round_close(actor=personas.province, round=opened.round)
    other = Report.objects.get(pk=opened.other_county.pk)
    with pytest.raises(IllegalTransition, match="已结束,不能再保存草稿"):
        rounds.report_save(actor=personas.other_county, report=other, sections=texts(other))
    with pytest.raises(IllegalTransition, match="已结束,不能再报送"):
        submit(personas.other_county, other)
    # what was sent is still decided on
    approved = rounds.report_approve(actor=personas.prefecture, report=submitted)
    assert approved.status == ReportStatus.APPROVED
    assert Round.history.filter(id=opened.round.pk, status="closed").exists()  # kept
    rounds.round_reopen(actor=personas.province, round=opened.round)
    assert submit(personas.other_county, other).status == ReportStatus.SUBMITTED
    with pytest.raises(IllegalTransition, match="仍在进行中"):
        rounds.round_reopen(actor=personas.province, round=opened.round)
