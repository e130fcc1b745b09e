"""The reports' documents made in the background (django-tasks; `linli db_worker` runs them)."""

from django_tasks import task

from linli.reports.models import Compilation, CompilationStatus


@task()
def compilation_build_task(compilation_id: int) -> None:
    """The province's compilation of a round (reports.documents.compilation_build)."""
    from linli.reports.documents import compilation_build

    compilation = Compilation.objects.select_related("round").get(pk=compilation_id)
    if compilation.status == CompilationStatus.QUEUED:
        compilation_build(compilation)
