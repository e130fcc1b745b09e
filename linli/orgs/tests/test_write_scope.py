"""Writes stay inside the county: every service that takes a region checks the new value
against the actor's scope and the organisation kind's placement rules.

The rule, the same everywhere in orgs: a region *typed as a value* (活动地域, 登记管理机关,
a change filing's 新活动地域, a base's 所在区划, a volunteer's 服务区域) outside the scope is
Invalid naming the field; a record acted on or named by its id (an organisation, a
station's township, an operator) outside the scope is NotFound.
"""

import pytest
from django.utils import timezone

from conftest import (
    OTHER_COUNTY,
    OTHER_TOWNSHIP,
    OTHER_VILLAGE,
    OUR_COUNTY,
    OUR_TOWNSHIP,
    OUR_VILLAGE,
    make_user,
)
from linli.accounts.roles import Role
from linli.core import importing
from linli.core.errors import Invalid, NotFound
from linli.orgs import services, support_services
from linli.orgs.models import (
    Filing,
    FilingKind,
    Incubation,
    IncubationBase,
    Kind,
    Organisation,
    SocialWorkStation,
    Volunteer,
)
from linli.orgs.tests.conftest import VALID_CODE, community, filed

pytestmark = pytest.mark.django_db
OUR_OTHER_VILLAGE = "630102001004"  # 慈幼社区, same street as 北关社区
OUR_OTHER_TOWNSHIP = "630102002"


def _charity(actor, **fields):
    values = {"name": "城东区慈善协会", "kind": Kind.SOCIAL_GROUP, "authority": OUR_COUNTY,
              "credit_code": VALID_CODE}
    values.update(fields)
    return community(actor, **values)


def _unmoved(org):
    after = Organisation.objects.get(pk=org.pk)
    return (after.region_code, after.authority_region_code, after.version) == (
        org.region_code, org.authority_region_code, org.version)


def test_it_refuses_to_move_a_registered_organisation_to_another_county(personas):
    org = _charity(personas.county)
    with pytest.raises(Invalid, match="活动地域应在您的辖区内") as refused:
        services.organisation_update(actor=personas.county, organisation=org,
                                     version=org.version, region_code=OTHER_VILLAGE)
    assert "region_code" in refused.value.details
    assert _unmoved(org)


def test_it_refuses_another_county_or_the_province_as_the_registering_authority(personas):
    for authority in (OTHER_COUNTY, "63", "6301"):
        with pytest.raises(Invalid, match="登记管理机关应在您的辖区内") as refused:
            _charity(personas.county, authority=authority)
        assert "authority_region_code" in refused.value.details
    with pytest.raises(Invalid, match="备案机关应在您的辖区内"):
        community(personas.county, authority=OTHER_TOWNSHIP)
    assert not Organisation.objects.exists()


def test_it_lets_a_village_file_with_its_own_street_only(personas):
    assert community(personas.village).authority_region_code == OUR_TOWNSHIP
    with pytest.raises(Invalid, match="备案机关应在您的辖区内"):
        community(personas.village, name="北关社区文艺队", authority=OUR_OTHER_TOWNSHIP)
    with pytest.raises(Invalid, match="活动地域应在您的辖区内"):
        community(personas.village, name="北关社区文艺队", village=OUR_OTHER_VILLAGE)


def test_it_keeps_an_organisation_inside_its_authoritys_area(personas):
    with pytest.raises(Invalid, match="登记管理机关的辖区内"):  # registered by 城东区, active elsewhere
        _charity(personas.prefecture, village="630103001003")
    with pytest.raises(Invalid, match="村\\(居\\)委会范围内"):  # filed with one village, in another
        community(personas.county, village=OUR_OTHER_VILLAGE, authority=OUR_VILLAGE)


def test_it_checks_placement_again_when_the_kind_changes(personas, our_org):
    with pytest.raises(Invalid, match="县级以上民政部门"):
        services.organisation_update(actor=personas.county, organisation=our_org,
                                     version=our_org.version, kind=Kind.SOCIAL_GROUP,
                                     credit_code=VALID_CODE)
    assert Organisation.objects.get(pk=our_org.pk).kind == Kind.COMMUNITY


def test_it_binds_organisation_staff_to_their_organisations_place(personas, our_org):
    staff = make_user("staff", Role.ORG_STAFF, OUR_VILLAGE)
    staff.memberships.update(organisation=our_org)
    with pytest.raises(Invalid, match="活动地域"):
        services.organisation_update(actor=staff, organisation=our_org,
                                     version=our_org.version, region_code=OTHER_VILLAGE)
    assert _unmoved(our_org)
    with pytest.raises(Invalid, match="服务区域应在所属组织所在的县"):
        support_services.volunteer_create(actor=staff, name="韩麦", region_code=OTHER_VILLAGE,
                                          organisation_id=our_org.pk)
    assert not Volunteer.objects.exists()
    moved = services.organisation_update(actor=staff, organisation=our_org,
                                         version=our_org.version,
                                         region_code=OUR_OTHER_VILLAGE)
    assert moved.region_code == OUR_OTHER_VILLAGE  # inside its street: allowed


def test_it_refuses_a_change_filing_into_another_county(personas):
    org = filed(personas.township, personas.township)
    for actor in (personas.township, personas.county, personas.province):
        with pytest.raises(Invalid, match="活动地域"):
            services.filing_submit(actor=actor, organisation=org, kind=FilingKind.CHANGE,
                                   changes={"region_code": OTHER_VILLAGE})
    assert not org.filings.filter(kind=FilingKind.CHANGE).exists()


def test_it_checks_the_region_again_on_approval(personas):
    """A change filing stored around the services cannot move the organisation either."""
    org = filed(personas.township, personas.township)
    stray = Filing.objects.create(
        organisation=org, kind=FilingKind.CHANGE, filing_region=org.authority_region,
        filing_region_code=org.authority_region_code, submitted_by=personas.township,
        due_on=timezone.localdate(), changes={"region_code": OTHER_VILLAGE})
    with pytest.raises(Invalid):
        services.filing_transition(actor=personas.township, filing=stray, action="approve")
    assert _unmoved(org)


def test_it_keeps_stations_and_bases_with_organisations_of_their_county(personas):
    ours = _charity(personas.county, name="城东区社会工作服务中心", is_social_work_agency=True)
    theirs = _charity(personas.other_county, name="乐都区社会工作服务中心", village=OTHER_VILLAGE,
                      authority=OTHER_COUNTY, credit_code="52630202MJ00000017")
    today = timezone.localdate()
    with pytest.raises(NotFound):  # a county cannot even name another county's organisation
        support_services.station_save(actor=personas.county, region_code=OUR_TOWNSHIP,
                                      established=True, opened_on=today, operator_id=theirs.pk)
    with pytest.raises(Invalid, match="运营机构应是本县") as refused:  # the province can
        support_services.station_save(actor=personas.province, region_code=OUR_TOWNSHIP,
                                      established=True, opened_on=today, operator_id=theirs.pk)
    assert "operator_id" in refused.value.details
    assert not SocialWorkStation.objects.exists()
    station = support_services.station_save(actor=personas.province, region_code=OUR_TOWNSHIP,
                                            established=True, opened_on=today,
                                            operator_id=ours.pk)
    assert station.operator == ours
    with pytest.raises(Invalid, match="所在区划应在您的辖区内"):
        support_services.incubation_base_create(actor=personas.county, name="孵化基地",
                                                region_code=OTHER_COUNTY)
    with pytest.raises(Invalid, match="运营机构应是本县"):
        support_services.incubation_base_create(actor=personas.province, name="孵化基地",
                                                region_code=OUR_COUNTY, operator_id=theirs.pk)
    base = support_services.incubation_base_create(actor=personas.province, name="孵化基地",
                                                   region_code=OUR_COUNTY)
    with pytest.raises(Invalid, match="入孵组织应是本县"):
        support_services.incubation_add(actor=personas.province, base=base,
                                        organisation_id=theirs.pk, started_on=today)
    with pytest.raises(NotFound):
        support_services.incubation_add(actor=personas.province, base=base,
                                        organisation_id=0, started_on=today)
    assert IncubationBase.objects.count() == 1 and not Incubation.objects.exists()


def test_it_refuses_volunteers_placed_in_another_county(personas, our_org):
    with pytest.raises(Invalid, match="服务区域应在您的辖区内"):
        support_services.volunteer_create(actor=personas.county, name="韩麦",
                                          region_code=OTHER_VILLAGE)
    with pytest.raises(Invalid, match="服务区域应在您的辖区内"):
        support_services.volunteer_create(actor=personas.county, name="韩麦",
                                          region_code=OTHER_VILLAGE, organisation_id=our_org.pk)
    assert not Volunteer.objects.exists()


def _roster(rows) -> bytes:
    import io

    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["组织名称", "组织类型", "类别", "统一社会信用代码", "活动地域", "登记机关",
                        "负责人", "成员人数", "成立日期"])
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_it_applies_the_same_rules_to_the_roster_importer(personas):
    content = _roster([
        # registered by 城东区 but active in 城中区: outside the authority's area
        ("城东区慈善协会", "社会团体", "公益慈善类", VALID_CODE, "630103001003", "630102",
         "张海", "10", ""),
        ("北关社区文艺队", "社区社会组织", "文体活动类", "", OUR_VILLAGE, "", "马秀兰",
         "5000000", ""),
        ("北关社区书画队", "社区社会组织", "文体活动类", "", OUR_VILLAGE, "", "马秀兰", "9",
         "1800-01-01"),
        ("北关社区银龄队", "社区社会组织", "生活服务类", "", OUR_VILLAGE, "", "马秀兰", "9", ""),
    ])
    job = importing.import_preview(actor=personas.prefecture, kind="orgs",
                                   filename="roster.xlsx", content=content)
    reasons = " ".join(str(e) for e in job.errors)
    assert (job.valid_rows, job.error_rows) == (1, 3), job.errors
    assert "登记管理机关的辖区内" in reasons and "成员人数应为 0 至" in reasons
    assert "1900" in reasons
