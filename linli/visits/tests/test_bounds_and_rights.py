"""Visits: times, durations and months inside their bounds; another user's notification is
missing; a tightening is started by the bureaus that own the visited groups (issue 9,
items 6 and 9)."""

import uuid
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import OUR_COUNTY, make_user
from linli.accounts.roles import Bureau, Role
from linli.core.errors import Forbidden, Invalid, NotFound
from linli.people.tests.conftest import OLD_MAN, register
from linli.regions.models import Region
from linli.visits import selectors, services
from linli.visits.models import Tightening, Visit
from linli.visits.seeds import ensure_policies

pytestmark = pytest.mark.django_db

HUGE = 99_999_999_999_999_999_999


@pytest.fixture(autouse=True)
def policies(db):
    ensure_policies()


@pytest.fixture
def elder(personas):
    return register(personas.village, name="马福寿", id_number=OLD_MAN,
                    groups=[{"code": "elderly_alone"}])


def _visit(actor, person_id, **extra):
    values = {"visited_at": timezone.now(), "mode": "home", "outcome": "normal", **extra}
    return services.visit_record(actor=actor, visit_id=uuid.uuid4(), person_id=person_id,
                                 **values)


def test_it_refuses_a_visit_in_the_future_or_the_far_past(personas, elder):
    with pytest.raises(Invalid, match="探访时间不能晚于现在"):
        _visit(personas.village, elder.pk, visited_at=timezone.now() + timedelta(days=1))
    with pytest.raises(Invalid, match="探访时间不能早于两年前"):
        _visit(personas.village, elder.pk, visited_at=timezone.now() - timedelta(days=800))
    _visit(personas.village, elder.pk, visited_at=timezone.now() - timedelta(days=300))
    assert Visit.objects.count() == 1


@pytest.mark.parametrize("minutes", [0, -5, 601, 40_000])
def test_it_refuses_a_visit_duration_out_of_range(personas, elder, minutes):
    with pytest.raises(Invalid, match="探访时长"):
        _visit(personas.village, elder.pk, duration_minutes=minutes)
    assert not Visit.objects.exists()


@pytest.mark.parametrize("person_id", [0, HUGE])
def test_it_finds_no_person_for_an_id_no_row_can_have(personas, person_id):
    with pytest.raises(NotFound):
        _visit(personas.village, person_id)


def test_it_answers_a_person_id_beyond_64_bits_with_4xx_in_the_api(personas, as_user):
    response = as_user(personas.village).post("/api/v1/visits/", {
        "id": str(uuid.uuid4()), "person_id": HUGE, "mode": "home", "outcome": "normal",
        "visited_at": timezone.now().isoformat()}, content_type="application/json")
    assert response.status_code in (404, 422)


@pytest.mark.parametrize("month", [date(9999, 12, 1), date(1, 1, 1), date(2101, 1, 1)])
def test_it_refuses_a_rate_month_out_of_range(personas, month):
    county = Region.objects.get(code=OUR_COUNTY)
    with pytest.raises(Invalid, match="月份应在 1900 年至 2100 年之间"):
        selectors.visit_rate(actor=personas.county, region=county, month=month)


def test_it_answers_a_rate_month_out_of_range_with_4xx_in_the_api(personas, as_user):
    response = as_user(personas.county).get("/api/v1/visits/rate", {"month": "9999-12-01"})
    assert response.status_code == 422


def test_it_computes_an_earlier_months_rate(personas, elder):
    county = Region.objects.get(code=OUR_COUNTY)
    rows = selectors.visit_rate(actor=personas.county, region=county, month=date(2025, 2, 1))
    assert rows[0].visited == 0


def test_it_survives_a_page_number_beyond_64_bits(personas, as_user, elder):
    client = as_user(personas.village)
    for url in (reverse("visits:worklist"), reverse("core:notifications")):
        assert client.get(url, {"page": str(HUGE), "tab": "all"}).status_code == 200


# --- who starts a tightening ---------------------------------------------------------


def _tighten(actor, **dates):
    today = timezone.localdate()
    values = {"starts_on": today, "ends_on": today + timedelta(days=7), **dates}
    return services.tightening_start(actor=actor, reason="寒潮暴雪", **values)


def test_it_lets_the_bureaus_owning_visited_groups_and_administrators_tighten(personas):
    child_welfare = make_user("ertong", Role.PROVINCE_BUREAU, "63", Bureau.CHILD_WELFARE)
    for actor in (personas.province_elderly, child_welfare, personas.admin):
        assert services.may_tighten(actor)
        _tighten(actor)
    assert Tightening.objects.count() == 3


def test_it_refuses_a_tightening_to_a_bureau_without_visited_groups(personas):
    finance = make_user("caiwu", Role.PROVINCE_BUREAU, "63", Bureau.PLANNING_FINANCE)
    for actor in (personas.province, finance):  # 社会组织管理局, 规划财务处
        assert not services.may_tighten(actor)
        with pytest.raises(Forbidden, match="只有负责探访对象类别的省厅处室"):
            _tighten(actor)
    with pytest.raises(NotFound):
        _tighten(personas.county)
    assert not Tightening.objects.exists()


def test_it_shows_the_refusal_on_the_policies_page(personas, as_user):
    today = timezone.localdate()
    response = as_user(personas.province).post(reverse("visits:policies"), {
        "reason": "寒潮暴雪", "starts_on": today.isoformat(),
        "ends_on": (today + timedelta(days=3)).isoformat()})
    assert response.status_code == 200
    assert "只有负责探访对象类别的省厅处室" in response.content.decode()
    assert not Tightening.objects.exists()


def test_it_refuses_tightening_dates_out_of_range(personas, as_user):
    with pytest.raises(Invalid, match="开始日期应在 1900 年至 2100 年之间"):
        _tighten(personas.province_elderly, starts_on=date(1800, 1, 1))
    with pytest.raises(Invalid, match="不能超过一年"):
        _tighten(personas.province_elderly, ends_on=timezone.localdate() + timedelta(days=400))
    response = as_user(personas.province_elderly).post(reverse("visits:policies"), {
        "reason": "寒潮暴雪", "starts_on": "2026-12-01", "ends_on": "3000-01-01"})
    assert "日期应在 1900 年至 2100 年之间" in response.content.decode()
    assert not Tightening.objects.exists()


def test_it_shows_the_tightening_form_only_to_those_who_may_start_one(personas, as_user):
    assert 'name="reason"' in as_user(personas.province_elderly).get(
        reverse("visits:policies")).content.decode()
    assert 'name="reason"' not in as_user(personas.province).get(
        reverse("visits:policies")).content.decode()
