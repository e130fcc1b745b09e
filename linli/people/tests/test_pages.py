import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from conftest import OUR_VILLAGE
from linli.audit.models import AccessLog, Action
from linli.people.models import Person
from linli.people.tests.conftest import OLD_MAN, WOMAN, register

pytestmark = pytest.mark.django_db


def test_it_lists_and_searches_by_pinyin(personas, as_user, elder, django_assert_max_num_queries):
    register(personas.village)  # 张秀英
    client = as_user(personas.county)
    with django_assert_max_num_queries(14):
        body = client.get(reverse("people:list")).content.decode()
    assert "马福寿" in body and "632301********0015" in body and OLD_MAN not in body
    found = client.get(reverse("people:list"), {"q": "zxy"}).content.decode()
    assert "张秀英" in found and "马福寿" not in found
    by_group = client.get(reverse("people:list"), {"group": "elderly_alone"}).content.decode()
    assert "马福寿" in by_group and "张秀英" not in by_group


def test_it_answers_404_to_another_county(personas, as_user, elder):
    client = as_user(personas.other_county)
    assert "马福寿" not in client.get(reverse("people:list")).content.decode()
    for name in ("people:detail", "people:edit"):
        assert client.get(reverse(name, args=[elder.pk])).status_code == 404
    assert client.post(reverse("people:reveal", args=[elder.pk]),
                       {"reason": "x"}).status_code == 404
    assert client.post(reverse("people:close", args=[elder.pk]),
                       {"reason": "moved"}).status_code == 404


def test_it_registers_through_the_page_with_a_warning(personas, as_user):
    client = as_user(personas.village)
    response = client.post(reverse("people:create"), {
        "name": "张秀英", "id_number": WOMAN, "birth_date": "1981-02-02", "region_code": OUR_VILLAGE,
        "risk": "medium", "g-code": "elderly_empty_nest"}, follow=True)
    body = response.content.decode()
    assert "已登记 张秀英" in body and "不一致" in body
    person = Person.objects.get()
    assert person.group_memberships.get().group.code == "elderly_empty_nest"


def test_it_shows_the_refusal_of_a_duplicate_in_chinese(personas, as_user, elder):
    response = as_user(personas.township).post(reverse("people:create"), {
        "name": "马福寿", "id_number": OLD_MAN, "region_code": OUR_VILLAGE, "risk": "low"})
    assert "该身份证号已登记为“马福寿”" in response.content.decode()


def test_it_reveals_a_number_and_logs_it(personas, as_user, elder):
    response = as_user(personas.township).post(reverse("people:reveal", args=[elder.pk]),
                                               {"reason": "入户核查"})
    assert OLD_MAN in response.content.decode()
    assert AccessLog.objects.filter(action=Action.REVEAL, reason="入户核查").exists()
    assert as_user(personas.village).post(reverse("people:reveal", args=[elder.pk]),
                                          {"reason": "x"}).status_code == 404


def test_it_logs_views_of_sensitive_files(personas, as_user, child, elder):
    client = as_user(personas.county)
    client.get(reverse("people:detail", args=[child.pk]))
    client.get(reverse("people:detail", args=[elder.pk]))
    viewed = AccessLog.objects.filter(action=Action.VIEW).values_list("object_id", flat=True)
    assert list(viewed) == [str(child.pk)]


def test_it_refuses_a_stale_edit_on_the_page(personas, as_user, elder):
    client = as_user(personas.village)
    url = reverse("people:edit", args=[elder.pk])
    form = {"name": "马福寿", "region_code": OUR_VILLAGE, "risk": "high", "version": elder.version}
    client.post(url, form)
    response = client.post(url, {**form, "risk": "low"})
    assert "已被他人修改" in response.content.decode()
    assert Person.objects.get(pk=elder.pk).risk == "high"


def test_it_exports_masked_unless_revealed_and_logs_the_export(personas, as_user, elder):
    client = as_user(personas.township)
    masked = client.get(reverse("people:list"), {"export": "xlsx"})
    rows = list(load_workbook(io.BytesIO(masked.content)).active.values)
    assert rows[2][:2] == ("马福寿", "632301********0015")
    full = client.get(reverse("people:list"), {"export": "xlsx", "reveal": "1"})
    assert list(load_workbook(io.BytesIO(full.content)).active.values)[2][1] == OLD_MAN
    reasons = list(AccessLog.objects.filter(action=Action.EXPORT).order_by("id").values_list(
        "reason", flat=True))
    assert len(reasons) == 2 and "含完整身份证号" in reasons[1]
    village = as_user(personas.village).get(reverse("people:list"),
                                            {"export": "xlsx", "reveal": "1"})
    assert OLD_MAN not in str(list(load_workbook(io.BytesIO(village.content)).active.values))


def test_it_records_consent_groups_contacts_and_closing(personas, as_user, child):
    client = as_user(personas.village)
    refused = client.post(reverse("people:consent_add", args=[child.pk]), {
        "purpose": "关爱服务", "given_by": child.name, "relation": "本人", "given_on": "2026-11-01"})
    assert refused.status_code == 422 and "须由监护人同意" in refused.content.decode()
    client.post(reverse("people:consent_add", args=[child.pk]), {
        "purpose": "关爱服务", "given_by": "旦正", "relation": "父亲", "given_on": "2026-11-01"})
    client.post(reverse("people:contact_add", args=[child.pk]),
                {"name": "旦正", "relation": "父亲", "phone": "139", "is_guardian": "on"})
    client.post(reverse("people:group_add", args=[child.pk]),
                {"code": "de_facto_unsupported", "criterion": "服刑在押"})
    body = client.get(reverse("people:detail", args=[child.pk])).content.decode()
    assert "旦正(父亲)" in body and "事实无人抚养儿童(服刑在押)" in body
    client.post(reverse("people:close", args=[child.pk]), {"reason": "moved"})
    assert Person.objects.get(pk=child.pk).status == "closed"


def test_api_lists_masked_and_reveals_with_a_reason(personas, as_user, elder, child):
    client = as_user(personas.province_elderly)
    data = client.get("/api/v1/people/").json()
    assert [p["name"] for p in data["items"]] == ["马福寿"]
    assert data["items"][0]["id_masked"] == "632301********0015"
    assert client.get(f"/api/v1/people/{child.pk}").status_code == 404
    revealed = client.post(f"/api/v1/people/{elder.pk}/reveal", {"reason": "养老补贴核对"},
                           content_type="application/json").json()
    assert revealed["id_number"] == OLD_MAN
    assert as_user(personas.other_county).get(f"/api/v1/people/{elder.pk}").status_code == 404


def test_it_links_people_into_a_household(personas, as_user, elder):
    wife = register(personas.village)
    client = as_user(personas.village)
    options = client.get(reverse("people:options"), {"q": "mfs"}).content.decode()
    assert f'value="{elder.pk}"' in options
    client.post(reverse("people:household_link", args=[wife.pk]),
                {"other": elder.pk, "relation": "配偶"})
    wife.refresh_from_db()
    elder.refresh_from_db()
    assert wife.household == elder.household and elder.relation_to_head == "户主"
    page = client.get(reverse("people:detail", args=[elder.pk])).content.decode()
    assert "张秀英</a> 配偶" in page
    assert as_user(personas.other_county).post(reverse("people:household_link", args=[wife.pk]),
                                               {"other": elder.pk, "relation": "x"}).status_code == 404


def test_it_assigns_organisation_volunteers_and_childrens_director(personas, as_user, child, elder):
    from linli.orgs import support_services
    from linli.orgs.tests.conftest import community

    org = community(personas.township)
    volunteer = support_services.volunteer_create(actor=personas.township, name="韩麦",
                                                  region_code=OUR_VILLAGE)
    client = as_user(personas.township)
    client.post(reverse("people:assign", args=[child.pk]), {
        "organisation_id": org.pk, "volunteer_ids": f"{volunteer.pk}",
        "children_director_id": personas.village.pk})
    child.refresh_from_db()
    assert (child.organisation, child.children_director) == (org, personas.village)
    assert list(child.volunteers.all()) == [volunteer]
    refused = client.post(reverse("people:assign", args=[elder.pk]),
                          {"children_director_id": personas.village.pk})
    assert "只有未成年人" in refused.content.decode()
    listed = client.get(reverse("people:list"), {"unassigned": "on"}).content.decode()
    assert "马福寿" in listed and "才让卓玛" not in listed
