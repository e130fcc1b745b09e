"""The region statistics: counts per child region, by category, channel and status, each
step's average days and on-time rate, and the referrals; scoped, and 404 elsewhere."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import OTHER_COUNTY, OUR_COUNTY, OUR_TOWNSHIP
from linli.appeals.models import Appeal
from linli.appeals.statistics import statistics
from linli.appeals.tests.conftest import raise_appeal, step
from linli.core.indicators import Period
from linli.regions.models import Region

pytestmark = pytest.mark.django_db


def _chain(personas):
    """One appeal through every step, its acceptance late; one refused; one waiting."""
    appeal = raise_appeal(personas.village, consent_basis="emergency")
    Appeal.objects.filter(pk=appeal.pk).update(
        step_started_at=timezone.now() - timedelta(days=2),
        due_at=timezone.now() - timedelta(days=1))
    step(personas.village, appeal, "accept")
    step(personas.village, appeal, "refer", assistance="temporary", to_region_code=OUR_COUNTY)
    for actor, action, fields in ((personas.county, "take", {}), (personas.county, "start", {}),
                                  (personas.county, "finish", {"result": "发放临时救助金"}),
                                  (personas.village, "follow_up", {"satisfaction": "satisfied"})):
        step(actor, appeal, action, **fields)
    refused = raise_appeal(personas.village, category="legal")
    step(personas.village, refused, "reject", comment="已通过司法途径处理")
    raise_appeal(personas.village, category="housing")
    return appeal


def test_the_statistics_count_each_region_step_and_referral(personas):
    _chain(personas)
    stats = statistics(actor=personas.county, region=Region.objects.get(code=OUR_COUNTY),
                       period=Period.this_month())
    total = stats.total
    assert (total.raised, total.finished, total.accepted) == (3, 1, 2)
    assert (total.closure_rate, total.satisfaction) == (50.0, 100.0)
    [township] = [row for row in stats.children if row.region.code == OUR_TOWNSHIP]
    assert township.raised == 3
    assert dict(stats.categories) == {"临时救助": 1, "法律": 1, "住房救助": 1}
    assert dict(stats.channels) == {"村(居)委会窗口": 3}
    steps = {s.step: s for s in stats.steps}
    # 受理: the late one (2 days) and the refused one (at once); 1 of 2 in time
    assert (steps["accept"].ended, steps["accept"].on_time) == (2, 1)
    assert steps["accept"].average_days == 1.0
    assert (steps["take"].ended, steps["take"].on_time_rate) == (1, 100.0)
    assert (steps["handle"].ended, steps["follow_up"].ended) == (1, 1)
    assert stats.referrals == [("临时救助", "城东区民政部门", 1)]


def test_another_county_sees_none_of_it_and_gets_404_for_ours(personas, as_user):
    _chain(personas)
    stats = statistics(actor=personas.other_county,
                       region=Region.objects.get(code=OTHER_COUNTY), period=Period.this_month())
    assert stats.total.raised == 0 and all(s.ended == 0 for s in stats.steps)
    url = reverse("appeals:statistics")
    assert as_user(personas.other_county).get(f"{url}?region={OUR_COUNTY}").status_code == 404


def test_the_page_shows_the_figures_in_a_fixed_number_of_queries(
        personas, as_user, django_assert_max_num_queries):
    _chain(personas)
    client = as_user(personas.prefecture)
    with django_assert_max_num_queries(25):
        page = client.get(reverse("appeals:statistics")).content.decode()
    assert 'id="statistics-regions"' in page and "城东区" in page
    assert 'id="step-accept"' in page and "50.0%" in page


def test_the_api_gives_the_same_figures(personas, as_user):
    _chain(personas)
    client = as_user(personas.county)
    body = client.get(f"/api/v1/appeals/statistics?region={OUR_COUNTY}").json()
    assert (body["total"]["raised"], body["total"]["closure_rate"]) == (3, 50.0)
    assert {s["step"]: s["ended"] for s in body["steps"]} == {
        "accept": 2, "take": 1, "handle": 1, "follow_up": 1}
    assert body["referrals"] == [{"assistance": "临时救助", "unit": "城东区民政部门", "count": 1}]
    assert as_user(personas.other_county).get(
        f"/api/v1/appeals/statistics?region={OUR_COUNTY}").status_code == 404
