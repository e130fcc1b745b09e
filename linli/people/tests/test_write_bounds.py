"""Writes of the registry stay inside the actor's scope and inside sane bounds (issue 9,
items 3, 6 and 9): a new or changed village is checked against the scope and the rule that
a person lives in a 村(社区); ids a client sends are fetched through scoped selectors and
refused, not crashed on, when no row can have them; dates outside 1900–2100 or in the
future are refused with a reason."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import OTHER_VILLAGE, OUR_TOWNSHIP, OUR_VILLAGE
from linli.accounts.models import Membership
from linli.accounts.roles import Role
from linli.core.errors import Invalid, NotFound
from linli.orgs.tests.conftest import community
from linli.people import selectors, services
from linli.people.models import Person
from linli.people.tests.conftest import WOMAN, register

pytestmark = pytest.mark.django_db

NEIGHBOUR_VILLAGE = "630102001004"  # in 城东区 too
HUGE = 99_999_999_999_999_999_999  # beyond 64 bits: SQLite cannot even bind it


def _move(actor, person, code):
    return services.person_update(actor=actor, person=person, version=person.version,
                                  region_code=code)


def test_it_refuses_to_register_in_another_county_naming_the_field(personas):
    with pytest.raises(Invalid) as refused:
        register(personas.other_county, name="x", id_number="", no_id_reason="未落户")
    assert refused.value.details == {"region_code": ["村(社区)应在您的辖区内"]}
    assert not Person.objects.exists()


def test_it_refuses_to_move_a_person_to_another_county(personas, elder):
    with pytest.raises(Invalid, match="应在您的辖区内"):
        _move(personas.county, elder, OTHER_VILLAGE)
    elder.refresh_from_db()
    assert elder.region_code == OUR_VILLAGE
    moved = _move(personas.county, elder, NEIGHBOUR_VILLAGE)
    assert (moved.region_code, moved.region.code) == (NEIGHBOUR_VILLAGE, NEIGHBOUR_VILLAGE)


def test_it_keeps_a_person_in_a_village(personas, elder):
    with pytest.raises(Invalid, match="请选择村"):
        _move(personas.county, elder, OUR_TOWNSHIP)
    with pytest.raises(Invalid, match="请选择村"):
        register(personas.county, village=OUR_TOWNSHIP)


def test_it_lets_organisation_staff_edit_their_people_but_not_place_them(personas, elder):
    org = community(personas.township)
    Person.objects.filter(pk=elder.pk).update(organisation=org)
    elder.refresh_from_db()
    staff = Membership.objects.create(user=personas.outsider, role=Role.ORG_STAFF,
                                      region=org.region, organisation=org).user
    services.person_update(actor=staff, person=elder, version=elder.version, phone="13800000001")
    elder.refresh_from_db()
    with pytest.raises(Invalid, match="应在您的辖区内"):
        _move(staff, elder, NEIGHBOUR_VILLAGE)
    with pytest.raises(Invalid, match="应在您的辖区内"):
        register(staff, name="x", id_number=WOMAN)


def test_it_refuses_ids_no_row_can_have_when_assigning(personas, elder):
    for wrong in (0, -1, HUGE):
        for field in ("organisation_id", "children_director_id"):
            with pytest.raises(Invalid, match="编号无效"):
                services.person_assign(actor=personas.county, person=elder, **{field: wrong})
        with pytest.raises(Invalid, match="编号无效"):
            services.person_assign(actor=personas.county, person=elder, volunteer_ids=[wrong])


def test_it_assigns_only_an_organisation_that_serves_the_person(personas, elder):
    ours = community(personas.township)
    theirs = community(personas.other_county, name="朝阳山社区邻里互助会", village=OTHER_VILLAGE,
                       authority="630202001")
    with pytest.raises(NotFound):  # another county's organisation, named by its id
        services.person_assign(actor=personas.county, person=elder, organisation_id=theirs.pk)
    with pytest.raises(Invalid, match="应是本县"):  # the province sees both
        services.person_assign(actor=personas.province_elderly, person=elder,
                               organisation_id=theirs.pk)
    services.person_assign(actor=personas.province_elderly, person=elder,
                           organisation_id=ours.pk)
    assert Person.objects.get(pk=elder.pk).organisation == ours


def test_it_keeps_a_household_in_one_village(personas, elder):
    neighbour = register(personas.county, village=NEIGHBOUR_VILLAGE)
    with pytest.raises(Invalid, match="同户成员须登记在同一村"):
        services.household_link(actor=personas.county, person=neighbour, other=elder,
                                relation="配偶")


def test_it_finds_no_person_for_an_id_beyond_64_bits():
    for wrong in (0, HUGE):
        with pytest.raises(NotFound):
            selectors.person_for_write(actor=None, pk=wrong)


@pytest.mark.parametrize("birth_date", [date(1899, 12, 31), date(2101, 1, 1),
                                        timezone.localdate() + timedelta(days=1)])
def test_it_refuses_a_birth_date_out_of_range(personas, birth_date):
    with pytest.raises(Invalid) as refused:
        register(personas.village, id_number="", no_id_reason="未落户", birth_date=birth_date)
    assert "出生日期" in refused.value.message and "birth_date" in refused.value.details


def test_it_refuses_group_consent_and_closing_dates_out_of_range(personas, elder):
    far = date(2200, 1, 1)
    with pytest.raises(Invalid, match="起始日期"):
        services.group_add(actor=personas.village, person=elder, code="dibao", started_on=far)
    with pytest.raises(Invalid, match="同意日期"):
        services.consent_record(actor=personas.village, person=elder, purpose="关爱服务",
                                given_by="马福寿", relation="本人", given_on=far)
    with pytest.raises(Invalid, match="销册日期"):
        services.person_close(actor=personas.village, person=elder, reason="moved",
                              on=date(1800, 1, 1))
    with pytest.raises(Invalid, match="销册原因"):
        services.person_close(actor=personas.village, person=elder, reason="vanished")
    membership = elder.group_memberships.get()
    with pytest.raises(Invalid, match="终止日期"):
        services.group_end(actor=personas.village, membership=membership,
                           ended_on=membership.started_on - timedelta(days=1))
    with pytest.raises(NotFound):
        services.group_end(actor=personas.other_county, membership=membership)


def test_it_refuses_a_value_outside_a_fields_choices_or_length(personas, elder):
    with pytest.raises(Invalid, match="风险等级"):
        services.person_update(actor=personas.village, person=elder, version=elder.version,
                               risk="extreme")
    with pytest.raises(Invalid, match="住址不能超过 200 个字"):
        services.person_update(actor=personas.village, person=elder, version=elder.version,
                               address="青" * 201)


# --- the pages -----------------------------------------------------------------------


def test_it_says_a_page_is_stale_when_its_version_is_not_a_number(personas, as_user, elder):
    url = reverse("people:edit", args=[elder.pk])
    for version in ("abc", "-1", str(HUGE)):
        response = as_user(personas.village).post(url, {
            "name": "马福寿", "region_code": OUR_VILLAGE, "risk": "high", "version": version})
        assert response.status_code == 200
        assert "页面已过期,请刷新后重新编辑" in response.content.decode()
    assert Person.objects.get(pk=elder.pk).risk == "low"


def test_it_shows_a_stale_save_on_the_form(personas, as_user, elder):
    url = reverse("people:edit", args=[elder.pk])
    response = as_user(personas.village).post(url, {
        "name": "马福寿", "region_code": OUR_VILLAGE, "risk": "high", "version": "0"})
    assert response.status_code == 200
    assert "已被他人修改" in response.content.decode()


def test_it_refuses_a_move_to_another_county_on_the_edit_page(personas, as_user, elder):
    response = as_user(personas.county).post(reverse("people:edit", args=[elder.pk]), {
        "name": "马福寿", "region_code": OTHER_VILLAGE, "risk": "low",
        "version": elder.version})
    assert response.status_code == 200 and "应在您的辖区内" in response.content.decode()
    assert Person.objects.get(pk=elder.pk).region_code == OUR_VILLAGE


def test_it_refuses_a_birth_date_beyond_2100_on_the_form(personas, as_user):
    response = as_user(personas.village).post(reverse("people:create"), {
        "name": "张秀英", "no_id_reason": "未落户", "birth_date": "3000-01-01",
        "region_code": OUR_VILLAGE, "risk": "low"})
    assert response.status_code == 200
    assert "日期应在 1900 年至 2100 年之间" in response.content.decode()
    assert not Person.objects.exists()


@pytest.mark.parametrize("field, value", [
    ("organisation_id", str(HUGE)), ("organisation_id", "0"), ("organisation_id", "٢"),
    ("volunteer_ids", f"1 {HUGE}"), ("children_director_id", "٣")])
def test_it_answers_a_bad_id_on_the_assign_page_with_a_reason(personas, as_user, elder,
                                                                 field, value):
    response = as_user(personas.county).post(reverse("people:assign", args=[elder.pk]),
                                             {field: value})
    # the picker's refusal, naming the field (a bad id reads as one not found)
    assert response.status_code == 422 and "不存在或不在您的可见范围内" in response.content.decode()


@pytest.mark.parametrize("other", ["²", "٣", str(HUGE)])
def test_it_answers_a_bad_household_member_with_4xx(personas, as_user, elder, other):
    wife = register(personas.village)
    response = as_user(personas.village).post(reverse("people:household_link", args=[wife.pk]),
                                              {"other": other, "relation": "配偶"})
    assert response.status_code in (404, 422)


def test_it_survives_a_page_number_beyond_64_bits(personas, as_user, elder):
    response = as_user(personas.county).get(reverse("people:list"), {"page": str(HUGE)})
    assert response.status_code == 200 and "马福寿" in response.content.decode()


def test_it_refuses_contact_and_consent_text_longer_than_its_column(personas, elder):
    with pytest.raises(Invalid, match="姓名不能超过 32 个字"):
        services.contact_add(actor=personas.village, person=elder, name="马" * 33,
                             relation="儿子")
    with pytest.raises(Invalid, match="用途不能超过 200 个字"):
        services.consent_record(actor=personas.village, person=elder, purpose="关" * 201,
                                given_by="马福寿", relation="本人",
                                given_on=timezone.localdate())
