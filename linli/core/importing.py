"""The one import flow: read → validate every row → preview with per-row errors →
commit the good rows idempotently. Each app supplies an Importer. Files above
LINLI_BACKGROUND_IMPORT_BYTES are checked and committed by a background task while the
page shows the progress."""

from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import islice
from typing import Any, ClassVar

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.accounts.access import access_for
from linli.core.errors import DomainError, Invalid, NotFound
from linli.core.excel import Column, cell_text, read_roster, write_xlsx
from linli.core.models import ImportJob, ImportStatus

PREVIEW_ROWS = 20
MAX_BYTES = 40 * 1024 * 1024
CHUNK = 1000


@dataclass
class RowError:
    sheet: str
    row: int
    reason: str
    values: list[str]


@dataclass
class Row:
    sheet: str
    number: int
    raw: list[str]
    cleaned: Any = None
    error: str = ""


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

    def preview_headers(self) -> list[str]:
        return [str(c.label) for c in self.columns]

    @abstractmethod
    def preview_row(self, cleaned) -> list[str]:
        """The cleaned row as text, in the order of preview_headers()."""


_registry: dict[str, type[Importer]] = {}


def register(importer: type[Importer]) -> type[Importer]:
    _registry[importer.kind] = importer
    return importer


def importer_for(*, actor, kind: str) -> Importer:
    cls = _registry.get(kind)
    access = access_for(actor)
    if cls is None or not cls.allowed(access):
        raise NotFound()
    return cls(actor)


def _reason(error: Exception) -> str:
    return str(error.message if isinstance(error, DomainError) else error)


def _rows(importer: Importer, content: bytes) -> Iterator[Row]:
    """Every data row, cleaned or with the reason it cannot be."""
    try:
        sheets = read_roster(content, importer.columns)
    except Exception:  # calamine raises its own errors for files that are not workbooks
        raise Invalid(_("无法读取该文件,请上传 Excel 文件(.xlsx 或 .xls)")) from None
    if not sheets:
        names = "、".join(str(c.label) for c in importer.columns if c.required)
        raise Invalid(_("没有找到表头,请确认表格含有这些列:%(c)s") % {"c": names})
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
            yield row


def _checked(importer: Importer, content: bytes) -> Iterator[list[Row]]:
    """Rows in chunks, after the importer's database checks."""
    rows = _rows(importer, content)
    while chunk := list(islice(rows, CHUNK)):
        good = [r for r in chunk if not r.error]
        for index, reason in importer.check_batch([r.cleaned for r in good]).items():
            good[index].error, good[index].cleaned = reason, None
        yield chunk


def _error(row: Row) -> dict:
    return vars(RowError(row.sheet, row.number, row.error, row.raw))


def _progress(job: ImportJob, processed: int) -> None:
    ImportJob.objects.filter(pk=job.pk).update(processed_rows=processed)


def run_preview(job: ImportJob) -> ImportJob:
    importer = importer_for(actor=job.created_by, kind=job.kind)
    errors, preview, total = [], [], 0
    try:
        for chunk in _checked(importer, bytes(job.content)):
            for row in chunk:
                if row.error:
                    errors.append(_error(row))
                elif len(preview) < PREVIEW_ROWS:
                    preview.append([str(v) for v in importer.preview_row(row.cleaned)])
            total += len(chunk)
            _progress(job, total)
    except Invalid as error:
        job.status, job.message = ImportStatus.FAILED, error.message
        job.save()
        return job
    job.total_rows, job.error_rows, job.valid_rows = total, len(errors), total - len(errors)
    job.errors, job.preview, job.status = errors, preview, ImportStatus.PREVIEWED
    job.processed_rows = total
    job.save()
    return job


def run_commit(job: ImportJob) -> ImportJob:
    importer = importer_for(actor=job.created_by, kind=job.kind)
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    errors, done = [], 0
    for chunk in _checked(importer, bytes(job.content)):
        good = [r for r in chunk if not r.error]
        for row, result in zip(good, importer.commit_batch([r.cleaned for r in good]),
                               strict=True):
            if isinstance(result, DomainError):
                row.error = _reason(result)
            else:
                counts[result] += 1
        errors += [_error(r) for r in chunk if r.error]
        done += len(chunk)
        _progress(job, done)
    job.created_count, job.updated_count = counts["created"], counts["updated"]
    job.unchanged_count, job.errors, job.error_rows = counts["unchanged"], errors, len(errors)
    job.status, job.committed_at, job.processed_rows = ImportStatus.COMMITTED, timezone.now(), done
    job.save()
    return job


def _in_background(job: ImportJob) -> bool:
    return len(job.content) > settings.LINLI_BACKGROUND_IMPORT_BYTES


def import_preview(*, actor, kind: str, filename: str, content: bytes) -> ImportJob:
    """Check every row without writing; a large file is checked by a background task."""
    importer_for(actor=actor, kind=kind)
    if len(content) > MAX_BYTES:
        raise Invalid(_("文件过大(超过 40 MB),请拆分后上传"))
    job = ImportJob.objects.create(kind=kind, filename=filename[:200], content=content,
                                   created_by=actor, status=ImportStatus.CHECKING)
    if _in_background(job):
        from linli.core.tasks import import_preview_task

        transaction.on_commit(lambda: import_preview_task.enqueue(job.pk))
        return job
    job = run_preview(job)
    if job.status == ImportStatus.FAILED:
        raise Invalid(job.message)
    return job


def import_job_get(*, actor, pk: int) -> ImportJob:
    job = ImportJob.objects.filter(pk=pk, created_by=actor).first()
    if job is None:
        raise NotFound()
    return job


def import_commit(*, actor, job: ImportJob) -> ImportJob:
    """Save the good rows; errors met only now (e.g. a record changed since the preview)
    are added to the report. Re-importing the same file changes nothing."""
    updated = ImportJob.objects.filter(pk=job.pk, created_by=actor,
                                       status=ImportStatus.PREVIEWED).update(
        status=ImportStatus.COMMITTING, processed_rows=0)
    if not updated:
        raise Invalid(_("该文件已经导入过了,或尚未检查完毕"))
    job.refresh_from_db()
    if _in_background(job):
        from linli.core.tasks import import_commit_task

        transaction.on_commit(lambda: import_commit_task.enqueue(job.pk))
        return job
    return run_commit(job)


def error_report(*, job: ImportJob) -> bytes:
    importer_cls = _registry[job.kind]
    headers = [_("工作表"), _("行号"), _("错误原因"), *[str(c.label) for c in importer_cls.columns]]
    rows = ([e["sheet"], e["row"], e["reason"], *e["values"]] for e in job.errors)
    return write_xlsx(headers, rows, title=_("导入错误报告 %(f)s") % {"f": job.filename})
