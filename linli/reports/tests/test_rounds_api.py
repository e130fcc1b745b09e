"""The rounds' API: the same services and scope as the pages, errors in the one shape."""

from datetime import timedelta

import pytest
from django.utils import timezone

from conftest import OUR_COUNTY
from linli.reports.models import ReportStatus, Round
from linli.reports.tests.rounds_fixtures import (
    CODES,
    Opened,
    approve_counties,
    opened_round,
    submit,
    texts,
)

URL = "/api/v1/reports"


@pytest.fixture
def opened(personas) -> Opened:
    return opened_round(personas)


def _sections(report, **changed) -> list[dict]:
    return [{"title": t, "text": text} for t, text in texts(report, **changed).items()]


def test_the_province_opens_a_round(personas, as_user):
    today = timezone.localdate()
    body = {"title": "2026年总结", "period_start": f"{today.year}-01-01",
            "period_end": today.isoformat(), "deadline": (today + timedelta(days=9)).isoformat(),
            "indicators": CODES, "report_bureaus": False, "report_counties": True}
    response = as_user(personas.province).post(f"{URL}/rounds", body,
                                               content_type="application/json")
    assert response.status_code == 201
    data = response.json()
    assert data["sections"] == ["成效", "主要做法", "存在问题", "下一步措施"]
    assert data["completeness"][-1] == {
        "level": None, "label": "合计", "expected": 53, "submitted": 0, "on_time": 0,
        "approved": 0, "submitted_rate": 0.0, "on_time_rate": 0.0, "approved_rate": 0.0}
    refused = as_user(personas.prefecture).post(f"{URL}/rounds", body,
                                                content_type="application/json")
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "forbidden"
    bad = as_user(personas.province).post(f"{URL}/rounds", {**body, "indicators": ["nope"]},
                                          content_type="application/json")
    assert bad.status_code == 422 and "nope" in bad.json()["error"]["message"]
    assert Round.objects.count() == 1


def test_it_lists_and_shows_rounds_with_completeness(personas, as_user, opened):
    submit(personas.county, opened.county)
    data = as_user(personas.prefecture).get(f"{URL}/rounds").json()
    assert data["count"] == 1
    lines = {line["level"]: line for line in data["items"][0]["completeness"]}
    assert (lines["county"]["expected"], lines["county"]["submitted"]) == (7, 1)
    one = as_user(personas.county).get(f"{URL}/rounds/{opened.round.pk}").json()
    assert one["completeness"][-1]["expected"] == 1
    assert as_user(personas.village).get(f"{URL}/rounds").json()["count"] == 0
    assert as_user(personas.village).get(f"{URL}/rounds/{opened.round.pk}").status_code == 404


def test_a_county_lists_only_its_own_report_and_its_own_figures(personas, as_user, opened):
    client = as_user(personas.county)
    items = client.get(f"{URL}/reports", {"round": opened.round.pk}).json()["items"]
    assert [(r["unit_name"], r["level"], r["bureau"]) for r in items] == [
        ("城东区民政局", "county", None)]
    submit(personas.county, opened.county)
    detail = client.get(f"{URL}/reports/{opened.county.pk}").json()
    assert detail["frozen"] and detail["status"] == "submitted"
    assert {row["region_code"][:6] for row in detail["annex"]} == {OUR_COUNTY}
    assert [e["action"] for e in detail["events"]] == ["create", "submit"]


@pytest.mark.parametrize("method", ["get", "put", "post"])
def test_another_prefecture_gets_404_on_our_reports(personas, as_user, opened, method):
    paths = {"get": "", "put": "/sections", "post": "/approve"}
    for user in (opened.other_prefecture_user, personas.other_county):
        for report in (opened.county, opened.prefecture):
            response = getattr(as_user(user), method)(
                f"{URL}/reports/{report.pk}{paths[method]}", {"sections": [], "comment": ""},
                content_type="application/json")
            assert response.status_code == 404, (user, report)
            assert response.json()["error"]["code"] == "not_found"


def test_a_bureau_lists_its_own_report(personas, as_user, opened):
    items = as_user(personas.province_elderly).get(f"{URL}/reports").json()["items"]
    assert [(r["unit_name"], r["bureau"]) for r in items] == [("养老服务处", "elderly_services")]
    assert as_user(personas.province).get(f"{URL}/reports",
                                          {"page_size": 500}).json()["count"] == 61


def test_the_whole_workflow_through_the_api(personas, as_user, opened):
    def call(user, method: str, path: str, body: dict):
        return getattr(as_user(user), method)(f"{URL}/reports/{opened.county.pk}{path}", body,
                                              content_type="application/json")

    saved = call(personas.county, "put", "/sections",
                 {"sections": [{"title": "成效", "text": "新增 3 个"}]}).json()
    assert saved["sections"][0] == {"title": "成效", "text": "新增 3 个"} and not saved["frozen"]
    submitted = call(personas.county, "post", "/submit",
                     {"sections": _sections(opened.county)}).json()
    assert submitted["status"] == "submitted" and submitted["frozen"]
    frozen = call(personas.county, "put", "/sections",
                  {"sections": [{"title": "成效", "text": "改"}]})
    assert frozen.status_code == 409 and "冻结" in frozen.json()["error"]["message"]
    no_reason = call(personas.prefecture, "post", "/return", {"comment": ""})
    assert no_reason.status_code == 422 and no_reason.json()["error"]["details"] == {
        "reason": ["退回须填写理由"]}
    returned = call(personas.prefecture, "post", "/return", {"comment": "补充案例"}).json()
    assert returned["status"] == "returned" and not returned["frozen"]
    assert call(personas.county, "post", "/submit", {}).status_code == 200
    approved = call(personas.prefecture, "post", "/approve", {}).json()
    assert approved["status"] == "approved"
    assert [e["action"] for e in approved["events"]] == [
        "create", "save", "submit", "return", "submit", "approve"]


def test_a_prefecture_submission_refused_names_the_counties(personas, as_user, opened):
    approve_counties(personas.prefecture, opened.prefecture, but=OUR_COUNTY)
    response = as_user(personas.prefecture).post(
        f"{URL}/reports/{opened.prefecture.pk}/submit", {"sections": _sections(
            opened.prefecture)}, content_type="application/json")
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "illegal_transition" and error["details"] == {"counties": ["城东区"]}
    opened.prefecture.refresh_from_db()
    assert opened.prefecture.status == ReportStatus.DRAFT


def test_the_reports_list_filters_by_status(personas, as_user, opened):
    submit(personas.county, opened.county)
    data = as_user(personas.prefecture).get(f"{URL}/reports", {"status": "submitted"}).json()
    assert [r["unit_name"] for r in data["items"]] == ["城东区民政局"]


def test_a_review_step_takes_no_sections(personas, as_user, opened):
    submit(personas.county, opened.county)
    response = as_user(personas.prefecture).post(
        f"{URL}/reports/{opened.county.pk}/approve", {"sections": []},
        content_type="application/json")
    assert response.status_code == 422 and "sections" in response.json()["error"]["details"]
    opened.county.refresh_from_db()
    assert opened.county.status == ReportStatus.SUBMITTED


def test_the_owner_closes_and_reopens_a_round_and_a_closed_one_refuses_a_submission(
        personas, as_user, opened):
    close = f"{URL}/rounds/{opened.round.pk}/close"
    assert as_user(personas.province_elderly).post(close).status_code == 403  # not the owner
    closed = as_user(personas.province).post(close)
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    assert as_user(personas.province).post(close).status_code == 409
    sent = as_user(personas.county).post(
        f"{URL}/reports/{opened.county.pk}/submit", {"sections": _sections(opened.county)},
        content_type="application/json")
    assert sent.status_code == 409 and "已结束" in sent.json()["error"]["message"]
    owner = as_user(personas.province)
    assert owner.post(f"{URL}/rounds/{opened.round.pk}/reopen").json()["status"] == "open"
    assert owner.post(f"{URL}/rounds/{opened.round.pk}/nope").status_code == 422
