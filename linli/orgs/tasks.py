from django_tasks import task

from linli.orgs.notices import overdue_reviews_send


@task()
def filing_reminders_task() -> int:
    """The daily filing_reminders, for a scheduler that enqueues tasks instead of running
    commands."""
    return overdue_reviews_send()
