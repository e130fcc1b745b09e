"""The daily reminders of overdue appeals: the unit that must act, urgently, and the level
above it; a reminder still unread is not repeated."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from conftest import OUR_COUNTY, OUR_PREFECTURE, make_user
from linli.accounts.roles import Role
from linli.appeals.models import Appeal
from linli.appeals.reminders import reminders_send
from linli.appeals.tests.conftest import raise_appeal, step
from linli.core.models import Notification

pytestmark = pytest.mark.django_db


def _late(appeal, hours=5):
    Appeal.objects.filter(pk=appeal.pk).update(due_at=timezone.now() - timedelta(hours=hours))


def _told(**where) -> dict[str, bool]:
    return dict(Notification.objects.filter(**where).values_list("user__username", "urgent"))


def test_a_pending_appeal_past_its_time_reminds_the_place_and_tells_the_county(personas):
    appeal = raise_appeal(personas.village)
    raise_appeal(personas.village)  # in time: no reminder
    _late(appeal)
    sent = reminders_send()
    assert sent == {"appeals": 1, "acting": 2, "above": 1}
    assert _told(title__startswith="诉求已超过办理时限") == {"village": True, "township": True}
    assert _told(title__startswith="下级诉求逾期未办") == {"county": False}
    # the next day, still unread: brought up to date, not a second one
    reminders_send()
    assert Notification.objects.filter(user=personas.village).count() == 1


def test_a_referral_not_taken_reminds_the_office_and_tells_the_level_above(personas):
    make_user("prefecture2", Role.PREFECTURE_BUREAU, OUR_PREFECTURE)
    appeal = raise_appeal(personas.village, consent_basis="emergency")
    step(personas.village, appeal, "accept")
    step(personas.village, appeal, "refer", assistance="temporary", to_region_code=OUR_COUNTY)
    Notification.objects.all().delete()
    _late(appeal)
    out = StringIO()
    call_command("appeal_reminders", stdout=out)
    assert "逾期诉求 1" in out.getvalue()
    assert _told(title__startswith="诉求已超过办理时限") == {"county": True}
    assert _told(title__startswith="下级诉求逾期未办") == {"prefecture": False,
                                                        "prefecture2": False}


def test_a_closed_appeal_is_never_reminded(personas):
    appeal = raise_appeal(personas.village)
    step(personas.village, appeal, "reject", comment="重复登记")
    _late(appeal)
    assert reminders_send()["appeals"] == 0
