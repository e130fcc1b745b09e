"""The one import flow: read → validate every row → preview with per-row errors and
warnings → commit the good rows idempotently. Each app supplies an Importer. Files above
LINLI_BACKGROUND_IMPORT_BYTES are checked and committed by a background task while the
page shows the progress.

The work is bounded whatever arrives: at most MAX_ROWS data rows (counted before any row
is read), the first KEPT errors and warnings stored in full beside a count per reason and
the total, and the uploaded bytes kept only until the job is committed, abandoned or has
failed (and never beyond LINLI_IMPORT_RETENTION_DAYS: ``import_purge``). The full error
report of a big file is written by re-reading it (``core.import_report``).

A roster is personal data: its bytes are stored encrypted (``core.crypto``), and the values
an importer names in ``sensitive_columns`` (identity numbers) are stored and reported
masked; only a reveal (``import_report.error_report_reveal``) reads them in full."""

import gc
import inspect
import re
from abc import ABC, abstractmethod
from collections.abc import Iterator
from contextlib import closing, contextmanager, suppress
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import islice
from typing import Any, ClassVar

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.accounts.access import access_for
from linli.core import crypto, import_kept, import_writers
from linli.core.errors import DomainError, Invalid, NotFound
from linli.core.excel import (
    FORMULA_STARTS,
    Column,
    cell_text,
    choice_key,
    formula_like,
    iter_roster,
)
from linli.core.models import ImportJob, ImportMemory, ImportStatus, ReportStatus
from linli.core.workbook_size import check_workbook_size

PREVIEW_ROWS = 20
# A 1,000,000-row roster of 11 columns is about 60 MB of xlsx; its rows are streamed, and
# the reader's copy of the sheet (calamine, about 1 GB) bounds the work's memory.
MAX_BYTES = 100 * 1024 * 1024
MAX_ROWS = 1_000_000  # data rows of one upload, all sheets together
# Title, header, blank and footer rows, and sheets without a header, beside the data rows:
# the count before reading includes them.
OTHER_ROWS = 1000
CHUNK = 1000
KEPT = 1000  # errors (and warnings) stored in full; the others are only counted
REASON_KINDS = 100  # reasons counted one by one; the rest together as 其他原因
TEXT_MAX = 500  # characters of a stored value or reason (a cell may hold 32,767)
STUCK = timedelta(days=1)  # a job whose work has not moved for this long is ended


class RowProblems(ValueError):
    """Everything wrong with a row at once, from ``Importer.clean``: the errors that stop
    it, and warnings worth telling beside them (a clean row returns its warnings on the
    cleaned value instead)."""

    def __init__(self, errors: list[str], warnings: list[str] | None = None):
        self.errors = [str(e) for e in errors]
        self.warnings = [str(w) for w in warnings or ()]
        super().__init__(";".join(self.errors))


class Problems:
    """Collects a row's errors while ``clean`` goes on checking its other cells:

        problems = Problems()
        with problems.check():
            region = find(...)
        problems.raise_if_any()  # RowProblems with every error met
    """

    def __init__(self):
        self.errors: list[str] = []
        self.warnings: list[str] = []

    @contextmanager
    def check(self):
        try:
            yield
        except RowProblems as problems:
            self.errors += problems.errors
            self.warnings += problems.warnings
        except (ValueError, DomainError) as error:
            self.errors.append(_reason(error))

    def raise_if_any(self) -> None:
        if self.errors:
            raise RowProblems(self.errors, self.warnings)


@dataclass
class Row:
    sheet: str
    number: int
    raw: list[str]
    cleaned: Any = None
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def error(self) -> str:
        return ";".join(self.errors)


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

    mask: Any = None  # Importer.masked: the row's values as they may be stored
    kept: list[dict] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    total: int = 0

    def add(self, row: Row, reasons: list[str], *, kinds: list[str] | None = None,
            warnings: list[str] = ()) -> None:
        """One row, counted once whatever the number of its reasons; each reason counted
        under its kind."""
        self.total += 1
        if len(self.kept) < KEPT:
            values = self.mask(row.raw) if self.mask else row.raw
            kept = {"sheet": row.sheet, "row": row.number, "reason": _cut(";".join(reasons)),
                    "values": [_cut(v) for v in values]}
            if warnings:
                kept["warning"] = _cut(";".join(warnings))
            self.kept.append(kept)
        for kind in dict.fromkeys(kinds or [reason_kind(r) for r in reasons]):
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
    # Keys of columns holding identity numbers: stored and reported masked.
    sensitive_columns: ClassVar[tuple[str, ...]] = ()
    # The file's options asked on the upload page, for an importer that takes options.
    option_fields: ClassVar[tuple[str, ...]] = ("region", "group")

    def __init__(self, actor, options: dict | None = None):
        self.actor = actor
        self.options = options or {}

    @classmethod
    def takes_options(cls) -> bool:
        """Whether the importer reads the file's options (its own __init__ takes them)."""
        return (cls.__init__ is not Importer.__init__
                and "options" in inspect.signature(cls.__init__).parameters)

    def start_sheet(self, sheet) -> None:  # noqa: B027 — a hook; most importers need none
        """Called before a sheet's rows (``sheet.name``, ``sheet.title``): a roster may say
        in them where its rows live."""

    @classmethod
    def allowed(cls, access) -> bool:
        return access.can(cls.permission) and access.sees_domain(cls.domain)

    @abstractmethod
    def clean(self, values: dict[str, Any]) -> Any:
        """The row's values ready to save; raise ValueError or Invalid with the reason, or
        RowProblems with every error (and warning) found (see ``Problems``)."""

    @abstractmethod
    def key(self, cleaned) -> Any:
        """What makes two rows the same record (duplicates within a file are refused)."""

    def check_batch(self, cleaned: list) -> dict[int, str | list[str]]:
        """Checks that need the database, for up to CHUNK rows at once: {index: reason or
        reasons}."""
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

    def questions(self) -> dict[str, list[dict]]:
        """After the preview's pass: what the user is to decide, by option name, e.g.
        {"group_values": [{"value": "孤寡", "rows": 12}], "places": [{"value": "新村",
        "rows": 5, "candidates": [{"code": …, "label": …}]}]}; the answers come back in
        the file's options and the file is checked again."""
        return {}

    def choices_for(self, question: str) -> list[tuple[str, str]]:
        """The answers (value, label) a question offers when its items name no
        candidates of their own (every group, for a category value)."""
        return []

    def warnings(self, cleaned) -> list[str]:
        """What is worth telling about a row that is saved anyway (a cleaned row may carry
        a ``warnings`` list)."""
        return list(getattr(cleaned, "warnings", ()))

    def masked(self, raw: list[str]) -> list[str]:
        """The row's cell texts as they may be stored or shown: sensitive ones masked."""
        keys = set(self.sensitive_columns)
        return [crypto.mask_number(text) if column.key in keys else text
                for column, text in zip(self.columns, raw, strict=True)]

    def shown_columns(self) -> list[int]:
        """Which values name a bad row on the page: the first column (the name) and the
        sensitive ones (masked)."""
        keys = set(self.sensitive_columns)
        return [0, *(i for i, c in enumerate(self.columns) if c.key in keys and i)]

    def preview_headers(self) -> list[str]:
        return [str(c.label) for c in self.columns]

    # The shape of pack()'s rows, renamed whenever it changes (rows kept by other code are
    # not read); "" when the importer does not pack its rows: its commit reads the file again.
    packing: ClassVar[str] = ""

    def pack(self, cleaned) -> tuple:
        """A checked row as plain values (str, int, None, lists, tuples, dicts), kept from
        the preview for the commit (``core.import_kept``)."""
        raise NotImplementedError

    def unpack(self, packed: tuple) -> Any:
        """The checked row again, from pack(); ValueError or Invalid when it can no longer
        be saved as it was checked (its region has left the actor's scope …)."""
        raise NotImplementedError

    @abstractmethod
    def preview_row(self, cleaned) -> list[str]:
        """The cleaned row as text, in the order of preview_headers()."""


_registry: dict[str, type[Importer]] = {}


def register(importer: type[Importer]) -> type[Importer]:
    _registry[importer.kind] = importer
    return importer


def kinds() -> list[str]:
    """The registered import kinds (the API's value set for them)."""
    return sorted(_registry)


def columns_of(kind: str) -> list[Column]:
    """The columns of a registered import kind."""
    return _registry[kind].columns


def importer_for(*, actor, kind: str, options: dict | None = None) -> Importer:
    """The kind's importer for the actor (404 when it is not theirs), given the file's
    options when it takes them (an importer refuses a bad option with Invalid)."""
    cls = _registry.get(kind)
    access = access_for(actor)
    if cls is None or not cls.allowed(access):
        raise NotFound()
    return cls(actor, options=options) if options and cls.takes_options() else cls(actor)


def _reason(error: Exception) -> str:
    return str(error.message if isinstance(error, DomainError) else error)


def _sheets(importer: Importer, content: bytes, chosen: dict | None = None) -> Iterator:
    """The workbook's roster sheets one at a time, their rows read as they are used; the
    workbook is refused before any row is read when it holds more than MAX_ROWS rows."""
    check_workbook_size(content, max_rows=MAX_ROWS + OTHER_ROWS, data_rows=MAX_ROWS)
    try:
        sheets = iter_roster(content, importer.columns, chosen=chosen)
        sheet = next(sheets, None)
    except Exception:  # calamine raises its own errors for files that are not workbooks
        raise Invalid(_("无法读取该文件,请上传 Excel 文件(.xlsx 或 .xls)")) from None
    if sheet is None:
        names = "、".join(str(c.label) for c in importer.columns if c.required)
        raise Invalid(_("没有找到表头,请确认表格含有这些列:%(c)s") % {"c": names})
    yield sheet
    yield from sheets


_FORMULA_FIRST = frozenset(s[0] for s in FORMULA_STARTS)


def _formula_warnings(importer: Importer, raw: list[str]) -> list[str]:
    """Text a spreadsheet would run as a formula: saved as text (exports neutralise it),
    but the clerk is told, since such a value is rarely what the roster meant."""
    return [_("“%(c)s”以“%(s)s”开头,可能是公式,已按文本保存") % {"c": column.label, "s": text[0]}
            for column, text in zip(importer.columns, raw, strict=True)
            if text and text[0] in _FORMULA_FIRST and formula_like(text)]


def understood(sheet) -> dict:
    """How a sheet's headers were read, for the preview: each header's text, the column it
    fills (its label) and the label or synonym that matched, or an ignored column."""
    return {"sheet": sheet.name, "header_row": sheet.header_row, "headings": [
        {"text": _cut(h.text), "column": str(h.column.label) if h.column else "",
         "key": h.column.key if h.column else "", "matched": h.matched,
         "composite": h.composite, "chosen": h.chosen} for h in sheet.headings]}


def _rows(importer: Importer, content: bytes, read: list | None = None,
          chosen: dict | None = None) -> Iterator[Row]:
    """Every data row, cleaned (with its warnings) or with every reason it cannot be;
    ``read`` gets how each sheet's headers were understood."""
    seen: dict[Any, tuple[str, int]] = {}
    count = 0
    for sheet in _sheets(importer, content, chosen):
        if read is not None:
            read.append(understood(sheet))
        importer.start_sheet(sheet)
        missing = sheet.missing_required(importer.columns)
        for number, values in sheet.rows:
            count += 1
            if count > MAX_ROWS:
                raise Invalid(_("表格的数据超过 %(m)s 行的上限,请拆分成多个文件后分批上传")
                              % {"m": f"{MAX_ROWS:,}"})
            row = Row(sheet.name, number, [cell_text(values.get(c.key)) for c in importer.columns])
            row.warnings = _formula_warnings(importer, row.raw)
            if missing:
                row.errors = [_("缺少必填列:%(c)s") % {
                    "c": "、".join(str(c.label) for c in missing)}]
            else:
                _clean(importer, row, values, seen)
            yield row


def _clean(importer: Importer, row: Row, values: dict, seen: dict) -> None:
    try:
        cleaned = importer.clean(values)
        key = importer.key(cleaned)
    except RowProblems as problems:
        row.errors, row.warnings = problems.errors or [_("该行有误")], [
            *row.warnings, *problems.warnings]
        return
    except (ValueError, DomainError) as error:
        row.errors = [_reason(error)]
        return
    if key in seen:
        row.errors = [_("与工作表“%(s)s”第 %(r)d 行重复") % {"s": seen[key][0], "r": seen[key][1]}]
        return
    seen[key] = (row.sheet, row.number)
    row.cleaned = cleaned
    row.warnings += importer.warnings(cleaned)


def _checked(importer: Importer, content: bytes, read: list | None = None,
             chosen: dict | None = None) -> Iterator[list[Row]]:
    """Rows in chunks, after the importer's database checks."""
    chunks = _chunks(_rows(importer, content, read, chosen))
    return (_batch_checked(importer, chunk) for chunk in chunks)


def _chunks(rows: Iterator[Row]) -> Iterator[list[Row]]:
    while chunk := list(islice(rows, CHUNK)):
        yield chunk


def _batch_checked(importer: Importer, chunk: list[Row]) -> list[Row]:
    """The chunk after the importer's database checks of its good rows."""
    good = [r for r in chunk if not r.errors]
    for index, reasons in importer.check_batch([r.cleaned for r in good]).items():
        good[index].errors = [reasons] if isinstance(reasons, str) else list(reasons)
        good[index].cleaned = None
    return chunk


def checked_rows(job: ImportJob) -> Iterator[list[Row]]:
    """The job's file read again and checked, in chunks (for the full error report)."""
    return _checked(_importer(job), _content(job), chosen=chosen_columns(job))


def chosen_columns(job: ImportJob) -> dict[str, str]:
    """How the user said the file's headers are to be read: what they chose for this file
    (``options["columns"]``) over what they chose before for files of the kind."""
    memory = ImportMemory.objects.filter(user=job.created_by_id, kind=job.kind).first()
    chosen = dict(memory.columns) if memory else {}
    chosen.update((choice_key(k), v) for k, v in (job.options.get("columns") or {}).items())
    return chosen


def _importer(job: ImportJob) -> Importer:
    return importer_for(actor=job.created_by, kind=job.kind, options=job.options)


def _stored(job: ImportJob) -> bytes:
    """The job's ``content`` as stored: the sealed file (and the rows kept beside it)."""
    if "content" not in job.get_deferred_fields():
        return bytes(job.content)
    return bytes(ImportJob.objects.values_list("content", flat=True).get(pk=job.pk))


def _content(job: ImportJob, stored: bytes | None = None) -> bytes:
    """The uploaded bytes, decrypted."""
    stored = _stored(job) if stored is None else stored
    return crypto.unseal(import_kept.file_token(stored), purpose=crypto.FILE)


QUESTIONS = 100  # questions of one kind kept for the page (the rows with most first)


def _bounded(questions: dict) -> dict:
    return {name: sorted(items, key=lambda q: -q.get("rows", 0))[:QUESTIONS]
            for name, items in (questions or {}).items() if items}


def _progress(job: ImportJob, processed: int) -> None:
    ImportJob.objects.filter(pk=job.pk).update(processed_rows=processed,
                                               updated_at=timezone.now())


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
    """Check every row; the good ones are kept (``import_kept``) for the commit."""
    importer = _importer(job)
    errors, warnings = Tally(importer.masked), Tally(importer.masked)
    preview, total, read = [], 0, []
    stored = _stored(job)
    sealed = import_kept.file_token(stored)
    keeper = import_kept.Keeper(importer.packing, lambda row: _packed(importer, row))
    with _gc_frozen():  # as for the commit
        for chunk in _checked(importer, crypto.unseal(sealed, purpose=crypto.FILE), read,
                              chosen_columns(job)):
            for row in chunk:
                if row.errors:
                    errors.add(row, row.errors, warnings=row.warnings)
                    continue
                if row.warnings:
                    warnings.add(row, row.warnings, kinds=row.warnings)
                if len(preview) < PREVIEW_ROWS:
                    preview.append([_cut(str(v)) for v in importer.preview_row(row.cleaned)])
            keeper.add(r for r in chunk if not r.errors)
            total += len(chunk)
            _progress(job, total)
    _tally(job, errors, warnings)
    job.total_rows, job.valid_rows, job.processed_rows = total, total - errors.total, total
    job.preview, job.status, job.columns = preview, ImportStatus.PREVIEWED, read
    job.questions, job.content = _bounded(importer.questions()), keeper.content(sealed)
    # the bytes are written again only when they change (a big file keeps no rows)
    job.save(update_fields=[*_TALLY_FIELDS, "total_rows", "valid_rows", "processed_rows",
                            "preview", "status", "columns", "questions",
                            *(["content"] if job.content is not stored else [])])
    return job


def _packed(importer: Importer, row: Row) -> tuple:
    return row.sheet, row.number, row.raw, row.warnings, importer.pack(row.cleaned)


def _unpacked(importer: Importer, kept: tuple) -> Row:
    """A row kept from the preview, ready to save again, or with the reason it is not."""
    sheet, number, raw, warnings, packed = kept
    row = Row(sheet, number, raw, warnings=warnings)
    try:
        row.cleaned = importer.unpack(packed)
    except (ValueError, DomainError) as error:
        row.errors = [_reason(error)]
    return row


def _kept(job: ImportJob, importer: Importer) -> Iterator[list[Row]] | None:
    """The good rows kept from the preview, in chunks (the database checks are still to be
    made: the database may have changed since); None when none were kept: the file is to
    be read again."""
    chunks = import_kept.kept_chunks(_stored(job), importer.packing)
    if chunks is None:
        return None
    return ([_unpacked(importer, kept) for kept in chunk] for chunk in chunks)


def run_commit(job: ImportJob) -> ImportJob:
    return _failing(job, _commit)


def _commit(job: ImportJob) -> ImportJob:
    """Save the good rows: those kept from the preview (``import_kept``), or the file's read
    and checked again. Afterwards the job keeps its counts and the capped errors and warnings
    (the report is built from them): not the file, the preview or a report."""
    importer = _importer(job)
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    errors, warnings, done = Tally(importer.masked), Tally(importer.masked), 0
    chunks = _kept(job, importer)
    if chunks is None:
        chunks = _chunks(_rows(importer, _content(job), chosen=chosen_columns(job)))
    else:  # the preview's bad rows stand as it counted them; the good ones come back
        errors.kept, errors.counts = list(job.errors), dict(job.error_counts)
        errors.total = done = job.error_rows
    saved = import_writers.saved_in_order(chunks, save=_saved, importer=importer,
                                          make_importer=lambda: _importer(job),
                                          at_once=_at_once(job))
    with _gc_frozen(), closing(saved):
        for chunk, good, results in saved:
            for row, result in zip(good, results, strict=True):
                if isinstance(result, DomainError):
                    row.errors = [_reason(result)]
                else:
                    counts[result] += 1
            _tallied(chunk, errors, warnings)
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


def _saved(importer: Importer, chunk: list[Row]) -> tuple[list[Row], list[Row], list]:
    """(the chunk after its database checks, its good rows, what saving them gave)."""
    good = [r for r in _batch_checked(importer, chunk) if not r.errors]
    return chunk, good, importer.commit_batch([r.cleaned for r in good])


def _tallied(chunk: list[Row], errors: Tally, warnings: Tally) -> None:
    for row in chunk:
        if row.errors:
            errors.add(row, row.errors, warnings=row.warnings)
        elif row.warnings:
            warnings.add(row, row.warnings, kinds=row.warnings)


def _at_once(job: ImportJob) -> bool:
    """Whether the chunks are saved several at once (``import_writers``): on PostgreSQL, for
    a file of several chunks, outside a transaction — a caller's transaction (the tests'
    among them) is one connection's, and what it holds the other connections do not see."""
    return (connection.vendor == "postgresql" and not connection.in_atomic_block
            and job.valid_rows > CHUNK * import_writers.WRITERS)


@contextmanager
def _gc_frozen():
    """The objects alive when the saving starts (Django's, the regions, the importer's
    tables) left out of the garbage collector's passes while it runs: the passes the new
    rows set off then look at the new rows only (a sixth of a commit's CPU). Not when
    something else has frozen objects already (it would unfreeze them too)."""
    if gc.get_freeze_count():
        yield
        return
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def in_background(job: ImportJob) -> bool:
    """Whether the job's file is big enough for its work to run as a background task."""
    return job.file_bytes > settings.LINLI_BACKGROUND_IMPORT_BYTES


def import_preview(*, actor, kind: str, filename: str, content: bytes,
                   options: dict | None = None) -> ImportJob:
    """Check every row without writing; a large file is checked by a background task.
    ``options`` (the file's default region, group …) go to the importer, which refuses a
    bad one before anything is stored."""
    options = {k: v for k, v in (options or {}).items() if v not in ("", None)}
    importer_for(actor=actor, kind=kind, options=options)
    if len(content) > MAX_BYTES:
        raise Invalid(_("文件过大(超过 100 MB),请拆分后上传"))
    # Under a second even for a million rows: a workbook too big is refused before it is
    # stored (storing 25 MB costs the process 200 MB) or read.
    check_workbook_size(content, max_rows=MAX_ROWS + OTHER_ROWS, data_rows=MAX_ROWS)
    job = ImportJob.objects.create(kind=kind, filename=filename[:200],
                                   content=crypto.seal(content, purpose=crypto.FILE),
                                   file_bytes=len(content), created_by=actor, options=options,
                                   status=ImportStatus.CHECKING)
    job = _start_check(job)
    if job.status == ImportStatus.FAILED:
        raise Invalid(job.message)
    return job


def _start_check(job: ImportJob) -> ImportJob:
    """Check the job's file (again): in a background task when it is big."""
    if in_background(job):
        from linli.core.tasks import import_preview_task

        transaction.on_commit(lambda: import_preview_task.enqueue(job.pk))
        return job
    return run_preview(job)


def import_rechoose(*, actor, job: ImportJob, columns: dict[str, str] | None = None,
                    answers: dict[str, dict[str, str]] | None = None,
                    options: dict | None = None) -> ImportJob:
    """The user's choices on a checked file, and the file checked again with them:
    ``columns`` {header as shown: column key, or "" to ignore it} replaces the file's
    column choices and is remembered for the user's next file of the kind (a header left
    out goes back to being read by its name); ``answers`` {question: {value: answer}} are
    added to what was answered before; ``options`` (default region, file group) replace
    those given on upload. A bad choice is refused (Invalid) before anything changes."""
    if job.status != ImportStatus.PREVIEWED or not job.has_file:
        raise Invalid(_("只能调整已检查、尚未导入的文件"))
    known = {c.key for c in columns_of(job.kind)}
    columns = {choice_key(k): v for k, v in (columns or {}).items() if choice_key(k)}
    if bad := [v for v in columns.values() if v and v not in known]:
        raise Invalid(_("未知的列“%(c)s”") % {"c": bad[0]}, details={"columns": [_("未知")]})
    merged = {**job.options, **{k: v for k, v in (options or {}).items()
                                if k not in ("columns", *(answers or {}))}}
    merged = {k: v for k, v in merged.items() if v not in ("", None, {})}
    for name, given in (answers or {}).items():
        merged[name] = {**(job.options.get(name) or {}), **given}
    if columns:
        merged["columns"] = columns
    else:
        merged.pop("columns", None)
    importer_for(actor=actor, kind=job.kind, options=merged)  # refuses a bad option
    with transaction.atomic():
        updated = ImportJob.objects.filter(pk=job.pk, created_by=actor,
                                           status=ImportStatus.PREVIEWED).update(
            status=ImportStatus.CHECKING, options=merged, processed_rows=0,
            report=None, report_status=ReportStatus.NONE, updated_at=timezone.now())
        if not updated:
            raise Invalid(_("只能调整已检查、尚未导入的文件"))
        _remember(actor, job, columns)
    return _start_check(ImportJob.objects.defer("report").get(pk=job.pk))


def _remember(actor, job: ImportJob, columns: dict[str, str]) -> None:
    """The user's column choices kept for their next file of the kind: the headers of
    this file take what was chosen now (or nothing, read by name again)."""
    memory, _created = ImportMemory.objects.get_or_create(user=actor, kind=job.kind)
    headers = {choice_key(h["text"]) for sheet in job.columns for h in sheet["headings"]}
    kept = {k: v for k, v in memory.columns.items() if k not in headers}
    memory.columns = {**kept, **columns}
    memory.save(update_fields=["columns", "updated_at"])


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
        status=ImportStatus.COMMITTING, processed_rows=0, updated_at=timezone.now())
    if not updated:
        raise Invalid(_("该文件已经导入过了,或尚未检查完毕"))
    job = ImportJob.objects.defer("content", "report").get(pk=job.pk)
    if in_background(job):
        from linli.core.tasks import import_commit_task

        transaction.on_commit(lambda: import_commit_task.enqueue(job.pk))
        return job
    return run_commit(job)


def import_abandon(*, actor, job: ImportJob) -> ImportJob:
    """The user gives up a checked file: its bytes, preview and report are deleted at once
    (the counts and the masked errors stay, to say what the file held)."""
    dropped = ImportJob.objects.filter(pk=job.pk, created_by=actor,
                                       status=ImportStatus.PREVIEWED).update(
        status=ImportStatus.ABANDONED, **_NO_FILE, updated_at=timezone.now())
    if not dropped:
        raise Invalid(_("只能放弃已检查、尚未导入的文件"))
    return import_job_get(actor=actor, pk=job.pk)


_NO_FILE = {"content": b"", "preview": [], "report": None, "report_status": ReportStatus.NONE}


def import_purge(*, now: datetime | None = None) -> dict[str, int]:
    """The daily job: files kept beyond LINLI_IMPORT_RETENTION_DAYS are deleted (a job
    still waiting for its commit is abandoned), and jobs whose checking or committing has
    not moved for a day (a worker that died) are ended as failed."""
    now = now or timezone.now()
    running = [ImportStatus.CHECKING, ImportStatus.COMMITTING]
    stuck = ImportJob.objects.filter(status__in=running, updated_at__lt=now - STUCK).update(
        status=ImportStatus.FAILED, **_NO_FILE, updated_at=now, message=_(
            "处理中断超过一天,已终止并删除文件;已导入的行会保留,请重新上传(重复导入不会产生重复记录)"))
    old = ImportJob.objects.filter(
        created_at__lt=now - timedelta(days=settings.LINLI_IMPORT_RETENTION_DAYS))
    expired = old.filter(status=ImportStatus.PREVIEWED).update(
        status=ImportStatus.ABANDONED, **_NO_FILE, updated_at=now,
        message=_("文件保存已超过 %(d)d 天,已自动删除;如需导入请重新上传")
        % {"d": settings.LINLI_IMPORT_RETENTION_DAYS})
    # Whatever else still holds bytes past the retention (none should): dropped too.
    left = old.exclude(status__in=running).exclude(content=b"").update(content=b"")
    left += old.exclude(status__in=running).filter(report__isnull=False).update(
        report=None, report_status=ReportStatus.NONE)
    return {"stuck": stuck, "expired": expired, "other": left}
