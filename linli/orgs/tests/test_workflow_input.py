"""Every workflow of the orgs app refuses a kind, state or value it does not know, at the
service: importers, pages and tasks call the services, not only the API schema."""

from datetime import timedelta

import pytest
from django.utils import timezone

from conftest import OUR_COUNTY
from linli.core.errors import IllegalTransition, Invalid
from linli.orgs import services, support_services
from linli.orgs.models import Filing, FilingKind, FilingStatus, Organisation, Status
from linli.orgs.tests.conftest import VALID_CODE, community, filed

pytestmark = pytest.mark.django_db


def test_it_refuses_an_unknown_filing_kind_at_the_service(personas):
    org = filed(personas.township, personas.township)
    for kind in ("bogus", "", "ESTABLISH", None):
        with pytest.raises(Invalid, match="备案事项") as refused:
            services.filing_submit(actor=personas.township, organisation=org, kind=kind,
                                   reason="x")
        assert "kind" in refused.value.details
    assert not org.filings.exclude(kind=FilingKind.ESTABLISH).exists()


def test_it_refuses_to_approve_a_filing_of_an_unknown_kind_and_changes_nothing(personas):
    org = filed(personas.township, personas.township)
    bogus = Filing.objects.create(
        organisation=org, kind="bogus", filing_region=org.authority_region,
        filing_region_code=org.authority_region_code, submitted_by=personas.township,
        due_on=timezone.localdate() + timedelta(days=15))
    with pytest.raises(IllegalTransition, match="无法识别"):
        services.filing_transition(actor=personas.township, filing=bogus, action="approve")
    after = Organisation.objects.get(pk=org.pk)
    assert (after.status, after.version, after.filing_number) == (
        Status.ACTIVE, org.version, org.filing_number)
    assert Filing.objects.get(pk=bogus.pk).status == FilingStatus.SUBMITTED
    # and the stray filing can still be withdrawn, so it does not block the next one
    services.filing_transition(actor=personas.township, filing=bogus, action="withdraw")
    services.filing_submit(actor=personas.township, organisation=org, kind=FilingKind.CHANGE,
                           changes={"leader_name": "韩永福"})


@pytest.mark.parametrize("kind", [FilingKind.CHANGE, FilingKind.DEREGISTER, "bogus"])
def test_it_answers_an_error_not_a_500_for_a_filing_a_pending_organisation_cannot_make(
        personas, as_user, our_org, kind):
    with pytest.raises((IllegalTransition, Invalid)):
        services.filing_submit(actor=personas.township, organisation=our_org, kind=kind,
                               changes={"leader_name": "韩永福"}, reason="解散")
    response = as_user(personas.township).post(
        "/api/v1/orgs/filings/", {"organisation_id": our_org.pk, "kind": kind,
                                  "changes": {"leader_name": "韩永福"}, "reason": "解散"},
        content_type="application/json")
    assert response.status_code in (409, 422), response.content
    assert response.json()["error"]["message"]
    assert not Filing.objects.exists()


def test_it_refuses_change_filings_with_content_it_cannot_change(personas):
    org = filed(personas.township, personas.township)
    cases = [({"leader_phone": "13800000000"}, "不能变更:leader_phone"),
             ({"name": ["数组"]}, "应为文字"),
             ({"members_count": "-3"}, "成员人数应为 0 至"),
             ({"members_count": 10**12}, "成员人数应为 0 至"),
             ({"members_count": "٣٠"}, "成员人数应为 0 至"),  # Arabic-Indic digits
             ({"leader_name": "马" * 33}, "不能超过 32 个字"),
             ("leader_name=韩永福", "格式有误")]
    for changes, reason in cases:
        with pytest.raises(Invalid, match=reason):
            services.filing_submit(actor=personas.township, organisation=org,
                                   kind=FilingKind.CHANGE, changes=changes)
    assert not org.filings.filter(kind=FilingKind.CHANGE).exists()


def test_it_keeps_new_values_out_of_filings_that_are_not_changes(personas, our_org):
    filing = services.filing_submit(actor=personas.township, organisation=our_org,
                                    kind=FilingKind.ESTABLISH, changes={"name": "别的名字"})
    assert filing.changes == {}
    services.filing_transition(actor=personas.township, filing=filing, action="return",
                               comment="请补充")
    with pytest.raises(Invalid, match="只有变更备案"):
        services.filing_transition(actor=personas.township, filing=filing, action="resubmit",
                                   changes={"name": "别的名字"})


def test_it_refuses_an_unknown_status(personas):
    org = filed(personas.township, personas.township)
    with pytest.raises(Invalid, match="状态“closed”无效"):
        services.organisation_set_status(actor=personas.township, organisation=org,
                                         status="closed", reason="x")
    with pytest.raises(IllegalTransition):
        services.organisation_set_status(actor=personas.township, organisation=org,
                                         status=Status.DEREGISTERED, reason="x")
    with pytest.raises(Invalid, match="不能超过 100 个字"):
        services.organisation_set_status(actor=personas.township, organisation=org,
                                         status=Status.SUSPENDED, reason="原" * 101)
    assert Organisation.objects.get(pk=org.pk).status == Status.ACTIVE


def test_it_refuses_an_unknown_kind_or_category(personas, our_org):
    with pytest.raises(Invalid, match="组织类型“club”无效"):
        community(personas.township, name="北关社区文艺队", kind="club")
    with pytest.raises(Invalid, match="类别“sports”无效"):
        community(personas.township, name="北关社区文艺队", category="sports")
    with pytest.raises(Invalid, match="组织类型"):
        services.organisation_update(actor=personas.township, organisation=our_org,
                                     version=our_org.version, kind="club")
    assert Organisation.objects.get(pk=our_org.pk).kind == "community"


def test_it_refuses_unknown_target_groups_naming_them(personas, our_org):
    with pytest.raises(Invalid, match="未知的服务对象:pets、robots") as refused:
        community(personas.township, name="北关社区文艺队",
                  target_groups=["elderly", "pets", "robots"])
    assert "target_groups" in refused.value.details
    assert not Organisation.objects.filter(name="北关社区文艺队").exists()
    with pytest.raises(Invalid, match="pets"):
        services.organisation_update(actor=personas.township, organisation=our_org,
                                     version=our_org.version, target_groups=["pets"])
    assert list(our_org.target_groups.values_list("code", flat=True)) == ["elderly"]


def test_it_refuses_unknown_kinds_in_the_support_structures(personas, our_org):
    charity = community(personas.county, name="城东区慈善协会", kind="social_group",
                        authority=OUR_COUNTY, credit_code=VALID_CODE)
    today = timezone.localdate()
    with pytest.raises(Invalid, match="资格类型"):
        support_services.tax_qualification_add(actor=personas.county, organisation=charity,
                                               kind="vat", valid_from=today,
                                               valid_until=today)
    with pytest.raises(Invalid, match="身份"):
        support_services.volunteer_create(actor=personas.township, name="韩麦",
                                          region_code=our_org.region_code,
                                          organisation_id=our_org.pk, role="boss")
    with pytest.raises(Invalid, match="性别"):
        support_services.volunteer_create(actor=personas.township, name="韩麦",
                                          region_code=our_org.region_code, sex="X")
    with pytest.raises(Invalid, match="职业水平"):
        support_services.volunteer_create(actor=personas.township, name="韩麦",
                                          region_code=our_org.region_code,
                                          certification="doctor")
    assert not charity.tax_qualifications.exists()
    from linli.orgs.models import Volunteer

    assert not Volunteer.objects.exists()


def test_the_migration_withdraws_open_filings_of_unknown_kinds_and_frees_the_organisation(
        personas):
    from importlib import import_module

    from django.apps import apps

    migration = import_module("linli.orgs.migrations.0004_withdraw_unknown_kind_filings")
    org = filed(personas.township, personas.township)
    bogus = Filing.objects.create(
        organisation=org, kind="bogus", filing_region=org.authority_region,
        filing_region_code=org.authority_region_code, submitted_by=personas.township,
        due_on=timezone.localdate() + timedelta(days=15))
    migration.withdraw_unknown(apps, None)
    bogus.refresh_from_db()
    assert bogus.status == FilingStatus.WITHDRAWN
    assert "无法识别" in bogus.events.get(action="withdraw").comment
    change = services.filing_submit(actor=personas.township, organisation=org,
                                    kind=FilingKind.CHANGE, changes={"members_count": 31})
    assert change.status == FilingStatus.SUBMITTED  # no longer blocked
