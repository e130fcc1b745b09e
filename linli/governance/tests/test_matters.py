"""「四议两公开」: six steps in order, meetings checked against the quorum and majority rules
kept as data (村民委员会组织法's defaults), publication only after the decision, scope."""

from datetime import timedelta

import pytest
from django.utils import timezone

from conftest import OUR_VILLAGE
from linli.core.errors import Forbidden, IllegalTransition, Invalid, NotFound
from linli.governance import services
from linli.governance.models import Matter, MatterStatus, Meeting, QuorumRule, Step

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def _matter(actor):
    return services.matter_create(actor=actor, region_code=OUR_VILLAGE, title="修缮村活动中心",
                                  origin="residents", category="development")


def _meet(actor, matter, kind, due=30, present=25, votes_for=20, **extra):
    return services.meeting_record(actor=actor, matter=matter, kind=kind,
                                   held_on=extra.pop("held_on", TODAY), due=due,
                                   present=present, votes_for=votes_for, **extra)


def test_a_matter_goes_through_the_six_steps_in_order(personas):
    village = personas.village
    matter = _matter(village)
    for kind in ("party_branch", "two_committees", "party_members"):
        _meet(village, matter, kind)
    meeting = _meet(village, matter, "representatives", due=30, present=20, votes_for=11,
                    notified_on=TODAY - timedelta(days=12))
    assert meeting.quorum_met and meeting.passed
    matter.refresh_from_db()
    assert matter.step == Step.PUBLISH_RESOLUTION
    services.matter_publish(actor=village, matter=matter, place="村务公开栏", text="决议内容",
                            start_on=TODAY, end_on=TODAY + timedelta(days=7))
    services.matter_publish(actor=village, matter=matter, place="村务公开栏", text="已完工",
                            start_on=TODAY, end_on=TODAY + timedelta(days=7))
    matter.refresh_from_db()
    assert matter.status == MatterStatus.DONE
    assert list(matter.events.values_list("to_step", flat=True)) == [
        "propose", "discuss", "review", "resolve", "publish_resolution", "publish_result",
        "publish_result"]


def test_representatives_below_two_thirds_fail_and_the_meeting_is_held_again(personas):
    village = personas.village
    matter = _matter(village)
    for kind in ("party_branch", "two_committees", "party_members"):
        _meet(village, matter, kind)
    failed = _meet(village, matter, "representatives", due=30, present=19, votes_for=19)
    assert not failed.quorum_met and failed.passed is None
    assert "19 / 30" in failed.reckoning and "2/3" in failed.reckoning
    matter.refresh_from_db()
    assert matter.step == Step.RESOLVE  # not passed: held again
    again = _meet(village, matter, "representatives", due=30, present=20, votes_for=10)
    assert again.quorum_met and not again.passed  # 10 of 20 is not more than half
    assert _meet(village, matter, "representatives", due=30, present=20, votes_for=11).passed
    assert Meeting.objects.filter(matter=matter, step="resolve").count() == 3


def test_a_villagers_meeting_is_valid_on_households_and_warned_without_ten_days_notice(
        personas):
    village = personas.village
    matter = _matter(village)
    for kind in ("party_branch", "two_committees", "party_members"):
        _meet(village, matter, kind)
    meeting = _meet(village, matter, "villagers", due=1000, present=400, votes_for=300,
                    households_due=300, households_present=200,
                    notified_on=TODAY - timedelta(days=3))
    assert meeting.quorum_met and meeting.passed  # 400 of 1000 villagers, but 2/3 households
    assert meeting.warnings and "10 天" in meeting.warnings[0]


def test_the_party_members_rule_is_data(personas):
    QuorumRule.objects.filter(kind="party_members").update(present_numerator=4,
                                                           present_denominator=5)
    matter = _matter(personas.village)
    _meet(personas.village, matter, "party_branch")
    _meet(personas.village, matter, "two_committees")
    assert not _meet(personas.village, matter, "party_members", due=30, present=23).quorum_met


@pytest.mark.parametrize("counts, field, said", [
    ({"due": 30, "present": 31}, "present", "不能多于应到人数"),
    ({"due": 30, "present": 20, "votes_for": 15, "votes_against": 6}, "votes_for", "多于实到人数"),
    ({"due": -1, "present": 0}, "due", "整数"),
])
def test_bad_counts_are_refused_with_the_field_said(personas, counts, field, said):
    matter = _matter(personas.village)
    with pytest.raises(Invalid) as refused:
        services.meeting_record(actor=personas.village, matter=matter, kind="party_branch",
                                held_on=TODAY, **{"votes_for": 1, **counts})
    assert said in refused.value.details[field][0]
    assert not Meeting.objects.exists()


def test_no_step_is_skipped_and_nothing_is_published_before_the_decision(personas):
    matter = _matter(personas.village)
    with pytest.raises(IllegalTransition, match="村党组织会议"):
        _meet(personas.village, matter, "representatives")
    with pytest.raises(IllegalTransition, match="决议通过后才能公开"):
        services.matter_publish(actor=personas.village, matter=matter, place="公开栏",
                                text="x", start_on=TODAY, end_on=TODAY)
    _meet(personas.village, matter, "party_branch")
    with pytest.raises(Invalid, match="理由"):
        services.matter_step_back(actor=personas.village, matter=matter, reason="")
    back = services.matter_step_back(actor=personas.village, matter=matter, reason="提议需补充")
    assert back.step == Step.PROPOSE


def test_scope_and_domain(personas):
    matter = _matter(personas.village)
    assert services.matter_get(actor=personas.county, pk=matter.pk) == matter
    for outsider in (personas.other_county, personas.province_elderly):
        with pytest.raises(NotFound):
            services.matter_get(actor=outsider, pk=matter.pk)
    with pytest.raises(Forbidden):
        services.matter_create(actor=personas.other_county, region_code=OUR_VILLAGE,
                               title="x", origin="cadres", category="other")
    assert Matter.objects.count() == 1
