from django_tasks import task

from linli.visits.services import reminders_send, schedules_refresh_all


@task()
def visit_reminders_task() -> dict:
    """The same daily job for a scheduler that enqueues tasks instead of running commands."""
    return reminders_send()


@task()
def schedules_refresh_task() -> int:
    """Every schedule recomputed after a policy or tightening change."""
    return schedules_refresh_all()
