"""Who hears of a round and of each report's step, and the deadline reminders (7 days,
1 day, overdue), each once, through the notification centre."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from linli.core.models import Notification
from linli.reports import rounds
from linli.reports.round_notices import report_link, report_reminders_send
from linli.reports.tasks import report_reminders_task
from linli.reports.tests.rounds_fixtures import (
    Opened,
    approve_counties,
    open_round,
    opened_round,
    submit,
)


@pytest.fixture
def opened(personas) -> Opened:
    return opened_round(personas)


def _unread(user) -> list[Notification]:
    return list(Notification.objects.filter(user=user, read_at__isnull=True))


def test_opening_a_round_tells_each_units_staff_of_their_own_report(personas, opened):
    for user, report in ((personas.county, opened.county),
                         (personas.prefecture, opened.prefecture),
                         (personas.province_elderly, opened.bureau)):
        notice, = _unread(user)
        assert notice.url == report_link(report) and "新的报送任务" in notice.title
    assert _unread(personas.province) == []  # the opener is not told of their own round
    assert _unread(personas.township) == [] and _unread(personas.auditor) == []


def test_a_submission_tells_the_reviewer_and_settles_the_units_notice(personas, opened):
    submit(personas.county, opened.county)
    notice, = [n for n in _unread(personas.prefecture) if n.url == report_link(opened.county)]
    assert "待审核" in notice.title and "城东区民政局" in notice.body
    assert _unread(personas.county) == []  # the round's call is answered


def test_a_return_tells_the_unit_urgently_with_the_reason(personas, opened):
    submit(personas.county, opened.county)
    rounds.report_return(actor=personas.prefecture, report=opened.county, reason="缺少典型案例")
    notice, = _unread(personas.county)
    assert notice.urgent and "被退回" in notice.title and "缺少典型案例" in notice.body
    assert not [n for n in _unread(personas.prefecture) if n.url == report_link(opened.county)]


def test_an_approval_tells_the_unit(personas, opened):
    approve_counties(personas.prefecture, opened.prefecture)
    submit(personas.prefecture, opened.prefecture)
    assert [n.title for n in _unread(personas.province)
            if n.url == report_link(opened.prefecture)] == ["待审核的总结报告:西宁市民政局"]
    rounds.report_approve(actor=personas.province, report=opened.prefecture)
    notice, = [n for n in _unread(personas.prefecture) if n.url == report_link(opened.prefecture)]
    assert "已审核通过" in notice.title and not notice.urgent
    assert not [n for n in _unread(personas.province) if n.url == report_link(opened.prefecture)]


def _round_due_in(personas, days: int) -> Opened:
    today = timezone.localdate()
    opened = opened_round(personas)
    opened.round.deadline = today + timedelta(days=days)
    opened.round.save()
    Notification.objects.all().delete()  # the round's own call, out of the way
    return opened


def _reminders(user, report) -> list[Notification]:
    return list(Notification.objects.filter(user=user, url=report_link(report)))


def test_it_reminds_seven_days_and_one_day_before_and_when_overdue_each_once(personas):
    opened = _round_due_in(personas, 7)
    today = timezone.localdate()
    assert report_reminders_send(today - timedelta(days=1)) == 0  # 8 days before: nothing yet
    assert report_reminders_send(today) == 61
    notice, = _reminders(personas.county, opened.county)
    assert "将于" in notice.title and "7 天" in notice.body and not notice.urgent
    assert report_reminders_send(today + timedelta(days=2)) == 0  # 7-day reminder sent once
    notice.read_at = timezone.now()
    notice.save()
    assert report_reminders_send(today + timedelta(days=6)) == 61
    one_day, = _unread(personas.county)
    assert "1 天" in one_day.body and one_day.urgent
    assert report_reminders_send(today + timedelta(days=7)) == 0
    assert report_reminders_send(today + timedelta(days=8)) == 61
    overdue, = _unread(personas.county)  # the unread 1-day reminder brought up to date
    assert "已逾期" in overdue.title and "1 天" in overdue.body and overdue.urgent
    assert report_reminders_send(today + timedelta(days=30)) == 0
    opened.county.refresh_from_db()
    assert opened.county.reminded == ["7d", "1d", "overdue"]


def test_a_report_first_reminded_late_gets_only_the_nearest_reminder(personas):
    opened = _round_due_in(personas, 1)
    assert report_reminders_send(timezone.localdate()) == 61
    opened.county.refresh_from_db()
    assert opened.county.reminded == ["1d"]
    assert report_reminders_send(timezone.localdate() + timedelta(days=1)) == 0  # not the 7-day


def test_a_submitted_report_is_not_reminded(personas):
    opened = _round_due_in(personas, 1)
    submit(personas.county, opened.county)
    Notification.objects.all().delete()
    assert report_reminders_send(timezone.localdate()) == 60
    assert _reminders(personas.county, opened.county) == []
    assert len(_reminders(personas.prefecture, opened.prefecture)) == 1


def test_the_command_and_the_task_send_the_same_reminders(personas):
    _round_due_in(personas, 0)
    out = StringIO()
    call_command("report_reminders", stdout=out)
    assert "61 份" in out.getvalue()
    assert report_reminders_task.enqueue().return_value == 0  # sent once already


def test_only_reports_of_open_rounds_due_within_a_week_are_looked_at(personas,
                                                                     django_assert_max_num_queries):
    open_round(personas.province, counties=False, deadline=timezone.localdate() + timedelta(days=30))
    with django_assert_max_num_queries(2):
        assert report_reminders_send(timezone.localdate()) == 0
