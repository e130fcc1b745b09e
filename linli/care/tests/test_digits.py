"""Digits from other scripts and unbounded numbers on the care pages (issue 9, item 2)."""

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import OUR_COUNTY, OUR_VILLAGE
from linli.care import services
from linli.care.models import Meal
from linli.people.tests.conftest import OLD_MAN, register

pytestmark = pytest.mark.django_db


@pytest.fixture
def elder(personas):
    return register(personas.village, name="马福寿", id_number=OLD_MAN,
                    groups=[{"code": "elderly_alone"}])


@pytest.fixture
def canteen(personas):
    return services.canteen_create(actor=personas.township, name="北关社区老年幸福食堂",
                                   kind="happy", region_code=OUR_VILLAGE)


def _meals(client, canteen, person_ids: list[str]):
    return client.post(reverse("care:canteen", args=[canteen.pk]), {
        "served_on": timezone.localdate().isoformat(), "person_ids": person_ids})


def test_it_records_meals_for_full_width_ids(personas, as_user, elder, canteen):
    full_width = "".join(chr(0xFF10 + int(c)) for c in str(elder.pk))
    response = _meals(as_user(personas.township), canteen, [full_width, str(elder.pk)])
    assert response.status_code == 302
    assert Meal.objects.get().person_id == elder.pk


@pytest.mark.parametrize("typed", [
    "٣", "३", "½", "99999999999999999999", str(2**63), "9" * 5000, "0", "12a", "-5",
])
def test_it_refuses_ids_it_cannot_read_on_the_field(personas, as_user, elder, canteen, typed):
    # Once dropped silently (or read as another script's digits, or a 500 beyond 64 bits);
    # the picker posts ids, and one it cannot read is refused next to the field.
    response = _meals(as_user(personas.township), canteen, [str(elder.pk), typed])
    assert response.status_code == 200
    assert "所选关爱对象不存在或不在您的可见范围内" in response.content.decode()
    assert response.context["form"].errors["person_ids"]
    assert not Meal.objects.exists()


@pytest.mark.parametrize("meters", ["٥٠٠٠", "५०००", "99999999999999999999", "9" * 5000, "50",
                                    "20001", "-1", "abc"])
def test_it_warns_and_uses_the_default_radius_outside_the_range(personas, as_user, meters):
    response = as_user(personas.county).get(reverse("care:circle"),
                                            {"region": OUR_COUNTY, "meters": meters})
    assert response.status_code == 200
    assert response.context["meters"] is None
    assert "服务半径应为 100 至 20000 米之间的整数" in response.content.decode()


@pytest.mark.parametrize(("meters", "read"), [("5000", 5000), ("５０００", 5000), ("", None)])
def test_it_reads_the_radius_in_ascii_and_full_width(personas, as_user, meters, read):
    response = as_user(personas.county).get(reverse("care:circle"),
                                            {"region": OUR_COUNTY, "meters": meters})
    assert response.status_code == 200 and response.context["meters"] == read
    assert "服务半径应为" not in response.content.decode()
