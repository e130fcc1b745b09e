import pytest

from conftest import OTHER_COUNTY, OUR_COUNTY, OUR_TOWNSHIP, OUR_VILLAGE
from linli.core.errors import Conflict, IllegalTransition, Invalid, NotFound
from linli.orgs import selectors, services
from linli.orgs.models import Kind, Organisation, Status
from linli.orgs.tests.conftest import VALID_CODE, community, filed

pytestmark = pytest.mark.django_db


def test_it_registers_a_community_organisation_as_pending(personas):
    org = community(personas.township)
    assert org.status == Status.PENDING and org.credit_code == ""
    assert org.region_code == OUR_VILLAGE and org.authority_region_code == OUR_TOWNSHIP
    assert (org.name_pinyin, org.name_initials) == ("beiguanshequxiyanghongzhiyuanfuwudui",
                                                    "bgsqxyhzyfwd")
    assert list(org.target_groups.values_list("code", flat=True)) == ["elderly"]


def test_it_refuses_a_credit_code_on_a_filed_community_group(personas):
    with pytest.raises(Invalid, match="没有统一社会信用代码"):
        community(personas.township, credit_code=VALID_CODE)


def test_it_requires_a_valid_code_for_registered_kinds(personas):
    with pytest.raises(Invalid, match="须填写统一社会信用代码"):
        community(personas.county, kind=Kind.SOCIAL_GROUP, authority=OUR_COUNTY)
    with pytest.raises(Invalid, match="校验位不正确"):
        community(personas.county, kind=Kind.SOCIAL_GROUP, authority=OUR_COUNTY,
                  credit_code="51630000MJY000001X")
    org = community(personas.county, kind=Kind.SOCIAL_GROUP, authority=OUR_COUNTY,
                    credit_code="51630000mjy000001w")
    assert org.credit_code == VALID_CODE and org.status == Status.ACTIVE


def test_it_refuses_a_duplicate_credit_code_without_leaking_its_owner(personas):
    community(personas.other_county, name="乐都慈善协会", kind=Kind.SOCIAL_GROUP,
              village="630202001001", authority=OTHER_COUNTY, credit_code=VALID_CODE)
    with pytest.raises(Invalid) as refused:
        community(personas.county, name="城东慈善协会", kind=Kind.SOCIAL_GROUP,
                  authority=OUR_COUNTY, credit_code=VALID_CODE)
    assert "已被登记(其他地区)" in refused.value.message
    assert "乐都" not in refused.value.message


def test_it_refuses_a_duplicate_name_at_the_same_filing_body(personas):
    community(personas.township)
    with pytest.raises(Invalid, match="已有名为"):
        community(personas.township)


def test_it_keeps_community_groups_with_their_street_or_village(personas):
    with pytest.raises(Invalid, match="街道\\(乡镇\\)或村\\(居\\)委会"):
        community(personas.county, authority=OUR_COUNTY)
    with pytest.raises(Invalid, match="活动地域应在备案的街道"):
        community(personas.county, village="630102002008")


def test_it_refuses_registration_outside_the_users_region(personas):
    with pytest.raises(Invalid, match="活动地域应在您的辖区内") as refused:
        community(personas.other_county)
    assert "region_code" in refused.value.details
    with pytest.raises(NotFound):  # no right to register at all: nothing is disclosed
        community(personas.auditor)
    assert not Organisation.objects.exists()


def test_it_refuses_a_stale_edit_instead_of_overwriting(personas, our_org):
    services.organisation_update(actor=personas.township, organisation=our_org,
                                 version=our_org.version, leader_phone="13800000000")
    with pytest.raises(Conflict, match="已被他人修改"):
        services.organisation_update(actor=personas.county, organisation=our_org,
                                     version=our_org.version, leader_phone="13900000000")
    our_org.refresh_from_db()
    assert our_org.leader_phone == "13800000000"


def test_it_sends_changes_of_filed_content_through_a_change_filing(personas):
    org = filed(personas.township, personas.township)
    with pytest.raises(IllegalTransition, match="须通过变更备案修改"):
        services.organisation_update(actor=personas.township, organisation=org,
                                     version=org.version, leader_name="韩永福")
    updated = services.organisation_update(actor=personas.township, organisation=org,
                                           version=org.version, has_party_branch=True)
    assert updated.has_party_branch and updated.history.count() == 3


def test_it_finds_organisations_by_pinyin_and_initials(personas):
    community(personas.township)
    for q in ("夕阳红", "xiyanghong", "bgsq", "BGSQ"):
        found = selectors.organisation_list(actor=personas.county,
                                            filters=selectors.OrgFilter(q=q))
        assert [o.name for o in found] == ["北关社区夕阳红志愿服务队"], q


def test_it_suspends_and_never_deletes(personas):
    org = filed(personas.township, personas.township)
    services.organisation_set_status(actor=personas.township, organisation=org,
                                     status=Status.SUSPENDED, reason="负责人外出务工")
    with pytest.raises(IllegalTransition):
        services.organisation_set_status(actor=personas.township, organisation=org,
                                         status=Status.DEREGISTERED, reason="x")
    assert Organisation.objects.filter(pk=org.pk, status=Status.SUSPENDED).exists()
