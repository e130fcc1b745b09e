import pytest

from conftest import OUR_TOWNSHIP, OUR_VILLAGE
from linli.orgs.models import Organisation

pytestmark = pytest.mark.django_db
URL = "/api/v1/orgs/"


def test_it_lists_and_shows_within_scope(personas, as_user, our_org, their_org):
    data = as_user(personas.county).get(URL).json()
    assert [i["name"] for i in data["items"]] == [our_org.name]
    assert as_user(personas.county).get(f"{URL}{their_org.pk}").status_code == 404
    detail = as_user(personas.other_county).get(f"{URL}{their_org.pk}").json()
    assert detail["region_path"].startswith("青海省/海东市/乐都区")


def test_it_files_through_the_api(personas, as_user):
    client = as_user(personas.township)
    created = client.post(URL, {
        "name": "北关社区银龄互助会", "category": "life_service", "region_code": OUR_VILLAGE,
        "authority_region_code": OUR_TOWNSHIP, "leader_name": "马秀兰",
        "target_groups": ["elderly"]}, content_type="application/json")
    assert created.status_code == 201, created.content
    org_id = created.json()["id"]
    filing = client.post(f"{URL}filings/", {"organisation_id": org_id, "kind": "establish"},
                         content_type="application/json").json()
    assert filing["status"] == "submitted"
    queue = client.get(f"{URL}filings/", {"tab": "review"}).json()
    assert [f["id"] for f in queue["items"]] == [filing["id"]]
    approved = client.post(f"{URL}filings/{filing['id']}/approve", {"comment": "同意"},
                           content_type="application/json").json()
    assert approved["status"] == "approved" and approved["filing_number"]
    again = client.post(f"{URL}filings/{filing['id']}/approve", {},
                        content_type="application/json")
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "illegal_transition"
    assert "不能准予备案" in again.json()["error"]["message"]


def test_it_reports_validation_errors_in_the_one_shape(personas, as_user):
    response = as_user(personas.county).post(URL, {
        "name": "城东区慈善协会", "kind": "social_group", "category": "public_welfare",
        "region_code": "630102", "authority_region_code": "630102", "leader_name": "张三",
        "credit_code": "51630000MJY000001X"}, content_type="application/json")
    assert response.status_code == 422
    body = response.json()["error"]
    assert body["code"] == "invalid" and "校验位不正确" in body["details"]["credit_code"][0]
    assert not Organisation.objects.exists()


def test_it_answers_station_coverage(personas, as_user):
    rows = as_user(personas.prefecture).get(f"{URL}stations/coverage").json()
    assert rows[0]["region_code"] == "6301" and rows[0]["townships"] == 80
    assert len(rows) == 8  # 西宁市 and its 7 counties
    assert as_user(personas.other_county).get(f"{URL}stations/coverage",
                                              {"region": "630102"}).status_code == 404


def test_it_refuses_other_countys_filings(personas, as_user, our_org):
    client = as_user(personas.county)
    filing = client.post(f"{URL}filings/", {"organisation_id": our_org.pk, "kind": "establish"},
                         content_type="application/json").json()
    other = as_user(personas.other_county)
    assert other.get(f"{URL}filings/{filing['id']}").status_code == 404
    assert other.post(f"{URL}filings/{filing['id']}/withdraw", {},
                      content_type="application/json").status_code == 404
