"""Background tasks of the shared mechanisms (django-tasks; `linli db_worker` runs them)."""

from django_tasks import task

from linli.core.models import ImportJob, ImportStatus


@task()
def import_preview_task(job_id: int) -> None:
    from linli.core.importing import run_preview

    job = ImportJob.objects.get(pk=job_id)
    if job.status == ImportStatus.CHECKING:
        run_preview(job)


@task()
def import_commit_task(job_id: int) -> None:
    from linli.core.importing import run_commit

    job = ImportJob.objects.get(pk=job_id)
    if job.status == ImportStatus.COMMITTING:
        run_commit(job)


@task()
def import_report_task(job_id: int) -> None:
    from linli.core.import_report import run_report
    from linli.core.models import ReportStatus

    job = ImportJob.objects.defer("content", "report").get(pk=job_id)
    if job.report_status == ReportStatus.BUILDING:
        run_report(job)


@task()
def import_purge_task() -> dict:
    """The daily import_purge, for a scheduler that enqueues tasks instead of running
    commands."""
    from linli.core.importing import import_purge

    return import_purge()
