import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from docx import Document
from openpyxl import load_workbook

from conftest import OTHER_TOWNSHIP, OUR_COUNTY, OUR_TOWNSHIP, OUR_VILLAGE, make_user
from linli.accounts.roles import Role
from linli.orgs import support_services
from linli.orgs.models import Filing, FilingStatus, Organisation, Status
from linli.orgs.tests.conftest import community, filed

pytestmark = pytest.mark.django_db


def test_it_lists_only_the_users_organisations(personas, as_user, our_org, their_org,
                                               django_assert_max_num_queries):
    client = as_user(personas.county)
    with django_assert_max_num_queries(14):
        body = client.get(reverse("orgs:list")).content.decode()
    assert our_org.name in body and their_org.name not in body
    other = as_user(personas.other_county).get(reverse("orgs:list")).content.decode()
    assert their_org.name in other and our_org.name not in other


def test_it_answers_404_for_another_countys_organisation(personas, as_user, our_org):
    client = as_user(personas.other_county)
    for name in ("orgs:detail", "orgs:edit", "orgs:certificate"):
        assert client.get(reverse(name, args=[our_org.pk])).status_code == 404, name
    assert client.post(reverse("orgs:filing_create", args=[our_org.pk]),
                       {"kind": "establish"}).status_code == 404


def test_it_hides_organisations_from_a_bureau_without_the_domain(personas, as_user, our_org):
    make_user("assistance", Role.PROVINCE_BUREAU, "63", "social_assistance")
    from linli.accounts.models import User

    client = as_user(User.objects.get(username="assistance"))
    assert our_org.name not in client.get(reverse("orgs:list")).content.decode()
    assert client.get(reverse("orgs:detail", args=[our_org.pk])).status_code == 404


def test_it_shows_organisation_staff_their_own_group_only(personas, as_user, our_org):
    other = community(personas.township, name="北关社区文艺队")
    staff = make_user("staff", Role.ORG_STAFF, OUR_VILLAGE)
    staff.memberships.update(organisation=our_org)
    client = as_user(staff)
    body = client.get(reverse("orgs:list")).content.decode()
    assert our_org.name in body and other.name not in body
    assert client.get(reverse("orgs:detail", args=[other.pk])).status_code == 404
    assert client.get(reverse("regions:index")).status_code == 404


def test_it_registers_and_files_through_the_pages(personas, as_user):
    client = as_user(personas.township)
    response = client.post(reverse("orgs:create"), {
        "name": "北关社区银龄互助会", "kind": "community", "category": "life_service",
        "region_code": OUR_VILLAGE, "authority_region_code": OUR_TOWNSHIP,
        "leader_name": "马秀兰", "members_count": 12, "target_groups": ["elderly", "disabled"]})
    org = Organisation.objects.get(name="北关社区银龄互助会")
    assert response.url == reverse("orgs:detail", args=[org.pk])
    filing_page = client.post(reverse("orgs:filing_create", args=[org.pk]),
                              {"kind": "establish"})
    filing = Filing.objects.get(organisation=org)
    assert filing_page.url == reverse("orgs:filing_detail", args=[filing.pk])
    queue = client.get(reverse("orgs:filings")).content.decode()
    assert "北关社区银龄互助会" in queue
    client.post(reverse("orgs:filing_action", args=[filing.pk, "approve"]), {"comment": "同意"})
    org.refresh_from_db()
    assert org.status == Status.ACTIVE and org.filing_number


def test_it_shows_a_clear_error_for_an_illegal_transition(personas, as_user, our_org):
    client = as_user(personas.county)
    client.post(reverse("orgs:filing_create", args=[our_org.pk]), {"kind": "establish"})
    filing = Filing.objects.get(organisation=our_org)
    response = client.post(reverse("orgs:filing_action", args=[filing.pk, "resubmit"]))
    assert response.status_code == 409
    assert "不能重新提交" in response.content.decode()
    refused = client.post(reverse("orgs:filing_action", args=[filing.pk, "approve"]))
    assert refused.status_code == 403 and "只有备案机关" in refused.content.decode()


def test_it_prints_a_filing_certificate(personas, as_user):
    org = filed(personas.township, personas.township)
    response = as_user(personas.county).get(reverse("orgs:certificate", args=[org.pk]))
    text = "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)
    cells = [c.text for t in Document(io.BytesIO(response.content)).tables for r in t.rows
             for c in r.cells]
    assert "社区社会组织备案证明" in text and org.filing_number in text
    assert org.name in cells


def test_it_exports_the_filtered_list_to_excel(personas, as_user, our_org):
    community(personas.township, name="北关社区文艺队", category="culture_sports")
    response = as_user(personas.county).get(reverse("orgs:list"),
                                            {"category": "culture_sports", "export": "xlsx"})
    rows = list(load_workbook(io.BytesIO(response.content)).active.values)
    assert rows[0][0] == "社会组织名录" and rows[1][0] == "组织名称"
    assert [r[0] for r in rows[2:]] == ["北关社区文艺队"]


def test_it_refuses_export_to_roles_without_it(personas, as_user, our_org):
    staff = make_user("staff", Role.ORG_STAFF, OUR_VILLAGE)
    staff.memberships.update(organisation=our_org)
    response = as_user(staff).get(reverse("orgs:list"), {"export": "xlsx"})
    assert response.status_code == 404


def test_it_measures_station_coverage_against_70_percent(personas, as_user):
    today = timezone.localdate()
    for code in ("630102001", "630102002", "630102003", "630102004", "630102005",
                 "630102006", "630102007"):
        support_services.station_save(actor=personas.county, region_code=code,
                                      established=True, opened_on=today, staff_count=2)
    body = as_user(personas.county).get(reverse("orgs:stations")).content.decode()
    assert "70%" in body and "达标" in body
    home = as_user(personas.county).get(reverse("core:home")).content.decode()
    assert "乡镇(街道)社工站覆盖率" in home and "70%" in home
    assert "0%" in as_user(personas.other_county).get(reverse("orgs:stations")).content.decode()
    assert as_user(personas.other_county).get(reverse("orgs:station_edit", args=[
        OUR_TOWNSHIP])).status_code == 404


def test_it_lists_tax_qualifications_expiring_within_90_days(personas, as_user):
    org = community(personas.county, name="城东区慈善协会", kind="social_group",
                    authority=OUR_COUNTY, credit_code="51630000MJY000001W")
    today = timezone.localdate()
    support_services.tax_qualification_add(actor=personas.county, organisation=org,
                                           kind="exempt", valid_from=today - timedelta(days=900),
                                           valid_until=today + timedelta(days=30))
    support_services.tax_qualification_add(actor=personas.county, organisation=org,
                                           kind="deduction", valid_from=today,
                                           valid_until=today + timedelta(days=400))
    body = as_user(personas.county).get(reverse("orgs:tax")).content.decode()
    assert "非营利组织免税资格" in body and "公益性捐赠税前扣除资格" not in body
    assert "城东区慈善协会" not in as_user(personas.other_county).get(
        reverse("orgs:tax")).content.decode()


def test_it_registers_volunteers_and_social_workers(personas, as_user, our_org):
    client = as_user(personas.township)
    client.post(reverse("orgs:volunteer_create"), {
        "name": "才让卓玛", "sex": "F", "region_code": OUR_VILLAGE, "skills": "藏汉双语",
        "certification": "assistant", "organisation_id": our_org.pk, "role": "volunteer"})
    body = client.get(reverse("orgs:volunteers"), {"q": "crzm"}).content.decode()
    assert "才让卓玛" in body and "社工" in body
    detail = client.get(reverse("orgs:detail", args=[our_org.pk])).content.decode()
    assert "才让卓玛" in detail
    assert "才让卓玛" not in as_user(personas.other_county).get(
        reverse("orgs:volunteers")).content.decode()


def test_it_shows_density_against_the_reference(personas, as_user):
    filed(personas.township, personas.township)
    body = as_user(personas.county).get(reverse("orgs:indicators")).content.decode()
    assert "民发〔2017〕191号" in body and "东关大街街道" in body


def test_it_records_incubation(personas, as_user, our_org):
    hub = community(personas.county, name="城东区社会组织服务中心", kind="social_service",
                    authority=OUR_COUNTY, credit_code="52630102MJ00000012", is_hub=True)
    client = as_user(personas.county)
    client.post(reverse("orgs:incubation"), {"name": "城东区社会组织孵化基地",
                                             "region_code": OUR_COUNTY, "operator_id": hub.pk})
    base_page = client.get(reverse("orgs:incubation")).content.decode()
    assert "城东区社会组织孵化基地" in base_page
    from linli.orgs.models import IncubationBase

    base = IncubationBase.objects.get()
    client.post(reverse("orgs:incubation_detail", args=[base.pk]), {
        "organisation_id": our_org.pk, "started_on": "2026-03-01",
        "services": ["policy", "training"]})
    detail = client.get(reverse("orgs:incubation_detail", args=[base.pk])).content.decode()
    assert our_org.name in detail and "政策咨询、交流培训" in detail
    assert as_user(personas.other_county).get(
        reverse("orgs:incubation_detail", args=[base.pk])).status_code == 404


def test_it_lists_the_work_queues(personas, as_user, our_org, their_org):
    as_user(personas.county).post(reverse("orgs:filing_create", args=[our_org.pk]),
                                  {"kind": "establish"})
    as_user(personas.other_county).post(reverse("orgs:filing_create", args=[their_org.pk]),
                                        {"kind": "establish"})
    Filing.objects.filter(organisation=their_org).update(status=FilingStatus.SUBMITTED)
    mine = as_user(personas.township).get(reverse("orgs:filings")).content.decode()
    assert our_org.name in mine and their_org.name not in mine
    other = make_user("other_township", Role.TOWNSHIP_ASSISTANT, OTHER_TOWNSHIP)
    theirs = as_user(other).get(reverse("orgs:filings")).content.decode()
    assert their_org.name in theirs and our_org.name not in theirs


def test_a_volunteer_joins_another_organisation(personas, as_user, our_org):
    other = community(personas.township, name="北关社区文艺队")
    person = support_services.volunteer_create(actor=personas.township, name="韩麦",
                                               region_code=OUR_VILLAGE,
                                               organisation_id=our_org.pk)
    client = as_user(personas.township)
    url = reverse("orgs:volunteer_detail", args=[person.pk])
    client.post(url, {"organisation_id": other.pk, "role": "volunteer"})
    assert set(person.memberships.values_list("organisation__name", flat=True)) == {
        our_org.name, other.name}
    again = client.post(url, {"organisation_id": other.pk, "role": "volunteer"})
    assert "已是" in again.content.decode()
