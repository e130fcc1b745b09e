from django_tasks import task


@task()
def appeal_reminders_task() -> dict:
    """The daily appeal_reminders, for a scheduler that enqueues tasks instead of running
    commands."""
    from linli.appeals.reminders import reminders_send

    return reminders_send()
