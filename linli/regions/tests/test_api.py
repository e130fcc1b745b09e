import pytest

from conftest import OTHER_COUNTY, OUR_COUNTY
from linli.accounts.services import api_token_create

pytestmark = pytest.mark.django_db
URL = "/api/v1/regions/"


def test_it_lists_only_the_users_subtree(personas, as_user):
    data = as_user(personas.county).get(URL, {"page_size": 500}).json()
    codes = [item["code"] for item in data["items"]]
    assert data["count"] == len(codes) == 71  # 城东区, its 10 townships and 60 communities
    assert all(code.startswith(OUR_COUNTY) for code in codes)


def test_it_filters_by_level_and_parent(personas, as_user):
    client = as_user(personas.province)
    counties = client.get(URL, {"level": 3, "page_size": 100}).json()
    assert counties["count"] == 45
    children = client.get(URL, {"parent": "6328"}).json()
    assert "632857" in [item["code"] for item in children["items"]]
    assert {item["level_label"] for item in children["items"]} == {"县(市、区、行委)"}


def test_it_paginates_with_one_shape(personas, as_user):
    data = as_user(personas.province).get(URL, {"level": 4, "page": 2, "page_size": 100}).json()
    assert set(data) == {"items", "count", "page", "page_size"}
    assert (data["count"], data["page"], len(data["items"])) == (422, 2, 100)


def test_it_answers_404_for_another_county_in_the_one_error_shape(personas, as_user):
    response = as_user(personas.other_county).get(f"{URL}{OUR_COUNTY}")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    found = as_user(personas.other_county).get(URL, {"q": "城东"}).json()["items"]
    assert all(item["code"].startswith(OTHER_COUNTY) for item in found)


def test_it_shows_a_region_to_its_own_user(personas, as_user):
    data = as_user(personas.county).get(f"{URL}{OUR_COUNTY}").json()
    assert data["path"] == "青海省/西宁市/城东区"
    assert data["parent_code"] == "6301"


def test_it_refuses_anonymous_callers_with_401(client):
    response = client.get(URL)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthenticated"


def test_it_rejects_bad_parameters_in_the_error_shape(personas, as_user):
    response = as_user(personas.county).get(URL, {"level": 9})
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid"


def test_it_accepts_a_personal_token(personas, client):
    _token, raw = api_token_create(actor=personas.other_county, name="对接")
    response = client.get(URL, {"level": 3}, HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert [item["code"] for item in response.json()["items"]] == [OTHER_COUNTY]
    denied = client.get(f"{URL}{OUR_COUNTY}", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert denied.status_code == 404


def test_it_refuses_a_revoked_or_unknown_token(personas, client):
    from linli.accounts.services import api_token_revoke

    token, raw = api_token_create(actor=personas.county, name="对接")
    api_token_revoke(actor=personas.county, token=token)
    assert client.get(URL, HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401
    assert client.get(URL, HTTP_AUTHORIZATION="Bearer linli_nonsense").status_code == 401
