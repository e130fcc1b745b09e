import pytest
from django.urls import reverse

from conftest import OUR_COUNTY, OUR_TOWNSHIP
from linli.accounts.models import Membership, User
from linli.accounts.roles import Role
from linli.accounts.validators import ComplexityValidator
from linli.audit.models import AccessLog, Action

pytestmark = pytest.mark.django_db
NEW = {"username": "zhangsan", "full_name": "张三", "phone": "0971-1234567",
       "password": "Qinghai@2026x", "role": Role.TOWNSHIP_ASSISTANT,
       "region_code": OUR_TOWNSHIP, "bureau": ""}


def test_it_lets_an_administrator_create_a_user_with_a_role(personas, as_user):
    client = as_user(personas.admin)
    response = client.post(reverse("accounts:user_create"), NEW)
    user = User.objects.get(username="zhangsan")
    assert response.url == reverse("accounts:user_detail", args=[user.pk])
    membership = user.memberships.get()
    assert (membership.role, membership.region_code) == (Role.TOWNSHIP_ASSISTANT, OUR_TOWNSHIP)
    assert user.check_password(NEW["password"])
    assert AccessLog.objects.filter(action=Action.ACCOUNT, object_id=str(user.pk)).count() == 2
    assert user.history.count() == 1


def test_it_refuses_a_role_bound_to_the_wrong_level(personas, as_user):
    response = as_user(personas.admin).post(reverse("accounts:user_create"),
                                            {**NEW, "region_code": OUR_COUNTY})
    assert "须绑定到乡镇(街道)级辖区" in response.content.decode()
    assert not User.objects.filter(username="zhangsan").exists()  # nothing half-made


def test_it_refuses_a_simple_password_in_chinese(personas, as_user):
    response = as_user(personas.admin).post(reverse("accounts:user_create"),
                                            {**NEW, "password": "qinghaiqinghai"})
    assert "密码须至少包含" in response.content.decode()


def test_it_counts_character_classes():
    validator = ComplexityValidator()
    validator.validate("Qinghai@2026")
    with pytest.raises(Exception, match="3"):
        validator.validate("qinghai2026")


def test_it_requires_a_bureau_for_province_staff(personas, as_user):
    response = as_user(personas.admin).post(reverse("accounts:user_create"), {
        **NEW, "role": Role.PROVINCE_BUREAU, "region_code": "63"})
    assert "须选择所在处室" in response.content.decode()


def test_it_grants_and_revokes_a_membership(personas, as_user):
    client = as_user(personas.admin)
    url = reverse("accounts:user_detail", args=[personas.outsider.pk])
    client.post(url, {"role": Role.COUNTY_BUREAU, "region_code": OUR_COUNTY, "bureau": ""})
    membership = Membership.objects.get(user=personas.outsider)
    client.post(reverse("accounts:membership_revoke", args=[personas.outsider.pk, membership.pk]))
    membership.refresh_from_db()
    assert not membership.is_active  # kept, with its history, not deleted
    assert membership.history.count() == 2


def test_it_deactivates_and_resets(personas, as_user):
    client = as_user(personas.admin)
    client.post(reverse("accounts:user_action", args=[personas.county.pk, "deactivate"]))
    personas.county.refresh_from_db()
    assert not personas.county.is_active
    client.post(reverse("accounts:user_action", args=[personas.county.pk, "reset-password"]),
                {"password": "Another#Pass99"})
    personas.county.refresh_from_db()
    assert personas.county.check_password("Another#Pass99")


def test_it_does_not_let_an_administrator_deactivate_themself(personas, as_user):
    client = as_user(personas.admin)
    response = client.post(reverse("accounts:user_action", args=[personas.admin.pk,
                                                                 "deactivate"]), follow=True)
    assert "不能停用自己的账户" in response.content.decode()


def test_it_lists_users_with_search(personas, as_user, django_assert_max_num_queries):
    client = as_user(personas.admin)
    with django_assert_max_num_queries(10):
        body = client.get(reverse("accounts:user_list")).content.decode()
    assert "other_county" in body and "outsider" in body
    found = client.get(reverse("accounts:user_list"), {"q": "other"}).content.decode()
    assert "other_county" in found and ">county<" not in found


@pytest.mark.parametrize("persona", ["county", "other_county", "province", "auditor",
                                     "outsider"])
def test_it_hides_user_administration_from_everyone_else(personas, as_user, persona):
    client = as_user(getattr(personas, persona))
    assert client.get(reverse("accounts:user_list")).status_code == 404
    assert client.get(reverse("accounts:user_detail", args=[personas.county.pk])).status_code == 404
    assert client.post(reverse("accounts:user_create"), NEW).status_code == 404


def test_it_manages_personal_tokens_on_the_profile_page(personas, as_user):
    client = as_user(personas.county)
    response = client.post(reverse("accounts:token_create"), {"name": "统计对接"}, follow=True)
    assert "只显示这一次" in response.content.decode()
    token = personas.county.api_tokens.get()
    other = as_user(personas.other_county)
    assert other.post(reverse("accounts:token_revoke", args=[token.pk])).status_code == 404


def test_it_binds_organisation_staff_to_their_organisation(personas, as_user):
    from linli.accounts.access import access_for
    from linli.orgs.tests.conftest import community

    org = community(personas.township)
    client = as_user(personas.admin)
    url = reverse("accounts:user_detail", args=[personas.outsider.pk])
    refused = client.post(url, {"role": Role.ORG_STAFF, "region_code": "", "bureau": ""})
    assert "请选择所属社会组织" in refused.content.decode()
    client.post(url, {"role": Role.ORG_STAFF, "organisation_id": org.pk, "bureau": ""})
    membership = Membership.objects.get(user=personas.outsider)
    assert (membership.organisation, membership.region_code) == (org, org.region_code)
    personas.outsider.refresh_from_db()
    access = access_for(personas.outsider)
    assert access.organisation_ids == {org.pk} and access.region_codes == ()
