import pytest
from django.urls import reverse

from conftest import OTHER_COUNTY, OTHER_TOWNSHIP, OUR_COUNTY, OUR_TOWNSHIP

pytestmark = pytest.mark.django_db


def test_it_sends_a_county_user_to_their_county(personas, as_user):
    response = as_user(personas.county).get(reverse("regions:index"))
    assert response.status_code == 302
    assert response.url == reverse("regions:detail", args=[OUR_COUNTY])


def test_it_drills_down_from_the_province(personas, as_user, django_assert_max_num_queries):
    client = as_user(personas.province)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("regions:detail", args=["63"]))
    assert page.status_code == 200
    body = page.content.decode()
    assert "海西蒙古族藏族自治州" in body and "4716" in body
    county = client.get(reverse("regions:detail", args=["632857"])).content.decode()
    assert "大柴旦行政委员会" in county and "青海省/海西蒙古族藏族自治州/大柴旦行政委员会" in county


def test_it_shows_a_county_with_townships_and_counts(personas, as_user):
    body = as_user(personas.county).get(
        reverse("regions:detail", args=[OUR_COUNTY])).content.decode()
    assert "东关大街街道" in body
    assert 'href="/regions/630102001/"' in body
    assert "乐都区" not in body


def test_it_answers_404_for_another_county(personas, as_user):
    client = as_user(personas.other_county)
    assert client.get(reverse("regions:detail", args=[OUR_COUNTY])).status_code == 404
    assert client.get(reverse("regions:detail", args=[OUR_TOWNSHIP])).status_code == 404
    assert client.get(reverse("regions:detail", args=[OTHER_TOWNSHIP])).status_code == 200


def test_it_answers_404_above_the_users_scope(personas, as_user):
    client = as_user(personas.county)
    assert client.get(reverse("regions:detail", args=["63"])).status_code == 404
    assert client.get(reverse("regions:detail", args=["6301"])).status_code == 404
    assert client.get(reverse("regions:detail", args=["999999"])).status_code == 404


def test_it_keeps_the_region_picker_inside_the_scope(personas, as_user):
    client = as_user(personas.county)
    mine = client.get(reverse("regions:options"), {"q": "东关"}).content.decode()
    theirs = client.get(reverse("regions:options"), {"q": "碾伯"}).content.decode()
    assert "630102001" in mine
    assert "<option" not in theirs


def test_it_sends_anonymous_visitors_to_login(client):
    response = client.get(reverse("regions:detail", args=[OTHER_COUNTY]))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_it_shows_an_outsider_nothing(personas, as_user):
    client = as_user(personas.outsider)
    assert client.get(reverse("regions:index")).status_code == 404
    assert client.get(reverse("regions:detail", args=[OUR_COUNTY])).status_code == 404
