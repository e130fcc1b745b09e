"""The appeals workflow: intake, 受理 → 转介 → 接收 / 退回 → 办理 → 办结 → 回访 → 关闭, with
consent before a referral, due times from the rules, events and notices."""

from datetime import timedelta

import pytest
from django.utils import timezone

from conftest import OTHER_VILLAGE, OUR_COUNTY, OUR_TOWNSHIP, OUR_VILLAGE, make_user
from linli.accounts.roles import Role
from linli.appeals import selectors
from linli.appeals.models import Appeal, AppealStatus, DueRule, Force, Referral
from linli.appeals.tests.conftest import raise_appeal, step
from linli.core.errors import Forbidden, IllegalTransition, Invalid, NotFound
from linli.core.models import Notification
from linli.people import services as people
from linli.regions.models import Region

pytestmark = pytest.mark.django_db


def test_a_resident_at_the_village_office_is_registered_pending_with_its_due_time(personas):
    before = timezone.now()
    appeal = raise_appeal(personas.village)
    assert appeal.status == AppealStatus.PENDING and appeal.region_code == OUR_VILLAGE
    assert len(appeal.code) == 10 and appeal.requester_name == "李大姐"
    assert before + timedelta(hours=23) < appeal.due_at <= timezone.now() + timedelta(hours=24)
    [event] = appeal.events.all()
    assert (event.action, event.to_status, event.actor) == ("create", "pending", personas.village)


def test_an_urgent_appeal_tells_the_village_and_township_at_once(
        personas, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        appeal = raise_appeal(personas.village, urgency="urgent")
    assert appeal.due_at <= timezone.now() + timedelta(hours=2)
    told = set(Notification.objects.filter(urgent=True).values_list("user__username", flat=True))
    assert told == {"village", "township"}


def test_the_whole_chain_to_temporary_assistance_at_the_county(
        personas, elder, django_capture_on_commit_callbacks):
    people.consent_record(actor=personas.village, person=elder, purpose="探访与转介",
                          given_by="马福寿", relation="本人", given_on=timezone.localdate())
    appeal = raise_appeal(personas.village, elder)
    assert appeal.region_code == elder.region_code and appeal.person == elder
    step(personas.village, appeal, "accept")
    with django_capture_on_commit_callbacks(execute=True):
        referred = step(personas.village, appeal, "refer", assistance="temporary",
                        to_region_code=OUR_COUNTY, note="临时救助申请")
    assert referred.status == AppealStatus.REFERRED
    assert Notification.objects.filter(user=personas.county, title__contains="临时救助").exists()
    assert [a.pk for a in selectors.work_list(actor=personas.county, tab="to_take")] == [
        appeal.pk]
    with pytest.raises(Forbidden):  # the village cannot take what went to the county
        step(personas.village, appeal, "take")
    step(personas.county, appeal, "take")
    step(personas.county, appeal, "start")
    with pytest.raises(Invalid, match="办理结果"):
        step(personas.county, appeal, "finish")
    step(personas.county, appeal, "finish", result="发放临时救助金 2000 元")
    with pytest.raises(Invalid, match="满意度"):
        step(personas.village, appeal, "follow_up")
    step(personas.village, appeal, "follow_up", satisfaction="satisfied", comment="电话回访")
    closed = step(personas.village, appeal, "close")
    assert closed.status == AppealStatus.CLOSED and closed.closed_at and closed.due_at is None
    assert [e.action for e in closed.events.all()] == [
        "create", "accept", "refer", "take", "start", "finish", "follow_up", "close"]
    assert Referral.objects.get(appeal=appeal).status == "done"


def test_a_referral_without_consent_is_refused_and_nothing_changes(personas):
    appeal = raise_appeal(personas.village)
    step(personas.village, appeal, "accept")
    with pytest.raises(Invalid, match="知情同意") as refused:
        step(personas.village, appeal, "refer", assistance="temporary", to_region_code=OUR_COUNTY)
    assert "consent_basis" in refused.value.details
    assert Appeal.objects.get(pk=appeal.pk).status == AppealStatus.ACCEPTED
    assert not Referral.objects.exists()
    emergency = raise_appeal(personas.village, consent_basis="emergency")
    step(personas.village, emergency, "accept")
    assert step(personas.village, emergency, "refer", assistance="temporary",
                to_region_code=OUR_TOWNSHIP).status == AppealStatus.REFERRED


def test_a_unit_sends_a_referral_back_with_its_reason_and_it_can_go_elsewhere(personas):
    appeal = raise_appeal(personas.village, consent_basis="consent")
    step(personas.village, appeal, "accept")
    step(personas.village, appeal, "refer", assistance="medical", to_region_code=OUR_TOWNSHIP)
    with pytest.raises(Invalid, match="理由"):
        step(personas.township, appeal, "send_back")
    back = step(personas.township, appeal, "send_back", comment="属县级医疗救助,请转县局")
    assert back.status == AppealStatus.ACCEPTED
    assert Referral.objects.get().answer == "属县级医疗救助,请转县局"
    step(personas.village, appeal, "refer", assistance="medical", to_region_code=OUR_COUNTY)
    assert selectors.open_referral(appeal).to_region_code == OUR_COUNTY


def test_illegal_steps_are_refused_with_the_state_named(personas):
    appeal = raise_appeal(personas.village)
    with pytest.raises(IllegalTransition, match="待受理"):
        step(personas.village, appeal, "finish", result="x")
    with pytest.raises(Invalid, match="没有这个操作"):
        step(personas.village, appeal, "approve")
    with pytest.raises(Invalid, match="理由"):
        step(personas.village, appeal, "reject")
    rejected = step(personas.village, appeal, "reject", comment="不属于民政职责,已告知去向")
    assert rejected.status == AppealStatus.REJECTED
    assert step(personas.village, appeal, "reopen", comment="补充材料").status == "accepted"


def test_an_appeal_closed_more_than_30_days_ago_is_not_reopened(personas):
    appeal = raise_appeal(personas.village)
    step(personas.village, appeal, "reject", comment="重复登记")
    Appeal.objects.filter(pk=appeal.pk).update(closed_at=timezone.now() - timedelta(days=31))
    with pytest.raises(IllegalTransition, match="30"):
        step(personas.village, appeal, "reopen", comment="再看看")


def test_another_county_neither_sees_nor_acts_on_our_appeal(personas):
    appeal = raise_appeal(personas.village)
    assert not selectors.appeals_visible(personas.other_county).exists()
    with pytest.raises(NotFound):
        selectors.appeal_get(actor=personas.other_county, pk=appeal.pk)
    with pytest.raises(NotFound):
        step(personas.other_county, appeal, "accept")
    with pytest.raises(Invalid, match="辖区"):
        raise_appeal(personas.county, region_code=OTHER_VILLAGE)


def test_assistance_appeals_are_seen_only_with_the_assistance_domain(personas):
    appeal = raise_appeal(personas.village)  # 临时救助: 社会救助
    elderly_bureau = personas.province_elderly
    assert not selectors.appeals_visible(elderly_bureau).filter(pk=appeal.pk).exists()
    assistance = make_user("sheng_jz", Role.PROVINCE_BUREAU, "63", "social_assistance")
    assert selectors.appeals_visible(assistance).filter(pk=appeal.pk).exists()
    care = raise_appeal(personas.village, category="elderly_care", description="需要助餐")
    assert selectors.appeals_visible(elderly_bureau).filter(pk=care.pk).exists()


def test_an_organisation_sees_the_appeals_it_raised_or_was_referred(personas):
    from linli.accounts.models import Membership
    from linli.orgs.tests.conftest import community

    org = community(personas.township, name="北关社区助老服务队")
    staff = make_user("zuzhi", Role.ORG_STAFF, OUR_VILLAGE)
    Membership.objects.filter(user=staff).update(organisation=org)
    other = raise_appeal(personas.village, category="elderly_care", description="助餐")
    force = Force.objects.create(name="北关社区助老服务队", kind="organisation",
                                 region=Region.objects.get(code=OUR_VILLAGE), organisation=org)
    assert not selectors.appeals_visible(staff).filter(pk=other.pk).exists()
    step(personas.village, other, "accept")
    Appeal.objects.filter(pk=other.pk).update(consent_basis="consent")
    step(personas.village, other, "refer", assistance="elderly_care", to_force_id=force.pk)
    assert selectors.appeals_visible(staff).filter(pk=other.pk).exists()
    assert [a.pk for a in selectors.work_list(actor=staff, tab="to_take")] == [other.pk]
    step(staff, other, "take")
    mine = raise_appeal(staff, category="elderly_care", description="想参加老年活动",
                        channel="worker")
    assert mine.organisation == org
    assert set(selectors.appeals_visible(staff).values_list("pk", flat=True)) == {
        other.pk, mine.pk}


def test_the_due_time_follows_the_most_specific_rule(personas):
    from linli.appeals.models import Category

    DueRule.objects.create(category=Category.objects.get(code="temporary"), urgency="urgent",
                           step="accept", hours=1)
    urgent = raise_appeal(personas.village, urgency="urgent")
    assert urgent.due_at <= timezone.now() + timedelta(hours=1)
    other = raise_appeal(personas.village, urgency="urgent", category="legal",
                         description="法律咨询")
    assert timezone.now() + timedelta(minutes=90) < other.due_at  # the 2-hour default


def test_overdue_appeals_are_on_the_overdue_list(personas):
    appeal = raise_appeal(personas.village)
    assert not selectors.work_list(actor=personas.county, tab="overdue").exists()
    Appeal.objects.filter(pk=appeal.pk).update(due_at=timezone.now() - timedelta(hours=1))
    assert [a.pk for a in selectors.work_list(actor=personas.county, tab="overdue")] == [
        appeal.pk]
    assert Appeal.objects.get(pk=appeal.pk).is_overdue


def test_a_referral_to_the_province_tells_only_the_bureaus_that_see_it(
        personas, django_capture_on_commit_callbacks):
    from linli.accounts.roles import Bureau

    assistance = make_user("sheng_jiuzhu", Role.PROVINCE_BUREAU, "63", Bureau.SOCIAL_ASSISTANCE)
    appeal = raise_appeal(personas.village, consent_basis="emergency")
    step(personas.village, appeal, "accept")
    with django_capture_on_commit_callbacks(execute=True):
        step(personas.village, appeal, "refer", assistance="temporary", to_region_code="63")
    told = set(Notification.objects.filter(title__startswith="转介待接收")
               .values_list("user__username", flat=True))
    assert told == {assistance.username}  # not the 社会组织管理局 nor the 养老服务处
