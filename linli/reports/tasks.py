"""Background tasks of the reporting rounds (django-tasks; `linli db_worker` runs them)."""

from django_tasks import task


@task()
def round_prefill_task(round_id: int) -> int:
    """The drafts of a round just opened, written from each unit's figures."""
    from linli.reports.rounds import round_prefill

    return round_prefill(round_id)


@task()
def report_reminders_task() -> int:
    """The daily report_reminders, for a scheduler that enqueues tasks instead of running
    commands."""
    from linli.reports.round_notices import report_reminders_send

    return report_reminders_send()
