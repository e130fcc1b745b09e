"""The error report of an import: the rows that failed, and those saved with a warning,
as an xlsx of sheet, row, error, warning and the row's values.

When the job stores every error and warning, or its file is gone (a committed or failed
job keeps no bytes, so the first ``importing.KEPT`` of each are all there is), the report
is written from what is stored. Otherwise the file is read again and its rows written as
they come (openpyxl write-only: nothing is held but the current chunk); for a big file a
background task does that while the job page shows its progress, then offers the file
(stored encrypted, like the upload).

Identity numbers are masked in every report; the full one is a reveal
(``error_report_reveal``): the REVEAL_ID permission, a reason, an access-log row, and the
file still there to read them from.
"""

from collections.abc import Iterator

from django.db import transaction
from django.utils.translation import gettext as _

from linli.accounts.access import access_for
from linli.accounts.roles import Perm
from linli.audit.models import AccessLog, Action
from linli.audit.services import access_log_record
from linli.core import bounds, crypto, importing
from linli.core.errors import Forbidden, Invalid
from linli.core.excel import write_xlsx
from linli.core.models import ImportJob, ImportStatus, ReportStatus


def _complete(job: ImportJob) -> bool:
    """Whether every error and warning row is stored in full."""
    return job.error_rows <= len(job.errors) and job.warning_rows <= len(job.warnings)


def needs_task(job: ImportJob) -> bool:
    """Whether the full report has to be written by a background task: some rows are only
    counted, the file is still there to read them again, and it is big."""
    return job.has_file and not _complete(job) and importing.in_background(job)


def error_report(*, job: ImportJob) -> bytes:
    """The report, written now unless it needs the background task (then the one that task
    wrote, or Invalid when it has not been written yet)."""
    if job.report_status == ReportStatus.READY:
        stored = ImportJob.objects.values_list("report", flat=True).get(pk=job.pk)
        return crypto.unseal(bytes(stored), purpose=crypto.REPORT)
    if needs_task(job):
        raise Invalid(_("错误较多,请先在导入页点击“生成完整错误报告”,生成后再下载"))
    rows = _stored_rows(job) if _complete(job) or not job.has_file else _file_rows(job)
    return _write(job, rows)


def error_report_reveal(*, actor, job: ImportJob, reason: str, request=None) -> bytes:
    """The report with identity numbers in full, read again from the file (the stored rows
    keep them masked), for a user who may reveal them and says why; logged."""
    if not access_for(actor).can(Perm.REVEAL_ID):
        raise Forbidden(_("您没有查看完整身份证号的权限"))
    reason = reason.strip()
    if not reason:
        raise Invalid(_("请填写查看事由"), details={"reason": [_("必填")]})
    bounds.check_lengths(AccessLog, {"reason": reason})
    if not job.has_file:
        raise Invalid(_("原文件已删除(导入、放弃或超过保存期限后即删除),无法查看完整身份证号"))
    access_log_record(actor=actor, action=Action.REVEAL, obj=job, reason=reason,
                      request=request, object_repr=_("导入错误报告 %(f)s") % {"f": job.filename})
    return _write(job, _file_rows(job, reveal=True))


def error_report_start(*, actor, job: ImportJob) -> ImportJob:
    """Start writing the full report of a previewed job in the background (once)."""
    started = ImportJob.objects.filter(
        pk=job.pk, created_by=actor, status=ImportStatus.PREVIEWED,
        report_status=ReportStatus.NONE).update(report_status=ReportStatus.BUILDING,
                                                report_rows=0)
    if started:
        from linli.core.tasks import import_report_task

        transaction.on_commit(lambda: import_report_task.enqueue(job.pk))
    return importing.import_job_get(actor=actor, pk=job.pk)


def run_report(job: ImportJob) -> None:
    """The background task's work: the file read again, the report stored for download.
    A job committed meanwhile keeps no report (its stored errors are the report now)."""
    try:
        content = _write(job, _file_rows(job, progress=True))
    except Exception:
        ImportJob.objects.filter(pk=job.pk, report_status=ReportStatus.BUILDING).update(
            report_status=ReportStatus.NONE)
        raise
    ImportJob.objects.filter(pk=job.pk, status=ImportStatus.PREVIEWED,
                             report_status=ReportStatus.BUILDING).update(
        report=crypto.seal(content, purpose=crypto.REPORT), report_status=ReportStatus.READY)


def _write(job: ImportJob, rows: Iterator[list]) -> bytes:
    columns = importing.columns_of(job.kind)
    headers = [_("工作表"), _("行号"), _("错误原因"), _("提醒"), *[str(c.label) for c in columns]]
    return write_xlsx(headers, rows, title=_("导入错误报告 %(f)s") % {"f": job.filename})


def _stored_rows(job: ImportJob) -> Iterator[list]:
    for error in job.errors:
        yield [error["sheet"], error["row"], error["reason"], error.get("warning", ""),
               *error["values"]]
    for warning in job.warnings:
        yield [warning["sheet"], warning["row"], "", warning["reason"], *warning["values"]]
    if not _complete(job):
        yield [_("说明"), None, _(
            "共 %(e)s 行错误、%(w)s 行提醒;原文件已不保存,本报告只含各自的前 %(k)s 行") % {
            "e": f"{job.error_rows:,}", "w": f"{job.warning_rows:,}",
            "k": f"{importing.KEPT:,}"}]


def _file_rows(job: ImportJob, *, progress: bool = False,
               reveal: bool = False) -> Iterator[list]:
    done = 0
    importer = importing.importer_for(actor=job.created_by, kind=job.kind)
    shown = (lambda raw: raw) if reveal else importer.masked
    for chunk in importing.checked_rows(job):
        for row in chunk:
            if row.errors or row.warnings:
                yield [row.sheet, row.number, row.error, ";".join(row.warnings), *shown(row.raw)]
        done += len(chunk)
        if progress:
            ImportJob.objects.filter(pk=job.pk).update(report_rows=done)
