"""The one import flow: read → validate every row → preview with per-row errors and
warnings → commit the good rows idempotently. Each app supplies an Importer. Files above
LINLI_BACKGROUND_IMPORT_BYTES are checked and committed by a background task while the
page shows the progress.

The work is bounded whatever arrives: at most MAX_ROWS data rows (counted before any row
is read), the first KEPT errors and warnings stored in full beside a count per reason and
the total, and the uploaded bytes kept only until the job is committed or has failed. The
full error report of a big file is written by re-reading it (``core.import_report``)."""

import re
from abc import ABC, abstractmethod
from collections.abc import Iterator
from contextlib import suppress
from dataclasses import dataclass, field
from itertools import islice
from typing import Any, ClassVar

from django.conf import settings
from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.accounts.access import access_for
from linli.core.errors import DomainError, Invalid, NotFound
from linli.core.excel import Column, cell_text, formula_like, read_roster
from linli.core.models import ImportJob, ImportStatus, ReportStatus
from linli.core.workbook_size import check_workbook_size

PREVIEW_ROWS = 20
MAX_BYTES = 40 * 1024 * 1024
MAX_ROWS = 200_000  # data rows of one upload, all sheets together
# Title, header, blank and footer rows, and sheets without a header, beside the data rows:
# the count before reading includes them.
OTHER_ROWS = 1000
CHUNK = 1000
KEPT = 1000  # errors (and warnings) stored in full; the others are only counted
REASON_KINDS = 100  # reasons counted one by one; the rest together as 其他原因
TEXT_MAX = 500  # characters of a stored value or reason (a cell may hold 32,767)


@dataclass
class Row:
    sheet: str
    number: int
    raw: list[str]
    cleaned: Any = None
    error: str = ""
    warnings: list[str] = field(default_factory=list)


def _cut(text: str) -> str:
    return text if len(text) <= TEXT_MAX else text[:TEXT_MAX - 1] + "…"


# The parts of a reason that name the row's own values: quoted text and codes or numbers.
_VALUES_IN_REASON = re.compile(r"“[^”]*”|[0-9A-Za-z]*\d[0-9A-Za-z]*")


def reason_kind(reason: str) -> str:
    """A reason without the row's values, so that rows failing the same way count together:
    在您的辖区内找不到“北关村” → 在您的辖区内找不到“…”."""
    return _VALUES_IN_REASON.sub(lambda m: "“…”" if m.group().startswith("“") else "…", reason)


@dataclass
class Tally:
    """Rows that share a fate (errors, or warnings): the first KEPT in full, a count per
    kind of reason and the total, so a million bad rows store a few hundred kilobytes."""

    kept: list[dict] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    total: int = 0

    def add(self, row: Row, reasons: list[str], *, kinds: list[str] | None = None) -> None:
        self.total += 1
        if len(self.kept) < KEPT:
            self.kept.append({"sheet": row.sheet, "row": row.number,
                              "reason": _cut(";".join(reasons)),
                              "values": [_cut(v) for v in row.raw]})
        for kind in kinds or [reason_kind(r) for r in reasons]:
            kind = _cut(kind)
            if kind not in self.counts and len(self.counts) >= REASON_KINDS:
                kind = _("其他原因")
            self.counts[kind] = self.counts.get(kind, 0) + 1


class Importer(ABC):
    kind: ClassVar[str]
    title: ClassVar[str]
    columns: ClassVar[list[Column]]
    permission: ClassVar[str]
    domain: ClassVar[str]

    def __init__(self, actor):
        self.actor = actor

    @classmethod
    def allowed(cls, access) -> bool:
        return access.can(cls.permission) and access.sees_domain(cls.domain)

    @abstractmethod
    def clean(self, values: dict[str, Any]) -> Any:
        """The row's values ready to save; raise ValueError or Invalid with the reason."""

    @abstractmethod
    def key(self, cleaned) -> Any:
        """What makes two rows the same record (duplicates within a file are refused)."""

    def check_batch(self, cleaned: list) -> dict[int, str]:
        """Checks that need the database, for up to CHUNK rows at once: {index: reason}."""
        return {}

    def commit_batch(self, cleaned: list) -> list[str | DomainError]:
        """Save rows; per row 'created' / 'updated' / 'unchanged' or the error that stopped
        it. The default saves one row at a time through commit()."""
        results: list[str | DomainError] = []
        for row in cleaned:
            try:
                with transaction.atomic():
                    results.append(self.commit(row))
            except DomainError as error:
                results.append(error)
        return results

    def commit(self, cleaned) -> str:
        """Create or update one row; return 'created', 'updated' or 'unchanged'."""
        raise Invalid(_("该导入类型只支持批量保存"))

    def warnings(self, cleaned) -> list[str]:
        """What is worth telling about a row that is saved anyway (a cleaned row may carry
        a ``warnings`` list)."""
        return list(getattr(cleaned, "warnings", ()))

    def preview_headers(self) -> list[str]:
        return [str(c.label) for c in self.columns]

    @abstractmethod
    def preview_row(self, cleaned) -> list[str]:
        """The cleaned row as text, in the order of preview_headers()."""


_registry: dict[str, type[Importer]] = {}


def register(importer: type[Importer]) -> type[Importer]:
    _registry[importer.kind] = importer
    return importer


def columns_of(kind: str) -> list[Column]:
    """The columns of a registered import kind."""
    return _registry[kind].columns


def importer_for(*, actor, kind: str) -> Importer:
    cls = _registry.get(kind)
    access = access_for(actor)
    if cls is None or not cls.allowed(access):
        raise NotFound()
    return cls(actor)


def _reason(error: Exception) -> str:
    return str(error.message if isinstance(error, DomainError) else error)


def _sheets(importer: Importer, content: bytes) -> list:
    """The workbook's roster sheets, refused before any row is checked when it holds more
    than MAX_ROWS data rows (a big file is refused before it is even read)."""
    check_workbook_size(content, max_rows=MAX_ROWS + OTHER_ROWS, data_rows=MAX_ROWS)
    try:
        sheets = read_roster(content, importer.columns)
    except Exception:  # calamine raises its own errors for files that are not workbooks
        raise Invalid(_("无法读取该文件,请上传 Excel 文件(.xlsx 或 .xls)")) from None
    if not sheets:
        names = "、".join(str(c.label) for c in importer.columns if c.required)
        raise Invalid(_("没有找到表头,请确认表格含有这些列:%(c)s") % {"c": names})
    rows = sum(len(sheet.rows) for sheet in sheets)
    if rows > MAX_ROWS:
        raise Invalid(_("表格共有 %(n)s 行数据,超过 %(m)s 行的上限,请拆分成多个文件后分批上传")
                      % {"n": f"{rows:,}", "m": f"{MAX_ROWS:,}"})
    return sheets


def _formula_warnings(importer: Importer, raw: list[str]) -> list[str]:
    """Text a spreadsheet would run as a formula: saved as text (exports neutralise it),
    but the clerk is told, since such a value is rarely what the roster meant."""
    return [_("“%(c)s”以“%(s)s”开头,可能是公式,已按文本保存") % {"c": column.label, "s": text[0]}
            for column, text in zip(importer.columns, raw, strict=True) if formula_like(text)]


def _rows(importer: Importer, content: bytes) -> Iterator[Row]:
    """Every data row, cleaned (with its warnings) or with the reason it cannot be."""
    sheets = _sheets(importer, content)
    seen: dict[Any, tuple[str, int]] = {}
    for sheet in sheets:
        missing = sheet.missing_required(importer.columns)
        for number, values in sheet.rows:
            row = Row(sheet.name, number, [cell_text(values.get(c.key)) for c in importer.columns])
            if missing:
                row.error = _("缺少必填列:%(c)s") % {"c": "、".join(str(c.label) for c in missing)}
                yield row
                continue
            try:
                row.cleaned = importer.clean(values)
                key = importer.key(row.cleaned)
                if key in seen:
                    raise ValueError(_("与工作表“%(s)s”第 %(r)d 行重复") % {
                        "s": seen[key][0], "r": seen[key][1]})
                seen[key] = (sheet.name, number)
            except (ValueError, DomainError) as error:
                row.cleaned, row.error = None, _reason(error)
            else:
                row.warnings = [*_formula_warnings(importer, row.raw),
                                *importer.warnings(row.cleaned)]
            yield row


def _checked(importer: Importer, content: bytes) -> Iterator[list[Row]]:
    """Rows in chunks, after the importer's database checks."""
    rows = _rows(importer, content)
    while chunk := list(islice(rows, CHUNK)):
        good = [r for r in chunk if not r.error]
        for index, reason in importer.check_batch([r.cleaned for r in good]).items():
            good[index].error, good[index].cleaned, good[index].warnings = reason, None, []
        yield chunk


def checked_rows(job: ImportJob) -> Iterator[list[Row]]:
    """The job's file read again and checked, in chunks (for the full error report)."""
    importer = importer_for(actor=job.created_by, kind=job.kind)
    return _checked(importer, _content(job))


def _content(job: ImportJob) -> bytes:
    if "content" not in job.get_deferred_fields():
        return bytes(job.content)
    return bytes(ImportJob.objects.values_list("content", flat=True).get(pk=job.pk))


def _progress(job: ImportJob, processed: int) -> None:
    ImportJob.objects.filter(pk=job.pk).update(processed_rows=processed)


def _tally(job: ImportJob, errors: Tally, warnings: Tally) -> None:
    job.errors, job.error_counts, job.error_rows = errors.kept, errors.counts, errors.total
    job.warnings, job.warning_counts = warnings.kept, warnings.counts
    job.warning_rows = warnings.total


_TALLY_FIELDS = ["errors", "error_counts", "error_rows", "warnings", "warning_counts",
                 "warning_rows"]


def _fail(job: ImportJob, message: str) -> ImportJob:
    """A failed job keeps the reason and nothing of the file."""
    job.status, job.message, job.content = ImportStatus.FAILED, message[:200], b""
    job.save(update_fields=["status", "message", "content"])
    return job


def _failing(job: ImportJob, run):
    """``run(job)``, the job marked failed (and its bytes dropped) if it raises."""
    try:
        return run(job)
    except Invalid as error:
        return _fail(job, error.message)
    except Exception:
        with suppress(DatabaseError):  # a broken transaction cannot record it; re-raise anyway
            _fail(job, _("处理文件时出错,请稍后重试或联系系统管理员"))
        raise


def run_preview(job: ImportJob) -> ImportJob:
    return _failing(job, _preview)


def _preview(job: ImportJob) -> ImportJob:
    importer = importer_for(actor=job.created_by, kind=job.kind)
    errors, warnings, preview, total = Tally(), Tally(), [], 0
    for chunk in _checked(importer, _content(job)):
        for row in chunk:
            if row.error:
                errors.add(row, [row.error])
                continue
            if row.warnings:
                warnings.add(row, row.warnings, kinds=row.warnings)
            if len(preview) < PREVIEW_ROWS:
                preview.append([_cut(str(v)) for v in importer.preview_row(row.cleaned)])
        total += len(chunk)
        _progress(job, total)
    _tally(job, errors, warnings)
    job.total_rows, job.valid_rows, job.processed_rows = total, total - errors.total, total
    job.preview, job.status = preview, ImportStatus.PREVIEWED
    job.save(update_fields=[*_TALLY_FIELDS, "total_rows", "valid_rows", "processed_rows",
                            "preview", "status"])
    return job


def run_commit(job: ImportJob) -> ImportJob:
    return _failing(job, _commit)


def _commit(job: ImportJob) -> ImportJob:
    """Save the good rows. Afterwards the job keeps its counts and the capped errors and
    warnings (the report is built from them): not the file, the preview or a report."""
    importer = importer_for(actor=job.created_by, kind=job.kind)
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    errors, warnings, done = Tally(), Tally(), 0
    for chunk in _checked(importer, _content(job)):
        good = [r for r in chunk if not r.error]
        for row, result in zip(good, importer.commit_batch([r.cleaned for r in good]),
                               strict=True):
            if isinstance(result, DomainError):
                row.error = _reason(result)
            else:
                counts[result] += 1
        for row in chunk:
            if row.error:
                errors.add(row, [row.error])
            elif row.warnings:
                warnings.add(row, row.warnings, kinds=row.warnings)
        done += len(chunk)
        _progress(job, done)
    _tally(job, errors, warnings)
    job.created_count, job.updated_count = counts["created"], counts["updated"]
    job.unchanged_count, job.processed_rows = counts["unchanged"], done
    job.status, job.committed_at = ImportStatus.COMMITTED, timezone.now()
    job.content, job.preview, job.report, job.report_status = b"", [], None, ReportStatus.NONE
    job.save(update_fields=[*_TALLY_FIELDS, "created_count", "updated_count",
                            "unchanged_count", "processed_rows", "status", "committed_at",
                            "content", "preview", "report", "report_status"])
    return job


def in_background(job: ImportJob) -> bool:
    """Whether the job's file is big enough for its work to run as a background task."""
    return job.file_bytes > settings.LINLI_BACKGROUND_IMPORT_BYTES


def import_preview(*, actor, kind: str, filename: str, content: bytes) -> ImportJob:
    """Check every row without writing; a large file is checked by a background task."""
    importer_for(actor=actor, kind=kind)
    if len(content) > MAX_BYTES:
        raise Invalid(_("文件过大(超过 40 MB),请拆分后上传"))
    # Under a second even for a million rows: a workbook too big is refused before it is
    # stored (storing 25 MB costs the process 200 MB) or read.
    check_workbook_size(content, max_rows=MAX_ROWS + OTHER_ROWS, data_rows=MAX_ROWS)
    job = ImportJob.objects.create(kind=kind, filename=filename[:200], content=content,
                                   file_bytes=len(content), created_by=actor,
                                   status=ImportStatus.CHECKING)
    if in_background(job):
        from linli.core.tasks import import_preview_task

        transaction.on_commit(lambda: import_preview_task.enqueue(job.pk))
        return job
    job = run_preview(job)
    if job.status == ImportStatus.FAILED:
        raise Invalid(job.message)
    return job


def import_job_get(*, actor, pk: int) -> ImportJob:
    """One of the actor's jobs, without its file or report (they are read when needed)."""
    job = ImportJob.objects.filter(pk=pk, created_by=actor).defer("content", "report").first()
    if job is None:
        raise NotFound()
    return job


def import_jobs_recent(*, actor, kind: str, limit: int = 10):
    """The actor's latest jobs of a kind, for a list: no blob is loaded."""
    return ImportJob.objects.filter(created_by=actor, kind=kind).only(
        "pk", "kind", "filename", "created_at", "status")[:limit]


def import_commit(*, actor, job: ImportJob) -> ImportJob:
    """Save the good rows; errors met only now (e.g. a record changed since the preview)
    are added to the report. Re-importing the same file changes nothing."""
    updated = ImportJob.objects.filter(pk=job.pk, created_by=actor,
                                       status=ImportStatus.PREVIEWED).update(
        status=ImportStatus.COMMITTING, processed_rows=0)
    if not updated:
        raise Invalid(_("该文件已经导入过了,或尚未检查完毕"))
    job = ImportJob.objects.defer("content", "report").get(pk=job.pk)
    if in_background(job):
        from linli.core.tasks import import_commit_task

        transaction.on_commit(lambda: import_commit_task.enqueue(job.pk))
        return job
    return run_commit(job)
