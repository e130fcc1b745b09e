"""The appeals API: intake, work lists, detail, steps and notes — same services and scope
as the pages, errors in the one shape."""

import pytest
from django.utils import timezone

from conftest import OTHER_VILLAGE, OUR_COUNTY, OUR_VILLAGE
from linli.appeals.models import Appeal, AppealStatus
from linli.appeals.tests.conftest import raise_appeal

pytestmark = pytest.mark.django_db
URL = "/api/v1/appeals"


def test_intake_then_the_chain_over_the_api(personas, as_user):
    client = as_user(personas.village)
    made = client.post(f"{URL}/", {
        "channel": "hotline", "category_code": "temporary", "description": "家中失火",
        "requester_name": "李大姐", "requester_phone": "13800001111",
        "region_code": OUR_VILLAGE, "consent_basis": "consent"},
        content_type="application/json")
    assert made.status_code == 201, made.content
    data = made.json()
    assert data["status"] == "pending" and data["events"][0]["action"] == "create"
    pk = data["id"]
    assert client.post(f"{URL}/{pk}/accept", {}, content_type="application/json").json()[
        "status"] == "accepted"
    referred = client.post(f"{URL}/{pk}/refer", {"assistance": "temporary",
                                                 "to_region_code": OUR_COUNTY},
                           content_type="application/json").json()
    assert referred["status"] == "referred" and referred["referrals"][0]["unit"] == "城东区民政部门"
    county = as_user(personas.county)
    listed = county.get(f"{URL}/?tab=to_take").json()
    assert [a["id"] for a in listed["items"]] == [pk]
    assert county.post(f"{URL}/{pk}/take", {}, content_type="application/json").json()[
        "status"] == "taken"
    note = county.post(f"{URL}/{pk}/notes", {"text": "已联系家属"},
                       content_type="application/json")
    assert note.status_code == 201 and note.json()["comment"] == "已联系家属"


def test_bad_input_gets_a_clear_error_and_nothing_is_stored(personas, as_user):
    client = as_user(personas.county)
    outside = client.post(f"{URL}/", {"channel": "office", "category_code": "temporary",
                                      "description": "x", "requester_name": "王",
                                      "region_code": OTHER_VILLAGE},
                          content_type="application/json")
    assert outside.status_code == 422 and "辖区" in outside.json()["error"]["message"]
    public = client.post(f"{URL}/", {"channel": "public", "category_code": "temporary",
                                     "description": "x", "requester_name": "王",
                                     "region_code": OUR_VILLAGE},
                         content_type="application/json")
    assert public.status_code == 422
    assert not Appeal.objects.exists()
    appeal = raise_appeal(personas.village)
    wrong = client.post(f"{URL}/{appeal.pk}/close", {}, content_type="application/json")
    assert wrong.status_code == 409 and "待受理" in wrong.json()["error"]["message"]
    unknown = client.post(f"{URL}/{appeal.pk}/approve", {}, content_type="application/json")
    assert unknown.status_code == 422
    assert Appeal.objects.get(pk=appeal.pk).status == AppealStatus.PENDING


def test_another_county_gets_404_and_an_empty_list(personas, as_user):
    appeal = raise_appeal(personas.village)
    client = as_user(personas.other_county)
    assert client.get(f"{URL}/{appeal.pk}").status_code == 404
    assert client.post(f"{URL}/{appeal.pk}/accept", {},
                       content_type="application/json").status_code == 404
    assert client.get(f"{URL}/?tab=all").json()["items"] == []


def test_the_statistics_steps_are_the_models_steps():
    from linli.appeals.api import TimedStep
    from linli.appeals.models import Step

    assert set(TimedStep) == set(Step.values)


def test_a_survey_is_recorded_flagged_and_referred_over_the_api(personas, as_user, elder):
    from linli.appeals.tests.test_surveys import _consent, _standards

    _standards()
    _consent(personas.village, elder)
    client = as_user(personas.village)
    created = client.post(f"{URL}/surveys", {
        "person_id": elder.pk, "surveyed_on": str(timezone.localdate()), "members_count": 3,
        "income_wage": 18000, "income_transfer": 3600, "cause": "illness"},
        content_type="application/json")
    assert created.status_code == 201, created.content
    survey = created.json()
    assert (survey["per_capita_monthly"], survey["flags"]) == (600.0, ["dibao", "monitor"])
    negative = client.post(f"{URL}/surveys", {
        "person_id": elder.pk, "surveyed_on": str(timezone.localdate()), "members_count": 3,
        "income_wage": -1, "cause": "illness"}, content_type="application/json")
    assert negative.status_code == 422 and "不能为负数" in negative.json()["error"]["message"]
    referred = client.post(f"{URL}/surveys/{survey['id']}/refer", {},
                           content_type="application/json").json()
    assert referred["appeal_id"] is not None
    house = client.get(f"{URL}/households/{elder.pk}").json()
    assert house["appeal_ids"] == [referred["appeal_id"]] and house["members"][0]["name"]
    assert as_user(personas.other_county).get(f"{URL}/surveys/{survey['id']}").status_code == 404
    assert as_user(personas.province_elderly).get(
        f"{URL}/surveys/{survey['id']}").status_code == 404
