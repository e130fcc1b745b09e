"""Imports over the API (issue 10): the pages' one engine (``core.importing``), with the same
scope, the same masks and the same job, so a county system can push its roster.

An upload is checked at once and answered with the job and its preview; a big file is
checked by the background task, and the job comes back ``checking`` for the client to poll.
The file's options travel as one multipart field holding a JSON object (the upload page
asks for the same options as form fields). On the checked file the client then makes the
job page's choices (``/choices``: each column's field, the answers to the importer's
questions, the default region and group) and the file is checked again, or abandons it."""

import json
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any

import pydantic
from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Field, File, Form, Router, Schema
from ninja import Status as HttpStatus
from ninja.files import UploadedFile

from linli.core import import_report, importing
from linli.core.api_support import Id, RegionCode
from linli.core.errors import Invalid
from linli.core.excel import choice_key
from linli.core.models import ImportJob, ImportStatus

router = Router(tags=["导入"])

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ImportKind = StrEnum("ImportKind", [(kind.upper(), kind) for kind in importing.kinds()])

# Bounds of the options: a header, a value as written in a cell, a field or group code.
OPTIONS_MAX = 100_000  # characters of the JSON (200 entries of each mapping fit easily)
ENTRIES_MAX = 200
Written = Annotated[str, Field(min_length=1, max_length=200)]
Key = Annotated[str, Field(max_length=40)]


class ImportOptionsIn(pydantic.BaseModel, extra="forbid"):
    """The file's options, as the importer reads them (``Importer.__init__(options=…)``)."""

    columns: dict[Written, Key] = Field({}, max_length=ENTRIES_MAX, description=(
        "表头(按任务 columns 中显示的文字)→ 字段代码,空字符串表示忽略该列"))
    region: str = Field("", max_length=100, description="默认乡镇(街道)或村(社区):名称或区划代码")
    group: str = Field("", max_length=50, description="全部行的对象类别:名称或代码")
    group_values: dict[Written, Key] = Field({}, max_length=ENTRIES_MAX, description=(
        "类别写法 → 对象类别代码,空字符串表示不登记该写法"))
    places: dict[Written, RegionCode] = Field({}, max_length=ENTRIES_MAX, description=(
        "有多个同名候选的地名(按表中写法)→ 选定的区划代码"))


# The choices made on a checked file (the job page's form, over the API).
Header = Annotated[str, Field(min_length=1, max_length=importing.TEXT_MAX)]
Question = Annotated[str, Field(min_length=1, max_length=40)]
QUESTIONS_MAX = 10


class ChoiceOptionsIn(pydantic.BaseModel, extra="forbid"):
    """The file's options changed on the checked file; one left out stays as uploaded."""

    region: str | None = Field(None, max_length=100, description=(
        "默认乡镇(街道)或村(社区):名称或区划代码;空字符串为取消"))
    group: str | None = Field(None, max_length=50, description=(
        "全部行的对象类别:名称或代码;空字符串为取消"))


class ImportChoicesIn(pydantic.BaseModel, extra="forbid"):
    columns: dict[Header, Key] | None = Field(None, max_length=ENTRIES_MAX, description=(
        "表头(按任务 columns 中显示的文字)→ 字段代码,空字符串表示忽略该列;替换之前的选择,"
        "未列出的表头按其文字识别;记住用于本人下次上传的同类文件。不传则保持现有选择"))
    answers: dict[Question, Annotated[dict[Written, Key], Field(max_length=ENTRIES_MAX)]] = Field(
        {}, max_length=QUESTIONS_MAX, description=(
            "问题(任务 questions 的键,如 group_values、places)→ {写法: 回答},与之前的回答合并;"
            "空字符串表示不登记该写法"))
    options: ChoiceOptionsIn = Field(default_factory=ChoiceOptionsIn, description=(
        "替换上传时的选项(region、group);未传的保持不变"))


def _inlined(schema: dict) -> dict:
    """A model's JSON schema with its nested models written in place: an operation's
    ``openapi_extra`` cannot add to the document's components."""
    defs = schema.pop("$defs", {})

    def walk(node):
        if isinstance(node, dict):
            if "$ref" in node:
                inner = defs[node["$ref"].rsplit("/", 1)[1]]
                return walk({**inner, **{k: v for k, v in node.items() if k != "$ref"}})
            return {k: walk(v) for k, v in node.items()}
        return [walk(v) for v in node] if isinstance(node, list) else node

    return walk(schema)


CHOICES_BODY = {"requestBody": {"required": False, "content": {
    "application/json": {"schema": _inlined(ImportChoicesIn.model_json_schema())}}}}

OPTIONS_DOC = ("可选,JSON 对象:columns {表头: 字段代码或\"\"}、region 默认乡镇(街道)或村(社区)、"
                "group 全部行的类别、group_values {写法: 类别代码或\"\"}、places {地名: 区划代码}")
# pydantic's error types, said in Chinese (the API answers in Chinese, details included).
_OPTION_ERRORS = {
    "extra_forbidden": gettext_lazy("没有这个选项"), "string_too_long": gettext_lazy("过长"),
    "string_too_short": gettext_lazy("不能为空"), "too_long": gettext_lazy("条目过多"),
    "string_type": gettext_lazy("应为文字"), "dict_type": gettext_lazy("应为 JSON 对象"),
    "string_pattern_mismatch": gettext_lazy("应为 2、4、6、9 或 12 位区划代码"),
    "string_unicode": gettext_lazy("含有无效的字符"),
}


class StoredRowOut(Schema):
    sheet: str
    row: int
    reason: str
    warning: str = ""
    values: list[str] = Field(..., description="该行各列的值(身份证号已遮蔽)")


class HeadingOut(pydantic.BaseModel, extra="allow"):
    text: str = Field(..., description="表头文字(两行表头为 上行·下行)")
    column: str = Field("", description="对应的字段名称;空为忽略的列")
    key: str = Field("", description="对应的字段代码(options.columns 所用)")
    matched: str = ""
    composite: bool = False
    chosen: bool = Field(False, description="按用户的选择(而非表头文字)对应")


class SheetColumnsOut(pydantic.BaseModel, extra="allow"):
    sheet: str
    header_row: int
    headings: list[HeadingOut]


class CountedValueOut(pydantic.BaseModel, extra="allow"):
    value: str
    rows: int


class CandidateOut(pydantic.BaseModel, extra="allow"):
    code: str
    label: str


class PlaceQuestionOut(CountedValueOut):
    candidates: list[CandidateOut] = []


class QuestionsOut(pydantic.BaseModel, extra="allow"):
    """What the importer could not decide alone; answered by the next upload's options."""

    group_values: list[CountedValueOut] = []
    places: list[PlaceQuestionOut] = []


class PreviewOut(Schema):
    headers: list[str]
    rows: list[list[str]]


class ImportJobOut(Schema):
    id: int
    kind: ImportKind
    filename: str
    status: ImportStatus
    message: str = Field(..., description="失败或中止的原因")
    created_at: datetime
    committed_at: datetime | None
    total_rows: int
    valid_rows: int
    error_rows: int
    warning_rows: int
    created_count: int
    updated_count: int
    unchanged_count: int
    processed_rows: int
    errors: list[StoredRowOut] = Field(..., description=f"前 {importing.KEPT} 个错误行")
    warnings: list[StoredRowOut] = Field(..., description=f"前 {importing.KEPT} 个提醒行")
    error_counts: dict[str, int] = Field(..., description="错误原因 → 行数")
    warning_counts: dict[str, int] = Field(..., description="提醒 → 行数")
    options: dict[str, Any]
    columns: list[SheetColumnsOut] = Field(..., description="各工作表表头的识别结果")
    questions: QuestionsOut
    preview: PreviewOut


def _job_out(job: ImportJob, importer: importing.Importer) -> dict:
    fields = {name: getattr(job, name) for name in ImportJobOut.model_fields
              if name not in ("id", "questions", "preview")}
    return {**fields, "id": job.pk, "questions": getattr(job, "questions", None) or {},
            "preview": {"headers": importer.preview_headers(), "rows": job.preview}}


def _job(request, job: ImportJob) -> dict:
    """The job as the job page shows it, for its uploader (404 for a kind no longer theirs)."""
    return _job_out(job, importing.importer_for(actor=request.auth, kind=job.kind))


def _has_nul(value) -> bool:
    """PostgreSQL cannot store NUL in the job's options (a multipart body is not checked by
    the NUL middleware: a file may hold any byte)."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    return isinstance(value, list) and any(_has_nul(v) for v in value)


def _option_details(error: pydantic.ValidationError) -> dict[str, list[str]]:
    details: dict[str, list[str]] = {}
    for problem in error.errors():
        field = str(problem["loc"][0]) if problem["loc"] else "options"
        where = "".join(f"“{part}”" for part in problem["loc"][1:2])
        reason = str(_OPTION_ERRORS.get(problem["type"]) or _("取值有误"))
        details.setdefault(field, []).append(f"{where}{reason}")
    return details


def parse_options(raw: str, *, kind: str) -> dict:
    """The options field read into the importer's options, or Invalid with details by
    option (``options`` itself when it is no JSON object)."""
    if not raw.strip():
        return {}
    try:
        data = json.loads(raw)
    except ValueError:
        data = None
    if not isinstance(data, dict) or _has_nul(data):
        message = _("选项(options)应为 JSON 对象,例如 {\"region\": \"东关大街街道\"}")
        raise Invalid(message, details={"options": [message]})
    try:
        options = ImportOptionsIn.model_validate(data)
    except pydantic.ValidationError as error:
        raise Invalid(_("选项有误,请检查后重试"), details=_option_details(error)) from None
    fields = {column.key for column in importing.columns_of(kind)}
    unknown = sorted(set(options.columns.values()) - fields - {""})
    if unknown:
        raise Invalid(_("表头对应的字段不存在:%(f)s") % {"f": "、".join(unknown)}, details={
            "columns": [_("可用的字段:%(f)s") % {"f": "、".join(sorted(fields))}]})
    return options.model_dump(exclude_defaults=True)


@router.post("/{kind}/", response={201: ImportJobOut},
             summary="上传花名册并检查(不写入);大文件在后台检查,任务状态为 checking,请轮询")
def upload(request, kind: ImportKind, file: File[UploadedFile],
           options: str = Form("", max_length=OPTIONS_MAX, description=OPTIONS_DOC)):
    importer = importing.importer_for(actor=request.auth, kind=kind.value)
    chosen = parse_options(options, kind=kind.value)
    if set(chosen) - {"columns"} and not importer.takes_options():
        extra = sorted(set(chosen) - {"columns"})
        raise Invalid(_("该导入类型不接受这些选项:%(o)s") % {"o": "、".join(extra)},
                      details={name: [_("不适用于该导入类型")] for name in extra})
    name = (file.name or "").replace("\x00", "")
    try:
        job = importing.import_preview(actor=request.auth, kind=kind.value, filename=name,
                                       content=file.read(), options=chosen)
    except Invalid as error:
        if isinstance(error.details, dict) and set(error.details) & set(chosen):
            raise
        raise Invalid(error.message, details={"file": [error.message]}) from None
    return HttpStatus(201, _job_out(job, importer))


@router.get("/{pk}", response=ImportJobOut, summary="导入任务:状态、计数、错误与预览(仅本人上传的)")
def get_job(request, pk: Id):
    return _job(request, importing.import_job_get(actor=request.auth, pk=pk))


@router.post("/{pk}/commit", response=ImportJobOut,
             summary="确认导入已检查的文件(只导入无误的行;已导入或未检查完毕答 422)")
def commit(request, pk: Id):
    job = importing.import_job_get(actor=request.auth, pk=pk)
    return _job(request, importing.import_commit(actor=request.auth, job=job))


@router.get("/{pk}/errors.xlsx", response={200: None}, summary="下载错误报告(身份证号已遮蔽)",
            openapi_extra={"responses": {200: {"description": "错误报告", "content": {
                XLSX: {"schema": {"type": "string", "format": "binary"}}}}}})
def errors_report(request, pk: Id):
    job = importing.import_job_get(actor=request.auth, pk=pk)
    response = HttpResponse(import_report.error_report(job=job), content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename=import-errors-{job.pk}.xlsx"
    return response


@router.post("/{pk}/choices", response=ImportJobOut, openapi_extra=CHOICES_BODY,
             summary="在已检查的文件上选择各列对应的字段、回答问题或更改选项,并重新检查"
                     "(大文件在后台检查,状态为 checking);已导入或已放弃答 422")
def choices(request, pk: Id):
    # The body is read here rather than by ninja, so that a bad choice is answered like a
    # bad upload option: in Chinese, on its field (``details``).
    job = importing.import_job_get(actor=request.auth, pk=pk)
    importer = importing.importer_for(actor=request.auth, kind=job.kind)
    chosen = _choices_in(request.body)
    options = {k: v for k, v in chosen.options.model_dump().items() if v is not None}
    if job.status == ImportStatus.PREVIEWED:  # otherwise the engine refuses the job itself
        _check_choices(job, importer, chosen, options)
    columns = _current_columns(job) if chosen.columns is None else chosen.columns
    try:
        job = importing.import_rechoose(actor=request.auth, job=job, columns=columns,
                                        answers=chosen.answers, options=options)
    except Invalid as error:
        if not isinstance(error.details, dict):
            raise
        raise Invalid(error.message, details=_on_body_fields(error.details, chosen)) from None
    return _job(request, job)


@router.post("/{pk}/abandon", response=ImportJobOut,
             summary="放弃已检查的文件:立即删除上传的文件与预览(计数和遮蔽后的错误保留);"
                     "已导入或已放弃答 422")
def abandon(request, pk: Id):
    job = importing.import_job_get(actor=request.auth, pk=pk)
    return _job(request, importing.import_abandon(actor=request.auth, job=job))


def _choices_in(body: bytes) -> ImportChoicesIn:
    try:
        data = json.loads(body) if body.strip() else {}
    except ValueError:
        data = None
    if not isinstance(data, dict) or _has_nul(data):
        message = _("请求内容应为 JSON 对象,例如 {\"columns\": {\"单位名称\": \"name\"}}")
        raise Invalid(message, details={"body": [message]})
    try:
        return ImportChoicesIn.model_validate(data)
    except pydantic.ValidationError as error:
        raise Invalid(_("选择有误,请检查后重试"), details=_option_details(error)) from None


def _check_choices(job: ImportJob, importer: importing.Importer, chosen: ImportChoicesIn,
                   options: dict) -> None:
    """What the page offers and the API client could still get wrong: a header the file
    does not have, a field that does not exist, a question the file did not ask, an
    answer that is not among those offered, an option the importer does not read."""
    problems = {"columns": _column_problems(job, importer, chosen.columns or {}),
                "answers": [problem for name, given in chosen.answers.items()
                            for problem in _answer_problems(job, importer, name, given)],
                "options": []}
    for name in options:
        if not importer.takes_options() or name not in importer.option_fields:
            problems["options"].append(_("“%(o)s”不适用于该导入类型") % {"o": name})
    if problems := {field: found for field, found in problems.items() if found}:
        raise Invalid(_("选择有误,请检查后重试"), details=problems)


def _column_problems(job: ImportJob, importer: importing.Importer,
                     columns: dict[str, str]) -> list[str]:
    headers = {choice_key(h["text"]) for sheet in job.columns for h in sheet["headings"]}
    fields = {c.key: str(c.label) for c in importer.columns}
    problems = []
    for header, key in columns.items():
        if choice_key(header) not in headers:
            problems.append(_("该文件没有表头“%(h)s”") % {"h": header})
        elif key and key not in fields:
            problems.append(_("“%(h)s”:没有字段“%(k)s”,可用的字段:%(f)s") % {
                "h": header, "k": key, "f": "、".join(f"{k}({v})" for k, v in fields.items())})
    return problems


def _answer_problems(job: ImportJob, importer: importing.Importer, name: str,
                     given: dict[str, str]) -> list[str]:
    """An answer is one of those the question offers for the value (its candidates, else
    the importer's choices); a question answered before may be answered again."""
    asked = job.questions or {}
    answered = {k for k, v in job.options.items() if isinstance(v, dict) and k != "columns"}
    if name not in set(asked) | answered:
        return [_("该文件没有问题“%(q)s”") % {"q": name}]
    items = {item["value"]: item for item in asked.get(name, [])}
    offered = {code for code, _label in importer.choices_for(name)}
    problems = []
    for value, answer in given.items():
        allowed = {c["code"] for c in items.get(value, {}).get("candidates") or []} or offered
        if answer and allowed and answer not in allowed:
            problems.append(_("“%(v)s”的回答“%(a)s”不在可选范围内") % {"v": value, "a": answer})
    return problems


def _current_columns(job: ImportJob) -> dict[str, str]:
    """The column choices the file is read with now, for a body that leaves them as they
    are (the engine replaces them with what it is given)."""
    return {h["text"]: h["key"] for sheet in job.columns for h in sheet["headings"]
            if h.get("chosen")}


def _on_body_fields(details: dict, chosen: ImportChoicesIn) -> dict[str, list[str]]:
    """The importer's refusal of an option or an answer (details by option name), said on
    the body's field that carried it."""
    placed: dict[str, list[str]] = {}
    for name, problems in details.items():
        field = "options" if name in ChoiceOptionsIn.model_fields else (
            "answers" if name in chosen.answers else name)
        prefix = f"“{name}”" if field != name else ""
        placed.setdefault(field, []).extend(f"{prefix}{p}" for p in problems)
    return placed
