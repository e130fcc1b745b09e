from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import OTHER_VILLAGE, OUR_COUNTY, OUR_TOWNSHIP, OUR_VILLAGE, make_user
from linli.accounts.roles import Role
from linli.care import selectors, services
from linli.care.models import Meal, ServiceRecord
from linli.core.errors import Invalid, NotFound
from linli.orgs import support_services
from linli.orgs.models import Volunteer
from linli.people.tests.conftest import CHILD, OLD_MAN, register
from linli.regions.models import Region

pytestmark = pytest.mark.django_db


@pytest.fixture
def elder(personas):
    return register(personas.village, name="马福寿", id_number=OLD_MAN,
                    groups=[{"code": "elderly_alone"}])


def test_it_records_services_and_adds_up_volunteer_hours(personas, elder):
    volunteer = support_services.volunteer_create(actor=personas.village, name="韩麦",
                                                  region_code=OUR_VILLAGE)
    for minutes in (90, 30):
        services.service_record(actor=personas.village, person_id=elder.pk, kind="housekeeping",
                                served_at=timezone.now(), duration_minutes=minutes,
                                volunteer_id=volunteer.pk)
    assert Volunteer.objects.get(pk=volunteer.pk).service_hours == Decimal("2.0")
    assert ServiceRecord.objects.count() == 2
    with pytest.raises(NotFound):
        services.service_record(actor=personas.other_county, person_id=elder.pk, kind="comfort",
                                served_at=timezone.now(), duration_minutes=30)
    with pytest.raises(Invalid, match="不能晚于现在"):
        services.service_record(actor=personas.village, person_id=elder.pk, kind="comfort",
                                served_at=timezone.now() + timedelta(days=1), duration_minutes=30)


def test_visits_add_hours_to_the_visitors_volunteer_profile(personas, elder):
    import uuid

    from linli.visits.services import visit_record

    volunteer = support_services.volunteer_create(actor=personas.village, name="冶正清",
                                                  region_code=OUR_VILLAGE)
    Volunteer.objects.filter(pk=volunteer.pk).update(user=personas.village)
    visit_record(actor=personas.village, visit_id=uuid.uuid4(), person_id=elder.pk,
                 visited_at=timezone.now(), mode="home", outcome="normal", duration_minutes=45)
    assert Volunteer.objects.get(pk=volunteer.pk).service_hours == Decimal("0.8")  # 0.75 h


def test_it_scopes_services_by_region_and_domain(personas, elder):
    child = register(personas.village, name="才让卓玛", id_number=CHILD,
                     groups=[{"code": "left_behind_child"}])
    for person in (elder, child):
        services.service_record(actor=personas.village, person_id=person.pk, kind="comfort",
                                served_at=timezone.now(), duration_minutes=30)
    assert selectors.services(actor=personas.county).count() == 2
    assert [s.person for s in selectors.services(actor=personas.province_elderly)] == [elder]
    assert not selectors.services(actor=personas.other_county).exists()


def test_it_records_meals_once_a_day(personas, elder):
    canteen = services.canteen_create(actor=personas.township, name="北关社区老年幸福食堂",
                                      kind="happy", region_code=OUR_VILLAGE)
    today = timezone.localdate()
    assert services.meals_record(actor=personas.township, canteen=canteen,
                                 person_ids=[elder.pk, elder.pk], served_on=today) == 1
    assert services.meals_record(actor=personas.township, canteen=canteen,
                                 person_ids=[elder.pk], served_on=today) == 0
    assert Meal.objects.count() == 1
    with pytest.raises(NotFound):
        services.meals_record(actor=personas.other_county, canteen=canteen,
                              person_ids=[elder.pk], served_on=today)


def test_the_fifteen_minute_circle(personas):
    county = Region.objects.get(code=OUR_COUNTY)
    services.location_set(actor=personas.county, region_code=OUR_VILLAGE,
                          latitude="36.620000", longitude="101.780000")
    services.location_set(actor=personas.county, region_code="630102001004",
                          latitude="36.660000", longitude="101.780000")  # ~4.4 km north
    services.facility_create(actor=personas.county, name="北关社区日间照料中心", level="village",
                             kind="日间照料中心", region_code=OUR_VILLAGE, latitude="36.625000",
                             longitude="101.781000")  # ~560 m from 北关
    rows = selectors.service_circle(actor=personas.county, region=county)
    top = rows[0]
    assert (top.communities, top.located, top.covered) == (60, 2, 1)
    assert [r.code for r in top.uncovered] == ["630102001004"]
    township = next(r for r in rows if r.region.code == OUR_TOWNSHIP)
    assert (township.located, township.covered) == (2, 1)
    wider = selectors.service_circle(actor=personas.county, region=county, meters=5000)[0]
    assert wider.covered == 2
    with pytest.raises(Invalid, match="不在青海省范围内"):
        services.location_set(actor=personas.county, region_code=OUR_VILLAGE, latitude="39.9",
                              longitude="116.4")
    with pytest.raises(NotFound):
        selectors.service_circle(actor=personas.other_county, region=county)


def test_pages_and_api(personas, as_user, elder):
    client = as_user(personas.village)
    client.post(reverse("care:services"), {
        "person_id": elder.pk, "kind": "comfort", "served_at": "2026-11-01T10:00",
        "duration_minutes": 40})
    assert "精神慰藉" in client.get(reverse("care:services")).content.decode()
    person_page = client.get(reverse("people:detail", args=[elder.pk])).content.decode()
    assert "精神慰藉" in person_page
    assert "马福寿" not in as_user(personas.other_county).get(
        reverse("care:services")).content.decode()
    api = as_user(personas.village).post("/api/v1/care/services", {
        "person_id": elder.pk, "kind": "rescue", "served_at": timezone.now().isoformat(),
        "duration_minutes": 15}, content_type="application/json")
    assert api.status_code == 201
    circle = as_user(personas.county).get("/api/v1/care/circle").json()
    assert circle[0]["region_code"] == OUR_COUNTY and circle[0]["communities"] == 60
    assert as_user(personas.other_county).get("/api/v1/care/circle",
                                              {"region": OUR_COUNTY}).status_code == 404
    staff = make_user("staff_other", Role.VILLAGE_STAFF, OTHER_VILLAGE)
    assert as_user(staff).post("/api/v1/care/services", {
        "person_id": elder.pk, "kind": "rescue", "served_at": timezone.now().isoformat(),
        "duration_minutes": 15}, content_type="application/json").status_code == 404
