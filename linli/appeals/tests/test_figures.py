"""The appeals' figures (core.indicators) and home to-dos: counted over the appeals the
user may see, by the place an appeal is about."""

import pytest

from conftest import OUR_COUNTY, OUR_TOWNSHIP, OUR_VILLAGE
from linli.accounts.access import access_for
from linli.accounts.models import User
from linli.appeals.tests.conftest import raise_appeal, step
from linli.core import indicators
from linli.core.dashboard import todos_for
from linli.core.indicators import Period
from linli.regions.models import Region

pytestmark = pytest.mark.django_db


def _figure(actor, key, code=OUR_COUNTY):
    values = indicators.get(key).compute(actor, Region.objects.get(code=code),
                                         Period.this_month())
    return {v.region.code: (v.value, v.parts) for v in values}


def test_appeals_raised_closed_and_satisfaction_count_by_place(personas):
    finished = raise_appeal(personas.village, category="public_service")
    for action, fields in (("accept", {}), ("start", {}), ("finish", {"result": "已办理"}),
                           ("follow_up", {"satisfaction": "fair"})):
        step(personas.village, finished, action, **fields)
    raise_appeal(personas.village, category="public_service")  # still waiting
    refused = raise_appeal(personas.village, category="public_service")
    step(personas.village, refused, "reject", comment="不属于受理范围")

    county = personas.county
    assert _figure(county, "appeals_raised")[OUR_COUNTY][0] == 3
    assert _figure(county, "appeals_raised")[OUR_TOWNSHIP][0] == 3
    assert _figure(county, "appeals_closed_rate")[OUR_COUNTY] == (50.0, (1, 2))
    assert _figure(county, "appeals_satisfaction")[OUR_COUNTY] == (100.0, (1, 1))
    # another county's bureau counts none of them
    assert _figure(personas.other_county, "appeals_raised", "630202")["630202"][0] == 0


def test_referrals_are_counted_where_the_appeal_is(personas):
    appeal = raise_appeal(personas.village, consent_basis="emergency")
    step(personas.village, appeal, "accept")
    step(personas.village, appeal, "refer", assistance="temporary", to_region_code=OUR_COUNTY)
    assert _figure(personas.county, "referrals_made", OUR_TOWNSHIP)[OUR_VILLAGE][0] == 1


def _todos(user):
    return todos_for(access_for(User.objects.get(pk=user.pk)))  # as a new request would


def test_the_home_page_lists_what_waits_for_the_user(personas):
    appeal = raise_appeal(personas.village, consent_basis="emergency")
    labels = {t.label: t.count for t in _todos(personas.village)}
    assert labels["待受理的诉求"] == 1
    step(personas.village, appeal, "accept")
    step(personas.village, appeal, "refer", assistance="temporary", to_region_code=OUR_COUNTY)
    assert {t.label: t.count for t in _todos(personas.county)}["转介给本单位、待接收的诉求"] == 1
    assert "待受理的诉求" not in {t.label for t in _todos(personas.village)}
    # the province's bureau has them as a figure, not as a to-do
    assert not any("诉求" in t.label for t in _todos(personas.province))


def test_surveys_and_their_flags_referred_are_counted(personas, elder):
    from linli.appeals import surveys
    from linli.appeals.tests.test_surveys import _consent, _standards, _survey

    _standards()
    _consent(personas.village, elder)
    flagged = _survey(personas.village, elder)
    _survey(personas.village, elder)  # flagged, not referred
    _survey(personas.village, elder, income_wage="90000")  # no flag
    surveys.survey_refer(actor=personas.village, survey=flagged)
    assert _figure(personas.county, "surveys_done")[OUR_COUNTY][0] == 3
    assert _figure(personas.county, "surveys_flagged_referred")[OUR_COUNTY] == (50.0, (1, 2))
    # the elderly bureau has no 社会救助 data: not its figure
    assert not indicators.get("surveys_done").available(access_for(personas.province_elderly))


def test_appeals_by_category_and_the_steps_in_time_are_figures(personas,
                                                               django_assert_max_num_queries):
    from datetime import timedelta

    from django.utils import timezone

    from linli.appeals.models import Appeal

    late = raise_appeal(personas.village, category="housing")
    Appeal.objects.filter(pk=late.pk).update(due_at=timezone.now() - timedelta(hours=1))
    step(personas.village, late, "accept")
    on_time = raise_appeal(personas.village, category="housing")
    step(personas.village, on_time, "accept")
    raise_appeal(personas.village, category="legal")
    assert _figure(personas.county, "appeals_housing")[OUR_COUNTY][0] == 2
    assert _figure(personas.county, "appeals_legal")[OUR_TOWNSHIP][0] == 1
    assert indicators.get("appeals_housing").breakdown
    assert _figure(personas.county, "appeals_on_time")[OUR_COUNTY] == (50.0, (1, 2))
    # every category's figure from one grouped query a request
    access = access_for(User.objects.get(pk=personas.county.pk))
    region = Region.objects.get(code=OUR_COUNTY)
    indicators.get("appeals_legal").compute(access, region, Period.this_month())
    with django_assert_max_num_queries(0):
        indicators.get("appeals_housing").compute(access, region, Period.this_month())
