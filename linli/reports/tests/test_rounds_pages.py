"""The rounds' pages: the list, opening a round, a round's completeness, and a report's
page with its sections, annex, events and the steps asked through core.confirm."""

import json
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from linli.core.indicators import registered
from linli.reports import rounds
from linli.reports.models import Report, ReportStatus, Round
from linli.reports.tests.rounds_fixtures import (
    CODES,
    Opened,
    approve_counties,
    opened_round,
    submit,
    texts,
)


@pytest.fixture
def opened(personas) -> Opened:
    return opened_round(personas)


def _url(name: str, report: Report) -> str:
    return reverse(f"reports:{name}", args=[report.pk])


def _posted(report: Report, **changed: str) -> dict:
    return {f"section-{i}": text for i, text in enumerate(texts(report, **changed).values())}


def test_the_list_shows_each_round_with_its_counts_and_the_province_may_open_one(
        personas, as_user, opened):
    page = as_user(personas.province).get(reverse("reports:rounds")).content.decode()
    assert opened.round.title in page and 'id="round-new"' in page and "0 / 61" in page
    page = as_user(personas.county).get(reverse("reports:rounds")).content.decode()
    assert opened.round.title in page and 'id="round-new"' not in page and "0 / 1" in page


def test_the_list_is_empty_for_those_without_a_report(personas, as_user, opened):
    for user in (personas.township, personas.village):
        page = as_user(user).get(reverse("reports:rounds")).content.decode()
        assert opened.round.title not in page and "暂无报送任务" in page


def test_the_new_round_form_has_every_indicator_by_measure_the_headline_ones_checked(
        personas, as_user):
    page = as_user(personas.province).get(reverse("reports:round_new")).content.decode()
    for indicator in registered():
        box = re.search(rf'value="{indicator.key}" id="indicator-{indicator.key}" '
                        rf'data-group="\d+"( checked)?>', page)
        assert box and bool(box.group(1)) is not indicator.breakdown, indicator.key
    assert any(i.breakdown for i in registered())
    assert "八、加强人才培育" in page and 'type="date"' in page
    assert re.search(r'name="report_counties"[^>]*id="id_report_counties">', page)  # unchecked
    assert 'id="bureau-elderly_services" checked' in page


def test_only_a_province_bureau_gets_the_new_round_form(personas, as_user):
    for user in (personas.prefecture, personas.county, personas.auditor):
        assert as_user(user).get(reverse("reports:round_new")).status_code == 404


def _form(**changed) -> dict:
    today = timezone.localdate()
    data = {"title": "2026年总结", "period_start": f"{today.year}-01-01",
            "period_end": today.isoformat(), "deadline": (today + timedelta(days=20)).isoformat(),
            "sections": "成效\n存在问题及措施\n", "indicators": CODES,
            "report_prefectures": "on", "report_counties": "on"}
    data.update(changed)
    return {k: v for k, v in data.items() if v is not None}


def test_the_province_opens_a_round_from_the_form(personas, as_user):
    response = as_user(personas.province).post(reverse("reports:round_new"), _form())
    opened = Round.objects.get()
    assert response.status_code == 302 and response.url == reverse("reports:round", args=[opened.pk])
    assert opened.sections == ["成效", "存在问题及措施"] and opened.indicators == CODES
    assert opened.reports.count() == 8 + 45 and not opened.report_bureaus


def test_a_bad_round_is_said_next_to_its_field_in_chinese(personas, as_user):
    client = as_user(personas.province)
    response = client.post(reverse("reports:round_new"), _form(indicators=[]))
    assert response.status_code == 422 and "请至少选择一项附表指标" in response.content.decode()
    response = client.post(reverse("reports:round_new"),
                           _form(report_prefectures=None, report_counties=None))
    assert response.status_code == 422 and "请至少选择一个报送层级" in response.content.decode()
    response = client.post(reverse("reports:round_new"), _form(deadline="2020-01-01"))
    assert "报送截止日期不能早于今天" in response.content.decode()
    assert not Round.objects.exists()


def test_the_round_shows_completeness_as_a_table_and_a_chart(personas, as_user, opened):
    submit(personas.county, opened.county)
    response = as_user(personas.province).get(reverse("reports:round", args=[opened.round.pk]))
    page = response.content.decode()
    assert 'data-level="county"' in page and "2.2%" in page
    chart = json.loads(re.search(r'<script[^>]*type="application/json">(.*?)</script>',
                                 page, re.S).group(1))
    assert chart["xAxis"]["data"] == ["市(州)民政局", "县级民政局", "厅处室(局)"]
    assert [s["name"] for s in chart["series"]] == ["报送率", "及时率", "审核通过率"]
    assert page.count('href="/reports/report/') == 61


def test_the_round_lists_only_the_reports_the_user_may_see(personas, as_user, opened):
    page = as_user(personas.prefecture).get(
        reverse("reports:round", args=[opened.round.pk])).content.decode()
    assert page.count('href="/reports/report/') == 8 and "乐都区民政局" not in page
    page = as_user(personas.county).get(
        reverse("reports:round", args=[opened.round.pk])).content.decode()
    assert page.count('href="/reports/report/') == 1


def test_a_county_writes_its_sections_on_its_page(personas, as_user, opened):
    client = as_user(personas.county)
    page = client.get(_url("report", opened.county)).content.decode()
    assert 'name="section-0"' in page and 'id="submit"' in page and 'data-confirm=' in page
    assert 'id="annex-live"' in page and 'data-region="630102"' in page
    response = client.post(_url("report", opened.county), _posted(opened.county, 成效="已写"))
    assert response.status_code == 302
    opened.county.refresh_from_db()
    assert opened.county.sections[0]["text"] == "已写"


def test_submitting_asks_first_and_then_freezes_the_page(personas, as_user, opened):
    client = as_user(personas.county)
    asked = client.post(_url("report_submit", opened.county),
                        {**_posted(opened.county), "confirm": "ask"})
    assert asked.status_code == 200 and "报送城东区民政局的总结报告?" in asked.content.decode()
    assert 'name="section-0"' in asked.content.decode()  # the texts carried to the question
    opened.county.refresh_from_db()
    assert opened.county.status == ReportStatus.DRAFT
    assert client.get(_url("report_submit", opened.county)).status_code == 200  # a GET asks
    response = client.post(_url("report_submit", opened.county), _posted(opened.county))
    assert response.status_code == 302
    page = client.get(_url("report", opened.county)).content.decode()
    assert 'name="section-0"' not in page and 'id="annex-frozen"' in page and "已报送" in page
    assert 'id="submit"' not in page


def test_a_late_report_carries_its_badge(personas, as_user, opened):
    Round.objects.filter(pk=opened.round.pk).update(
        deadline=timezone.localdate() - timedelta(days=2))
    as_user(personas.county).post(_url("report_submit", opened.county), _posted(opened.county))
    page = as_user(personas.prefecture).get(
        reverse("reports:round", args=[opened.round.pk])).content.decode()
    assert "逾期报送" in page


def test_a_refused_submission_is_said_on_the_page_with_the_texts_kept(personas, as_user,
                                                                      opened):
    response = as_user(personas.prefecture).post(_url("report_submit", opened.prefecture),
                                                 _posted(opened.prefecture, 成效="我们的成效"))
    page = response.content.decode()
    assert response.status_code == 409 and 'id="report-error"' in page
    assert "城东区" in page and "我们的成效" in page


def test_the_prefecture_sees_its_counties_and_approves_one(personas, as_user, opened):
    submit(personas.county, opened.county)
    client = as_user(personas.prefecture)
    page = client.get(_url("report", opened.prefecture)).content.decode()
    assert 'id="counties"' in page and "城东区民政局" in page and "乐都区" not in page
    page = client.get(_url("report", opened.county)).content.decode()
    assert 'id="approve"' in page and 'id="return"' in page and 'name="section-0"' not in page
    response = client.post(_url("report_approve", opened.county), {"comment": "同意"})
    assert response.status_code == 302
    opened.county.refresh_from_db()
    assert opened.county.status == ReportStatus.APPROVED
    assert opened.county.events.last().comment == "同意"


def test_the_county_has_no_review_buttons_on_its_own_report(personas, as_user, opened):
    submit(personas.county, opened.county)
    page = as_user(personas.county).get(_url("report", opened.county)).content.decode()
    assert 'id="approve"' not in page and 'id="return"' not in page
    response = as_user(personas.county).post(_url("report_approve", opened.county))
    assert response.status_code == 403


def test_returning_asks_for_its_reason_and_then_returns(personas, as_user, opened):
    submit(personas.county, opened.county)
    client = as_user(personas.prefecture)
    asked = client.post(_url("report_return", opened.county), {"confirm": "ask", "reason": "补"})
    assert asked.status_code == 200 and 'id="confirm-page"' in asked.content.decode()
    missing = client.post(_url("report_return", opened.county), {"reason": " "})
    assert missing.status_code == 422
    opened.county.refresh_from_db()
    assert opened.county.status == ReportStatus.SUBMITTED
    response = client.post(_url("report_return", opened.county), {"reason": "缺少典型案例"})
    assert response.status_code == 302
    page = as_user(personas.county).get(_url("report", opened.county)).content.decode()
    assert 'name="section-0"' in page and "缺少典型案例" in page and "已退回" in page


def test_a_county_return_refused_while_the_prefecture_stands_is_said(personas, as_user, opened):
    approve_counties(personas.prefecture, opened.prefecture)
    submit(personas.prefecture, opened.prefecture)
    response = as_user(personas.prefecture).post(_url("report_return", opened.county),
                                                 {"reason": "数据有误"})
    assert response.status_code == 409 and "先退回市(州)报告" in response.content.decode()


def test_the_report_page_shows_every_event(personas, as_user, opened):
    report = submit(personas.county, opened.county)
    rounds.report_return(actor=personas.prefecture, report=report, reason="请补充")
    page = as_user(personas.county).get(_url("report", opened.county)).content.decode()
    events = re.search(r'id="events">(.*?)</table>', page, re.S).group(1)
    assert events.count("<tr>") == 1 + 3 and "请补充" in events and "退回" in events


@pytest.mark.parametrize("name", ["report", "report_submit", "report_approve", "report_return"])
def test_another_prefecture_and_county_get_404_on_our_reports(personas, as_user, opened, name):
    for user in (opened.other_prefecture_user, personas.other_county, personas.township,
                 personas.outsider):
        for report in (opened.county, opened.prefecture):
            assert as_user(user).get(_url(name, report)).status_code == 404
            assert as_user(user).post(_url(name, report), {"reason": "x"}).status_code == 404
    assert as_user(personas.county).get(_url(name, opened.prefecture)).status_code == 404


def test_another_prefecture_and_a_village_get_404_on_a_round_they_are_not_in(personas, as_user):
    from linli.reports.tests.rounds_fixtures import open_round

    only_bureaus = open_round(personas.province, counties=False, report_prefectures=False)
    for user in (personas.prefecture, personas.county, personas.village, personas.outsider):
        assert as_user(user).get(reverse("reports:round", args=[only_bureaus.pk])).status_code == 404
    assert as_user(personas.province_elderly).get(
        reverse("reports:round", args=[only_bureaus.pk])).status_code == 200


def test_a_bureau_sees_its_own_report_only(personas, as_user, opened):
    client = as_user(personas.province_elderly)
    assert client.get(_url("report", opened.bureau)).status_code == 200
    for report in (opened.prefecture, opened.county):
        assert client.get(_url("report", report)).status_code == 404
    page = client.get(reverse("reports:round", args=[opened.round.pk])).content.decode()
    assert page.count('href="/reports/report/') == 1


def test_the_report_page_takes_a_bounded_number_of_queries(personas, as_user, opened,
                                                           django_assert_max_num_queries):
    approve_counties(personas.prefecture, opened.prefecture)
    client = as_user(personas.prefecture)
    client.get(_url("report", opened.prefecture))
    with django_assert_max_num_queries(40):
        assert client.get(_url("report", opened.prefecture)).status_code == 200


def test_the_list_puts_the_reports_waiting_for_the_user_on_top(personas, as_user, opened):
    page = as_user(personas.county).get(reverse("reports:rounds")).content.decode()
    waiting = re.search(r'id="waiting-reports">(.*?)</table>', page, re.S).group(1)
    assert "城东区民政局" in waiting and "待报送" in waiting
    submit(personas.county, opened.county)
    page = as_user(personas.county).get(reverse("reports:rounds")).content.decode()
    assert 'id="waiting"' not in page
    page = as_user(personas.prefecture).get(reverse("reports:rounds")).content.decode()
    waiting = re.search(r'id="waiting-reports">(.*?)</table>', page, re.S).group(1)
    assert waiting.count("<tr>") == 1 + 2 and "待审核" in waiting and "西宁市民政局" in waiting


def test_the_home_page_counts_the_reports_to_review_and_to_submit(personas, opened):
    from linli.accounts.access import access_for
    from linli.reports.round_todos import review_todo, submit_todo

    assert submit_todo(access_for(personas.county)).count == 1
    assert review_todo(access_for(personas.county)) is None
    submit(personas.county, opened.county)
    assert submit_todo(access_for(personas.county)) is None
    assert review_todo(access_for(personas.prefecture)).count == 1
    assert review_todo(access_for(personas.province)) is None  # a county's is the prefecture's
    submit(personas.province_elderly, opened.bureau)
    assert review_todo(access_for(personas.province)).count == 1
    assert review_todo(access_for(personas.province_elderly)) is None


def test_the_review_and_staff_filters_agree_with_the_rules(personas, opened):
    from linli.reports.selectors import (
        is_reviewer,
        is_unit_staff,
        reports_to_review,
        reports_to_submit,
    )

    Report.objects.filter(round=opened.round).update(status=ReportStatus.SUBMITTED)
    users = [personas.province, personas.province_elderly, personas.prefecture, personas.county,
             personas.other_county, personas.auditor, opened.other_prefecture_user]
    reports = list(Report.objects.filter(round=opened.round).select_related("region", "round"))
    for user in users:
        assert set(reports_to_review(actor=user)) == {
            r for r in reports if is_reviewer(user, r)}, user
    Report.objects.filter(round=opened.round).update(status=ReportStatus.DRAFT)
    for user in users:
        assert set(reports_to_submit(actor=user)) == {
            r for r in reports if is_unit_staff(user, r)}, user


def test_the_list_and_the_round_take_a_bounded_number_of_queries(
        personas, as_user, opened, django_assert_max_num_queries):
    from linli.reports.tests.rounds_fixtures import open_round

    open_round(personas.province, counties=False)
    client = as_user(personas.province)
    client.get(reverse("reports:rounds"))
    with django_assert_max_num_queries(14):
        assert client.get(reverse("reports:rounds")).status_code == 200
    with django_assert_max_num_queries(14):
        assert client.get(reverse("reports:round", args=[opened.round.pk])).status_code == 200


def test_the_system_administrator_has_no_rounds_page(personas, as_user, opened):
    assert as_user(personas.admin).get(reverse("reports:rounds")).status_code == 404
    assert as_user(personas.admin).get(_url("report", opened.county)).status_code == 404


def test_the_owner_closes_the_round_after_asking_and_a_unit_is_told_on_its_page(
        personas, as_user, opened):
    owner = as_user(personas.province)
    page = owner.get(reverse("reports:round", args=[opened.round.pk])).content.decode()
    assert 'id="round-close"' in page and 'data-confirm="结束报送任务' in page
    close = reverse("reports:round_close", args=[opened.round.pk])
    asked = owner.post(close, {"confirm": "ask"})
    assert asked.status_code == 200 and "确认结束" in asked.content.decode()
    assert Round.objects.get(pk=opened.round.pk).status == "open"
    assert owner.post(close).status_code == 302
    assert Round.objects.get(pk=opened.round.pk).status == "closed"
    page = owner.get(reverse("reports:round", args=[opened.round.pk])).content.decode()
    assert 'id="round-reopen"' in page and "已结束" in page
    client = as_user(personas.county)
    county = client.get(_url("report", opened.county)).content.decode()
    assert 'id="round-closed"' in county and 'name="section-0"' not in county
    assert 'id="round-close"' not in client.get(
        reverse("reports:round", args=[opened.round.pk])).content.decode()
    assert as_user(personas.province_elderly).post(close).status_code == 403  # not the owner
    as_user(personas.province).post(reverse("reports:round_reopen", args=[opened.round.pk]))
    assert Round.objects.get(pk=opened.round.pk).status == "open"
