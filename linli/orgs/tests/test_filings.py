from datetime import timedelta

import pytest
from django.utils import timezone

from conftest import OUR_VILLAGE, make_user
from linli.accounts.roles import Role
from linli.core.errors import Forbidden, IllegalTransition, Invalid
from linli.orgs import selectors, services
from linli.orgs.models import Filing, FilingKind, FilingStatus, Status
from linli.orgs.tests.conftest import community, filed

pytestmark = pytest.mark.django_db


def _submit(actor, org, kind=FilingKind.ESTABLISH, **kwargs):
    return services.filing_submit(actor=actor, organisation=org, kind=kind, **kwargs)


def test_it_files_an_organisation_with_a_number_and_events(personas, our_org):
    filing = _submit(personas.county, our_org)
    assert filing.status == FilingStatus.SUBMITTED
    assert filing.due_on == timezone.localdate() + timedelta(days=15)
    filing = services.filing_transition(actor=personas.township, filing=filing,
                                        action="approve", comment="材料齐全")
    our_org.refresh_from_db()
    year = timezone.localdate().year
    assert filing.filing_number == our_org.filing_number == f"630102001-{year}-0001"
    assert our_org.status == Status.ACTIVE and our_org.filed_on == timezone.localdate()
    events = list(filing.events.values_list("action", "from_status", "to_status"))
    assert events == [("submit", "", "submitted"), ("approve", "submitted", "approved")]
    assert filing.events.last().actor == personas.township


def test_it_numbers_filings_in_sequence_per_filing_body(personas):
    first = filed(personas.township, personas.township)
    second = filed(personas.township, personas.township, name="北关社区文艺队")
    assert first.filing_number.endswith("-0001") and second.filing_number.endswith("-0002")


def test_it_returns_for_correction_and_accepts_a_resubmission(personas, our_org):
    filing = _submit(personas.county, our_org)
    with pytest.raises(Invalid, match="须填写理由"):
        services.filing_transition(actor=personas.township, filing=filing, action="return")
    services.filing_transition(actor=personas.township, filing=filing, action="return",
                               comment="请补充成员花名册")
    assert list(selectors.filings_returned_to_us(actor=personas.county)) == [filing]
    services.filing_transition(actor=personas.county, filing=filing, action="resubmit")
    filing = services.filing_transition(actor=personas.township, filing=filing,
                                        action="approve")
    assert filing.status == FilingStatus.APPROVED and filing.events.count() == 4


def test_it_rejects_with_reasons(personas, our_org):
    filing = _submit(personas.county, our_org)
    filing = services.filing_transition(actor=personas.township, filing=filing,
                                        action="reject", comment="不属于社区社会组织")
    our_org.refresh_from_db()
    assert filing.status == FilingStatus.REJECTED and our_org.status == Status.PENDING


def test_it_refuses_illegal_transitions_in_chinese(personas, our_org):
    filing = _submit(personas.county, our_org)
    services.filing_transition(actor=personas.township, filing=filing, action="approve")
    with pytest.raises(IllegalTransition, match="当前为“已备案”,不能退回补正"):
        services.filing_transition(actor=personas.township, filing=filing, action="return",
                                   comment="x")
    with pytest.raises(IllegalTransition, match="不能重新提交"):
        services.filing_transition(actor=personas.county, filing=filing, action="resubmit")
    with pytest.raises(Invalid, match="未知操作"):
        services.filing_transition(actor=personas.county, filing=filing, action="delete")


@pytest.mark.parametrize("persona", ["county", "prefecture", "province", "village"])
def test_only_the_filing_body_reviews(personas, our_org, persona):
    filing = _submit(personas.county, our_org)
    with pytest.raises(Forbidden, match="只有备案机关"):
        services.filing_transition(actor=getattr(personas, persona), filing=filing,
                                   action="approve")


def test_a_village_committee_reviews_what_is_filed_with_it(personas):
    org = community(personas.village, name="北关社区楼栋长队", authority=OUR_VILLAGE)
    filing = _submit(personas.village, org)
    assert list(selectors.filings_awaiting_my_review(actor=personas.village)) == [filing]
    assert not selectors.filings_awaiting_my_review(actor=personas.township).exists()
    services.filing_transition(actor=personas.village, filing=filing, action="approve")
    assert Filing.objects.get(pk=filing.pk).filing_number.startswith(OUR_VILLAGE)


def test_it_allows_one_open_filing_at_a_time(personas, our_org):
    _submit(personas.county, our_org)
    with pytest.raises(IllegalTransition, match="未办结"):
        _submit(personas.county, our_org)


def test_it_applies_a_change_filing_on_approval(personas):
    org = filed(personas.township, personas.township)
    with pytest.raises(Invalid, match="至少填写一项"):
        _submit(personas.township, org, FilingKind.CHANGE, changes={"name": org.name})
    filing = _submit(personas.township, org, FilingKind.CHANGE,
                     changes={"leader_name": "韩永福", "members_count": "25"})
    org.refresh_from_db()
    assert org.leader_name == "马秀兰"  # nothing changes before the review
    services.filing_transition(actor=personas.township, filing=filing, action="approve")
    org.refresh_from_db()
    assert (org.leader_name, org.members_count) == ("韩永福", 25)


def test_it_deregisters_through_review(personas):
    org = filed(personas.township, personas.township)
    with pytest.raises(Invalid, match="须说明原因"):
        _submit(personas.township, org, FilingKind.DEREGISTER)
    filing = _submit(personas.township, org, FilingKind.DEREGISTER, reason="成员迁出,自行解散")
    services.filing_transition(actor=personas.township, filing=filing, action="approve")
    org.refresh_from_db()
    assert org.status == Status.DEREGISTERED


def test_it_lists_overdue_reviews(personas, our_org):
    filing = _submit(personas.county, our_org)
    assert not selectors.filings_overdue(actor=personas.county).exists()
    Filing.objects.filter(pk=filing.pk).update(due_on=timezone.localdate() - timedelta(days=3))
    assert list(selectors.filings_overdue(actor=personas.county)) == [filing]
    assert not selectors.filings_overdue(actor=personas.other_county).exists()


def test_it_lets_organisation_staff_file_for_their_own_group(personas, our_org):
    staff = make_user("staff", Role.ORG_STAFF, OUR_VILLAGE)
    staff.memberships.update(organisation=our_org)
    filing = _submit(staff, our_org)
    assert [f.pk for f in selectors.filing_list(actor=staff)] == [filing.pk]
    with pytest.raises(Forbidden):
        services.filing_transition(actor=staff, filing=filing, action="approve")


def test_a_village_sees_the_filing_it_made_with_its_township(personas):
    org = community(personas.village, name="北关社区楼栋长队")
    filing = _submit(personas.village, org)
    assert [f.pk for f in selectors.filing_list(actor=personas.village)] == [filing.pk]
    assert not selectors.filing_list(actor=personas.other_county).exists()


def test_it_numbers_after_the_highest_number_of_the_year(personas, our_org):
    year = timezone.localdate().year
    Filing.objects.create(organisation=our_org, kind=FilingKind.ESTABLISH,
                          filing_region=our_org.authority_region,
                          filing_region_code=our_org.authority_region_code,
                          status=FilingStatus.WITHDRAWN, submitted_by=personas.township,
                          due_on=timezone.localdate(), filing_number=f"630102001-{year}-0007")
    org = filed(personas.township, personas.township, name="北关社区文艺队")
    assert org.filing_number == f"630102001-{year}-0008"
