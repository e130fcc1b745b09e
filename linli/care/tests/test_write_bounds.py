"""Care writes stay inside the actor's scope, their placement rules and sane bounds (issue 9,
items 3 and 6): a canteen stands in a 村(社区) and a facility at its own level, inside the
actor's scope; an operator or serving organisation named by id is fetched through the scope
and must serve the place; ids, seats, beds, times and dates out of range are refused with a
reason, never a 500."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import OTHER_TOWNSHIP, OTHER_VILLAGE, OUR_COUNTY, OUR_TOWNSHIP, OUR_VILLAGE
from linli.care import selectors, services
from linli.care.models import Canteen, Facility, Meal, ServiceRecord
from linli.core.errors import Invalid, NotFound
from linli.orgs.tests.conftest import community
from linli.people.tests.conftest import OLD_MAN, WOMAN, register
from linli.regions.models import Region

pytestmark = pytest.mark.django_db

HUGE = 99_999_999_999_999_999_999


@pytest.fixture
def elder(personas):
    return register(personas.village, name="马福寿", id_number=OLD_MAN,
                    groups=[{"code": "elderly_alone"}])


@pytest.fixture
def canteen(personas):
    return services.canteen_create(actor=personas.county, name="北关社区老年幸福食堂",
                                   kind="happy", region_code=OUR_VILLAGE)


@pytest.fixture
def theirs(personas):
    return community(personas.other_county, name="朝阳山社区邻里互助会", village=OTHER_VILLAGE,
                     authority=OTHER_TOWNSHIP)


def _canteen(actor, **extra):
    values = {"name": "食堂", "kind": "happy", "region_code": OUR_VILLAGE, **extra}
    return services.canteen_create(actor=actor, **values)


def _facility(actor, **extra):
    values = {"name": "日间照料中心", "level": "village", "kind": "日间照料中心",
              "region_code": OUR_VILLAGE, "latitude": "36.62", "longitude": "101.78", **extra}
    return services.facility_create(actor=actor, **values)


def _service(actor, person, **extra):
    values = {"kind": "comfort", "served_at": timezone.now(), "duration_minutes": 30, **extra}
    return services.service_record(actor=actor, person_id=person.pk, **values)


def test_it_places_a_canteen_in_a_village_of_the_actors_scope(personas):
    for code, reason in ((OTHER_VILLAGE, "应在您的辖区内"), ("63", "应在您的辖区内"),
                         (OUR_TOWNSHIP, "请选择村"), ("630102999999", "区划代码不存在")):
        with pytest.raises(Invalid, match=reason) as refused:
            _canteen(personas.county, region_code=code)
        assert "region_code" in refused.value.details
    with pytest.raises(NotFound):  # no EDIT: the write does not exist for them
        _canteen(personas.auditor)
    with pytest.raises(Invalid, match="类型"):
        _canteen(personas.county, kind="palace")
    assert not Canteen.objects.exists()
    assert _canteen(personas.county).region_code == OUR_VILLAGE


def test_it_places_a_facility_at_its_own_level(personas):
    with pytest.raises(Invalid, match="请选择县"):
        _facility(personas.county, level="county")
    with pytest.raises(Invalid, match="应在您的辖区内"):
        _facility(personas.county, region_code=OTHER_VILLAGE)
    with pytest.raises(Invalid, match="层级"):
        _facility(personas.county, level="galaxy")
    assert not Facility.objects.exists()
    assert _facility(personas.county, level="county", region_code=OUR_COUNTY).region_code == (
        OUR_COUNTY)


@pytest.mark.parametrize("count", [-1, 32_768, 10**9])
def test_it_bounds_seats_and_beds(personas, count):
    with pytest.raises(Invalid, match="餐位"):
        _canteen(personas.county, seats=count)
    with pytest.raises(Invalid, match="床位"):
        _facility(personas.county, beds=count)


def test_it_takes_an_operator_only_through_the_scope_and_serving_the_place(personas, theirs):
    for wrong in (0, -3, HUGE):
        with pytest.raises(Invalid, match="运营方编号无效"):
            _canteen(personas.county, operator_id=wrong)
    with pytest.raises(NotFound):  # another county's organisation, named by its id
        _canteen(personas.county, operator_id=theirs.pk)
    with pytest.raises(Invalid, match="运营方应是本县"):  # the province sees it; it serves elsewhere
        _facility(personas.province_elderly, operator_id=theirs.pk)
    ours = community(personas.township)
    assert _canteen(personas.county, operator_id=ours.pk).operator == ours


def test_it_refuses_a_service_in_the_far_past(personas, elder):
    with pytest.raises(Invalid, match="服务时间不能早于两年前"):
        _service(personas.village, elder, served_at=timezone.now() - timedelta(days=900))
    assert not ServiceRecord.objects.exists()


def test_it_refuses_service_ids_no_row_can_have(personas, elder, theirs):
    for field in ("organisation_id", "volunteer_id"):
        for wrong in (0, HUGE):
            with pytest.raises(Invalid, match="编号无效"):
                _service(personas.village, elder, **{field: wrong})
    with pytest.raises(NotFound):
        _service(personas.village, elder, organisation_id=theirs.pk)
    with pytest.raises(Invalid, match="服务组织应是本县"):
        _service(personas.province_elderly, elder, organisation_id=theirs.pk)
    with pytest.raises(Invalid, match="服务对象编号无效"):
        services.service_record(actor=personas.village, person_id=HUGE, kind="comfort",
                                served_at=timezone.now(), duration_minutes=30)
    assert not ServiceRecord.objects.exists()


def test_it_bounds_the_day_of_a_meal(personas, elder, canteen):
    today = timezone.localdate()
    for day, reason in ((today + timedelta(days=1), "不能晚于今天"),
                        (today - timedelta(days=900), "不能早于两年前"),
                        (today.replace(year=2200), "1900 年至 2100 年之间")):
        with pytest.raises(Invalid, match=reason):
            services.meals_record(actor=personas.township, canteen=canteen,
                                  person_ids=[elder.pk], served_on=day)
    assert not Meal.objects.exists()


def test_it_records_meals_only_for_people_the_actor_sees(personas, elder, canteen):
    today = timezone.localdate()
    stranger = register(personas.other_county, name="祁文斌", id_number=WOMAN,
                        village=OTHER_VILLAGE)
    with pytest.raises(NotFound):
        services.meals_record(actor=personas.township, canteen=canteen,
                              person_ids=[elder.pk, stranger.pk], served_on=today)
    with pytest.raises(Invalid, match="就餐对象编号无效"):
        services.meals_record(actor=personas.township, canteen=canteen,
                              person_ids=[elder.pk, HUGE], served_on=today)
    with pytest.raises(Invalid, match="一次最多登记 500 人"):
        services.meals_record(actor=personas.township, canteen=canteen,
                              person_ids=list(range(1, 502)), served_on=today)
    assert not Meal.objects.exists()
    assert services.meals_record(actor=personas.township, canteen=canteen,
                                 person_ids=[elder.pk], served_on=today) == 1


@pytest.mark.parametrize("meters", [50, 20_001, 10**30])
def test_it_bounds_the_circle_radius(personas, meters):
    county = Region.objects.get(code=OUR_COUNTY)
    with pytest.raises(Invalid, match="服务圈半径"):
        selectors.service_circle(actor=personas.county, region=county, meters=meters)


# --- the pages -----------------------------------------------------------------------


def test_it_refuses_a_far_past_service_on_the_page(personas, as_user, elder):
    response = as_user(personas.village).post(reverse("care:services"), {
        "person_id": elder.pk, "kind": "comfort", "served_at": "2001-01-01T10:00",
        "duration_minutes": 40})
    assert response.status_code == 200 and "不能早于两年前" in response.content.decode()
    assert not ServiceRecord.objects.exists()


@pytest.mark.parametrize("field, value", [("person_id", str(HUGE)), ("volunteer_id", "0"),
                                          ("duration_minutes", "100000")])
def test_it_refuses_a_number_out_of_range_on_the_service_form(personas, as_user, elder,
                                                                field, value):
    form = {"person_id": elder.pk, "kind": "comfort",
            "served_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "duration_minutes": 40, field: value}
    response = as_user(personas.village).post(reverse("care:services"), form)
    assert response.status_code == 200 and "invalid-feedback" in response.content.decode()
    assert not ServiceRecord.objects.exists()


def test_it_refuses_seats_beyond_the_column_on_the_page(personas, as_user):
    response = as_user(personas.county).post(reverse("care:canteens"), {
        "name": "食堂", "kind": "happy", "region_code": OUR_VILLAGE, "seats": "99999"})
    assert response.status_code == 200 and "32767" in response.content.decode()
    response = as_user(personas.county).post(reverse("care:canteens"), {
        "name": "食堂", "kind": "happy", "region_code": OTHER_VILLAGE, "seats": "10"})
    assert response.status_code == 200 and "应在您的辖区内" in response.content.decode()
    assert not Canteen.objects.exists()


def test_it_refuses_a_meal_day_beyond_2100_on_the_page(personas, as_user, elder, canteen):
    response = as_user(personas.township).post(reverse("care:canteen", args=[canteen.pk]), {
        "served_on": "3000-01-01", "person_ids": str(elder.pk)})
    assert response.status_code == 200
    assert "日期应在 1900 年至 2100 年之间" in response.content.decode()
    assert not Meal.objects.exists()


def test_it_survives_a_page_number_beyond_64_bits(personas, as_user, elder):
    client = as_user(personas.county)
    for url in (reverse("care:services"), reverse("care:facilities")):
        assert client.get(url, {"page": str(HUGE)}).status_code == 200
