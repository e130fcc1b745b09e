from django_tasks import task

from linli.visits.services import reminders_send


@task()
def visit_reminders_task() -> dict:
    """The same daily job for a scheduler that enqueues tasks instead of running commands."""
    return reminders_send()
