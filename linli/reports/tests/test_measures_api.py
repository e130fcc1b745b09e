"""The measures API: the same figures, targets and hand-entered values as the pages, scoped
the same way (another county's region answers 404), errors in the one shape."""

import pytest

from conftest import OTHER_COUNTY, OUR_COUNTY, OUR_PREFECTURE, OUR_TOWNSHIP
from linli.core.indicators import Period
from linli.reports.models import ManualValue, Target
from linli.reports.tests.test_measures_page import enter

pytestmark = pytest.mark.django_db
API = "/api/v1/reports"


def test_it_serves_the_measures_with_their_figures(personas, as_user):
    enter(personas.county, OUR_COUNTY, 3)
    answer = as_user(personas.county).get(f"{API}/measures").json()
    assert (answer["region_code"], answer["region_name"]) == (OUR_COUNTY, "城东区")
    eight = next(m for m in answer["measures"] if m["number"] == 8)
    assert eight["numeral"] == "八" and "charity_social_work" in eight["bureaus"]
    training = next(i for i in eight["indicators"] if i["key"] == "training_sessions")
    assert (training["value"], training["unit"], training["kind"]) == (3.0, "场", "count")
    assert training["previous"] == 0.0 and training["target"] is None
    coverage = next(i for i in eight["indicators"] if i["key"] == "station_coverage")
    assert coverage["target"]["value"] == 70.0 and coverage["target"]["region_code"] == "63"


def test_one_indicator_with_its_children_and_target(personas, as_user):
    enter(personas.county, OUR_COUNTY, 3, Period.month(2025, 3))
    client = as_user(personas.prefecture)
    client.post(f"{API}/targets", {"indicator": "training_sessions", "region_code": OUR_COUNTY,
                                   "value": 5, "source": "县计划"},
                content_type="application/json")
    answer = client.get(f"{API}/indicators/training_sessions?start=2025-03-01&end=2025-03-31"
                        ).json()
    assert (answer["region_code"], answer["value"], answer["start"]) == (
        OUR_PREFECTURE, 3.0, "2025-03-01")
    first = answer["children"][0]
    assert (first["region_code"], first["value"], first["short"]) == (OUR_COUNTY, 3.0, True)
    assert first["target"]["value"] == 5.0 and first["level"] == 3
    assert client.get(f"{API}/indicators/nothing_like_it").status_code == 404


def test_another_countys_region_answers_404(personas, as_user):
    client = as_user(personas.other_county)
    for url in (f"{API}/measures?region={OUR_COUNTY}",
                f"{API}/indicators/training_sessions?region={OUR_COUNTY}"):
        answer = client.get(url)
        assert answer.status_code == 404 and answer.json()["error"]["code"] == "not_found"
    assert client.get(f"{API}/measures?region={OTHER_COUNTY}").status_code == 200


def test_a_bad_period_is_refused_in_the_one_shape(personas, as_user):
    answer = as_user(personas.county).get(f"{API}/measures?start=2025-03-01")
    assert answer.status_code == 422
    assert answer.json()["error"]["details"]["start"]


def test_targets_are_set_listed_changed_and_deactivated(personas, as_user):
    client = as_user(personas.prefecture)
    made = client.post(f"{API}/targets", {
        "indicator": "training_sessions", "region_code": OUR_PREFECTURE, "value": 12,
        "direction": "at_least", "deadline": "2026-12-31", "source": "市局年度计划"},
        content_type="application/json")
    assert made.status_code == 201, made.content
    pk = made.json()["id"]
    assert made.json()["region_name"] == "西宁市" and made.json()["created_by"] == "prefecture"
    listed = client.get(f"{API}/targets?indicator=training_sessions").json()
    assert [t["id"] for t in listed["items"]] == [pk]
    changed = client.put(f"{API}/targets/{pk}", {"value": 10, "source": "市局年度计划(调整)"},
                         content_type="application/json")
    assert changed.json()["value"] == 10.0
    gone = client.post(f"{API}/targets/{pk}/deactivate")
    assert gone.json()["is_active"] is False
    assert client.get(f"{API}/targets?indicator=training_sessions").json()["count"] == 0
    assert client.get(f"{API}/targets?indicator=training_sessions&all=true").json()["count"] == 1
    assert Target.objects.get(pk=pk).history.count() == 3


def test_target_refusals_are_in_chinese(personas, as_user):
    client = as_user(personas.county)
    township = client.post(f"{API}/targets", {"indicator": "training_sessions",
                                              "region_code": OUR_TOWNSHIP, "value": 1,
                                              "source": "计划"},
                           content_type="application/json")
    assert township.status_code == 422
    assert "县" in township.json()["error"]["details"]["region_code"][0]
    above = client.post(f"{API}/targets", {"indicator": "training_sessions",
                                           "region_code": OUR_PREFECTURE, "value": 1,
                                           "source": "计划"}, content_type="application/json")
    assert above.status_code == 422 and above.json()["error"]["details"]["region_code"]
    province = Target.objects.get(indicator="station_coverage", region_code="63")
    assert client.put(f"{API}/targets/{province.pk}", {"value": 1, "source": "x"},
                      content_type="application/json").status_code == 422  # not its own
    mine = as_user(personas.county).post(
        f"{API}/targets", {"indicator": "training_sessions", "region_code": OUR_COUNTY,
                           "value": 1, "source": "计划"}, content_type="application/json")
    other = as_user(personas.other_county)
    theirs = other.post(f"{API}/targets", {"indicator": "training_sessions",
                                           "region_code": OUR_COUNTY, "value": 1,
                                           "source": "计划"}, content_type="application/json")
    assert theirs.status_code == 422
    assert theirs.json()["error"]["message"] == "适用地区应在您的辖区内,“城东区”不在其中"
    assert other.post(f"{API}/targets/{mine.json()['id']}/deactivate").status_code == 404
    assert other.put(f"{API}/targets/{mine.json()['id']}", {"value": 1, "source": "x"},
                     content_type="application/json").status_code == 404


def test_manual_values_are_entered_corrected_and_listed(personas, as_user):
    client = as_user(personas.county)
    body = {"indicator": "training_sessions", "region_code": OUR_COUNTY,
            "period_start": "2025-01-01", "period_end": "2025-03-31", "value": 6}
    made = client.post(f"{API}/manual", body, content_type="application/json")
    assert made.status_code == 201, made.content
    again = client.post(f"{API}/manual", {**body, "value": 7, "note": "补报一场"},
                        content_type="application/json")
    assert again.status_code == 200 and again.json()["value"] == 7.0
    row = ManualValue.objects.get(pk=made.json()["id"])
    assert [h.value for h in row.history.order_by("history_date")] == [6, 7]
    listed = client.get(f"{API}/manual?indicator=training_sessions").json()
    assert listed["count"] == 1 and listed["items"][0]["entered_by"] == "county"
    assert as_user(personas.other_county).get(f"{API}/manual").json()["count"] == 0


def test_manual_refusals(personas, as_user):
    client = as_user(personas.county)
    base = {"indicator": "training_sessions", "region_code": OUR_COUNTY, "value": 1}
    odd = client.post(f"{API}/manual", {**base, "period_start": "2025-01-05",
                                        "period_end": "2025-02-04"},
                      content_type="application/json")
    assert odd.status_code == 422 and "整月" in odd.json()["error"]["details"]["period"][0]
    unknown = client.post(f"{API}/manual", {**base, "indicator": "nope", "period_start":
                                            "2025-01-01", "period_end": "2025-01-31"},
                          content_type="application/json")
    assert unknown.status_code == 422 and unknown.json()["error"]["details"]["indicator"]
    theirs = as_user(personas.other_county).post(
        f"{API}/manual", {**base, "period_start": "2025-01-01", "period_end": "2025-01-31"},
        content_type="application/json")
    assert theirs.status_code == 422
    assert theirs.json()["error"]["message"] == "填报地区应在您的辖区内,“城东区”不在其中"
    assert theirs.json()["error"]["details"]["region_code"]
