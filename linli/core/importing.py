"""The one import flow: read → validate every row → preview with per-row errors →
commit the good rows idempotently. Each app supplies an Importer."""

from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, ClassVar

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.accounts.access import access_for
from linli.core.errors import DomainError, Invalid, NotFound
from linli.core.excel import Column, cell_text, read_roster, write_xlsx
from linli.core.models import ImportJob, ImportStatus

PREVIEW_ROWS = 20
MAX_BYTES = 20 * 1024 * 1024


@dataclass
class RowError:
    sheet: str
    row: int
    reason: str
    values: list[str]


class Importer(ABC):
    kind: ClassVar[str]
    title: ClassVar[str]
    columns: ClassVar[list[Column]]
    permission: ClassVar[str]
    domain: ClassVar[str]

    def __init__(self, actor):
        self.actor = actor

    @abstractmethod
    def clean(self, values: dict[str, Any]) -> Any:
        """The row's values ready to save; raise ValueError or Invalid with the reason."""

    @abstractmethod
    def key(self, cleaned) -> Any:
        """What makes two rows the same record (duplicates within a file are refused)."""

    @abstractmethod
    def commit(self, cleaned) -> str:
        """Create or update; return 'created', 'updated' or 'unchanged'."""

    def preview_headers(self) -> list[str]:
        return [c.label for c in self.columns]

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
    if cls is None or not (access.can(cls.permission) and access.sees_domain(cls.domain)):
        raise NotFound()
    return cls(actor)


def _rows(importer: Importer, content: bytes) -> Iterator[tuple[str, int, Any, RowError | None]]:
    try:
        sheets = read_roster(content, importer.columns)
    except Exception:  # calamine raises its own errors for files that are not workbooks
        raise Invalid(_("无法读取该文件,请上传 Excel 文件(.xlsx 或 .xls)")) from None
    if not sheets:
        names = "、".join(c.label for c in importer.columns if c.required)
        raise Invalid(_("没有找到表头,请确认表格含有这些列:%(c)s") % {"c": names})
    seen: dict[Any, tuple[str, int]] = {}
    for sheet in sheets:
        missing = sheet.missing_required(importer.columns)
        for number, values in sheet.rows:
            raw = [cell_text(values.get(c.key)) for c in importer.columns]
            if missing:
                reason = _("缺少必填列:%(c)s") % {"c": "、".join(str(c.label) for c in missing)}
                yield sheet.name, number, None, RowError(sheet.name, number, reason, raw)
                continue
            try:
                cleaned = importer.clean(values)
                key = importer.key(cleaned)
                if key in seen:
                    first = seen[key]
                    raise ValueError(_("与工作表“%(s)s”第 %(r)d 行重复") % {"s": first[0],
                                                                          "r": first[1]})
                seen[key] = (sheet.name, number)
            except (ValueError, Invalid) as error:
                reason = error.message if isinstance(error, Invalid) else str(error)
                yield sheet.name, number, None, RowError(sheet.name, number, str(reason), raw)
                continue
            yield sheet.name, number, cleaned, None


def import_preview(*, actor, kind: str, filename: str, content: bytes) -> ImportJob:
    importer = importer_for(actor=actor, kind=kind)
    if len(content) > MAX_BYTES:
        raise Invalid(_("文件过大(超过 20 MB),请拆分后上传"))
    job = ImportJob(kind=kind, filename=filename[:200], content=content, created_by=actor)
    errors, preview, total = [], [], 0
    for _sheet, _number, cleaned, error in _rows(importer, content):
        total += 1
        if error is not None:
            errors.append(vars(error))
        elif len(preview) < PREVIEW_ROWS:
            preview.append([str(v) for v in importer.preview_row(cleaned)])
    job.total_rows, job.error_rows = total, len(errors)
    job.valid_rows = total - len(errors)
    job.errors, job.preview = errors, preview
    job.save()
    return job


def import_job_get(*, actor, pk: int) -> ImportJob:
    job = ImportJob.objects.filter(pk=pk, created_by=actor).first()
    if job is None:
        raise NotFound()
    return job


def import_commit(*, actor, job: ImportJob) -> ImportJob:
    """Save the good rows; errors met only now (e.g. a record changed since the preview)
    are added to the report. Re-importing the same file changes nothing."""
    if job.status != ImportStatus.PREVIEWED:
        raise Invalid(_("该文件已经导入过了"))
    importer = importer_for(actor=actor, kind=job.kind)
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    errors = []
    for sheet, number, cleaned, error in _rows(importer, bytes(job.content)):
        if error is not None:
            errors.append(vars(error))
            continue
        try:
            with transaction.atomic():
                counts[importer.commit(cleaned)] += 1
        except (DomainError, ValueError) as failure:
            reason = failure.message if isinstance(failure, DomainError) else str(failure)
            values = [str(v) for v in importer.preview_row(cleaned)]
            errors.append(vars(RowError(sheet, number, str(reason), values)))
    job.created_count, job.updated_count = counts["created"], counts["updated"]
    job.unchanged_count, job.errors, job.error_rows = counts["unchanged"], errors, len(errors)
    job.status, job.committed_at = ImportStatus.COMMITTED, timezone.now()
    job.save()
    return job


def error_report(*, job: ImportJob) -> bytes:
    importer_cls = _registry[job.kind]
    headers = [_("工作表"), _("行号"), _("错误原因"), *[c.label for c in importer_cls.columns]]
    rows = ([e["sheet"], e["row"], e["reason"], *e["values"]] for e in job.errors)
    return write_xlsx(headers, rows, title=_("导入错误报告:%(f)s") % {"f": job.filename})
