"""The appeals pages: the work lists with their counts, intake with a picked village, the
detail with its steps, each step's form, and 404 to another county."""

import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import OTHER_VILLAGE, OUR_COUNTY, OUR_VILLAGE
from linli.appeals.models import Appeal, AppealStatus
from linli.appeals.tests.conftest import raise_appeal, step

pytestmark = pytest.mark.django_db


def test_the_list_shows_the_tabs_with_counts_and_the_pending_appeal(personas, as_user):
    raise_appeal(personas.village)
    page = as_user(personas.township).get(reverse("appeals:list")).content.decode()
    assert "待受理" in page and "李大姐" in page and "临时救助" in page
    assert 'id="appeal-new"' in page


def test_intake_takes_a_resident_and_a_picked_village(personas, as_user):
    client = as_user(personas.village)
    assert client.get(reverse("appeals:new")).status_code == 200
    response = client.post(reverse("appeals:new"), {
        "channel": "office", "requester_name": "王大爷", "requester_phone": "13900002222",
        "region_code": OUR_VILLAGE, "category": "housing", "urgency": "normal",
        "description": "房屋漏雨,需要修缮"})
    appeal = Appeal.objects.get()
    assert response.status_code == 302 and response.url == reverse("appeals:detail",
                                                                   args=[appeal.pk])
    assert (appeal.requester_name, appeal.category.code) == ("王大爷", "housing")


def test_a_bad_intake_is_said_next_to_its_field_and_keeps_what_was_typed(personas, as_user):
    response = as_user(personas.county).post(reverse("appeals:new"), {
        "channel": "office", "requester_name": "王大爷", "region_code": OTHER_VILLAGE,
        "category": "housing", "urgency": "normal", "description": "房屋漏雨"})
    body = response.content.decode()
    assert response.status_code == 422 and "应在您的辖区内" in body and "房屋漏雨" in body
    assert not Appeal.objects.exists()


def test_the_detail_offers_the_steps_and_refers_through_its_form(personas, as_user):
    appeal = raise_appeal(personas.village, consent_basis="consent")
    client = as_user(personas.village)
    page = client.get(reverse("appeals:detail", args=[appeal.pk])).content.decode()
    assert 'id="step-accept"' in page and 'id="step-reject"' in page and appeal.code in page
    client.post(reverse("appeals:step", args=[appeal.pk, "accept"]))
    page = client.get(reverse("appeals:detail", args=[appeal.pk])).content.decode()
    assert 'id="step-refer"' in page and "城东区民政部门" in page
    refused = client.post(reverse("appeals:step", args=[appeal.pk, "refer"]),
                          {"assistance": "temporary"})
    assert refused.status_code == 422 and "二者选一" in refused.content.decode()
    client.post(reverse("appeals:step", args=[appeal.pk, "refer"]),
                {"assistance": "temporary", "to_region_code": OUR_COUNTY, "note": "请核实"})
    assert Appeal.objects.get(pk=appeal.pk).status == AppealStatus.REFERRED
    county = as_user(personas.county)
    page = county.get(reverse("appeals:detail", args=[appeal.pk])).content.decode()
    assert 'id="step-take"' in page and 'id="step-send_back"' in page and "请核实" in page


def test_a_step_in_the_wrong_state_is_said_and_nothing_changes(personas, as_user):
    appeal = raise_appeal(personas.village)
    client = as_user(personas.village)
    response = client.post(reverse("appeals:step", args=[appeal.pk, "close"]), follow=True)
    assert "不能关闭" in response.content.decode()
    assert Appeal.objects.get(pk=appeal.pk).status == AppealStatus.PENDING


def test_a_note_is_added_to_the_timeline(personas, as_user):
    appeal = raise_appeal(personas.village)
    step(personas.village, appeal, "accept")
    client = as_user(personas.county)
    client.post(reverse("appeals:note", args=[appeal.pk]), {"text": "县救助站已联系家属"})
    page = client.get(reverse("appeals:detail", args=[appeal.pk])).content.decode()
    assert "县救助站已联系家属" in page


@pytest.mark.parametrize("name", ["detail", "note", "step"])
def test_another_county_gets_404(personas, as_user, name):
    appeal = raise_appeal(personas.village)
    args = [appeal.pk, "accept"] if name == "step" else [appeal.pk]
    client = as_user(personas.other_county)
    response = (client.get if name == "detail" else client.post)(
        reverse(f"appeals:{name}", args=args), {"text": "x"})
    assert response.status_code == 404


def _visit_with_need(actor, person):
    from linli.visits.services import visit_record

    visit, _created = visit_record(actor=actor, visit_id=uuid.uuid4(), person_id=person.pk,
                                   visited_at=timezone.now(), mode="home", outcome="urgent",
                                   needs="冬季取暖煤不足")
    return visit


def test_a_need_found_on_a_visit_becomes_an_appeal_in_one_tap(personas, as_user, elder):
    visit = _visit_with_need(personas.village, elder)
    client = as_user(personas.village)
    person_page = client.get(reverse("people:detail", args=[elder.pk])).content.decode()
    link = f'{reverse("appeals:new")}?visit={visit.pk}'
    assert link in person_page
    form = client.get(link).content.decode()
    assert 'id="from-visit"' in form and "冬季取暖煤不足" in form
    response = client.post(reverse("appeals:new"), {
        "channel": "visit", "person_id": elder.pk, "visit_id": str(visit.pk),
        "category": "temporary", "urgency": "urgent", "description": "冬季取暖煤不足"})
    appeal = Appeal.objects.get()
    assert response.status_code == 302
    assert (appeal.visit_id, appeal.person_id, appeal.channel) == (visit.pk, elder.pk, "visit")
    # the person page lists it, with the way to raise another
    person_page = client.get(reverse("people:detail", args=[elder.pk])).content.decode()
    assert 'id="person-appeals"' in person_page and "临时救助" in person_page
    assert 'id="person-appeal-new"' in person_page


def test_another_countys_visit_does_not_fill_the_form(personas, as_user, elder):
    visit = _visit_with_need(personas.village, elder)
    form = as_user(personas.other_county).get(
        f'{reverse("appeals:new")}?visit={visit.pk}').content.decode()
    assert "冬季取暖煤不足" not in form and 'id="from-visit"' not in form
    assert as_user(personas.other_county).get(
        f'{reverse("appeals:new")}?visit=not-a-uuid').status_code == 200
