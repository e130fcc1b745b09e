"""A report and the province's compilation as official documents (GB/T 9704-2012, GLOSSARY
§9): Word from a docxtpl template, PDF from an HTML template set by WeasyPrint, and the
annex as xlsx.

Every document reads the same context (``report_context``, ``compilation_context``), so
Word, PDF and Excel say the same thing; the figures are the annex's (``annex.rows_for``):
frozen once the report is submitted, live while it is a draft. The Word templates are the
defaults in ``docx/`` (written by ``make_templates``) unless the province has uploaded its
own (``document_templates``): an uploaded template is rendered in Jinja's sandbox.

The compilation runs in the background (``document_tasks``): it reads each approved
report's frozen figures once, sums the prefectures' into the province annex
(``annex.combine``), names every unit whose report is not approved, and stores a .docx and
an .xlsx under ``DATA_DIR/reports/`` (random names, 0600, no URL but the download view).
"""

import io
import logging
import re
import secrets
from datetime import date, timedelta
from functools import wraps
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from linli.accounts.access import access_for
from linli.accounts.roles import Bureau, Perm, Role
from linli.core.errors import Forbidden, NotFound
from linli.core.excel import write_workbook
from linli.regions.models import PROVINCE_CODE, Level
from linli.reports import annex
from linli.reports.annex import AnnexRow
from linli.reports.models import (
    Compilation,
    CompilationStatus,
    Report,
    ReportStatus,
    Round,
    chinese_numeral,
)
from linli.reports.selectors import owns_round
from linli.reports.targets import goals_for

logger = logging.getLogger(__name__)

DEFAULTS = Path(__file__).resolve().parent / "docx"
TEMPLATE_FOLDER = "report-templates"  # under DATA_DIR: the province's own templates
FOLDER = "reports"  # under DATA_DIR: the compilations made
KINDS = ("report", "compilation")
CHARACTERS = 28  # a line of the type area (GB/T 9704: 28 characters of 3号)


# --- the words of a document -------------------------------------------------------------

def official(function):
    """A 公文 is written in Chinese whatever language the reader's pages are in: documents
    are made in the site's language (zh-hans), not the request's."""
    @wraps(function)
    def wrapped(*args, **kwargs):
        with translation.override(settings.LANGUAGE_CODE):
            return function(*args, **kwargs)
    return wrapped


def day(value: date | None) -> str:
    """2022年10月31日: Arabic numerals, no leading zero (GB/T 9704 §7.3.5.1)."""
    return f"{value.year}年{value.month}月{value.day}日" if value else ""


def period_text(start: date, end: date) -> str:
    return _("%(a)s至%(b)s") % {"a": day(start), "b": day(end)}


HEADING_2 = re.compile(r"^[((][一二三四五六七八九十百]+[))]")
HEADING_3 = re.compile(r"^\d{1,2}[..](?!\d)")


def paragraph(line: str) -> dict:
    """One paragraph of a section: level 2 for (一), 3 for 1., else 0 (body text). A
    heading's own sentence (up to the first 。) is its head; what follows runs on in the
    body's font, as 公文 write it."""
    level = 2 if HEADING_2.match(line) else 3 if HEADING_3.match(line) else 0
    head, stop, rest = line.partition("。")
    if level == 0 or not stop:
        head, rest = line, ""
    else:
        head += stop
    return {"level": level, "text": line, "head": head, "rest": rest}


def paragraphs(text: str) -> list[dict]:
    return [paragraph(line.strip()) for line in (text or "").splitlines() if line.strip()]


NUMBERED = re.compile(r"^[一二三四五六七八九十]+、")


def sections_of(sections: list[dict]) -> list[dict]:
    """The report's sections numbered 一、二、 as first-level headings."""
    result = []
    for number, section in enumerate(sections, start=1):
        title = str(section.get("title") or "").strip()
        numeral = chinese_numeral(number)
        heading = title if NUMBERED.match(title) else f"{numeral}、{title}"
        result.append({"numeral": numeral, "title": title, "heading": heading,
                       "text": section.get("text") or "",
                       "paragraphs": paragraphs(section.get("text") or "")})
    return result


def _width(text: str) -> float:
    """Characters of the type area a text takes: ASCII (the date's digits) half a one."""
    return sum(0.5 if ch.isascii() else 1 for ch in text)


def _pad(width: float) -> str:
    whole, half = divmod(max(width, 0) * 2, 2)
    return "\u3000" * int(whole) + ("\u2002" if half else "")


def signature(unit: str, when: date | None) -> dict:
    """The unit's name and the date placed as GB/T 9704 §7.3.5.2 places them without a
    seal: the name two characters in from the right, the date under it two characters to
    the right of its first character; a date that would not fit is two characters in from
    the right and the name moves left with it. Padded with ideographic spaces for the
    left-aligned lines of the template."""
    dated = day(when)
    end = CHARACTERS - 2
    name_at = end - _width(unit)
    date_at = name_at + 2
    if date_at + _width(dated) > end:
        date_at = end - _width(dated)
        name_at = date_at - 2
    return {"unit": _pad(name_at) + unit, "date": _pad(date_at) + dated,
            "unit_name": unit, "date_text": dated}


def report_title(report: Report) -> str:
    words = report.round.title.strip()
    if words.endswith("报告"):
        return f"{report.unit_name}{words}"
    return _("%(u)s关于%(t)s的报告") % {"u": report.unit_name, "t": words}


def recipient(report: Report) -> str:
    """主送机关: a county's 市(州) 民政局, else the round's owner bureau of the 厅."""
    if not report.bureau and report.region.level == Level.COUNTY:
        return _("%(p)s民政局") % {"p": report.region.parent.name}
    return _("省民政厅%(b)s") % {"b": Bureau(report.round.owner_bureau).label}


def report_date(report: Report) -> date:
    return timezone.localdate(report.submitted_at) if report.submitted_at else (
        timezone.localdate())


def _annex_row(number: int, row: AnnexRow) -> dict:
    return {"number": number, "measure": chinese_numeral(row.measure) if row.measure else "",
            "label": row.label, "unit": row.unit, "value": row.shown,
            "target": row.target_shown or "—", "previous": row.previous_shown,
            "short": row.short, "source": row.source,
            "region": row.region.name if row.region is not None else ""}


def annex_context(rows: list[AnnexRow]) -> dict:
    own = [r for r in rows if r.own]
    below = [r for r in rows if not r.own]
    return {"annex": [_annex_row(n, r) for n, r in enumerate(own, start=1)],
            "breakdown": [_annex_row(n, r) for n, r in enumerate(below, start=1)]}


def _annex_note(report: Report, frozen: bool) -> str:
    if frozen:
        return _("统计期间:%(p)s。数据为报送时冻结的数值。") % {
            "p": period_text(report.round.period_start, report.round.period_end)}
    return _("统计期间:%(p)s。报告尚未报送,数据为生成本文档时的实时数值。") % {
        "p": period_text(report.round.period_start, report.round.period_end)}


def report_context(report: Report, rows: list[AnnexRow] | None = None) -> dict:
    """Every tag the report template may use (listed on the 报告模板 page). ``rows``: the
    report's frozen figures when the caller has them (the compilation), else read here."""
    frozen = rows is not None or report.frozen.exists()
    rows = annex.rows_for(report) if rows is None else rows
    return {
        "title": report_title(report), "unit_name": report.unit_name,
        "recipient": recipient(report), "round_title": report.round.title,
        "period": period_text(report.round.period_start, report.round.period_end),
        "deadline": day(report.round.deadline), "date": day(report_date(report)),
        "status": report.get_status_display(), "late": report.late,
        "sections": sections_of(report.sections),
        "signature": signature(report.unit_name, report_date(report)),
        "annex_title": _("%(u)s主要指标情况") % {"u": report.unit_name},
        "annex_note": _annex_note(report, frozen),
        "breakdown_title": _("分地区情况"),
        **annex_context(rows),
    }


# --- rendering ---------------------------------------------------------------------------

def custom_template(kind: str) -> Path:
    return Path(settings.DATA_DIR) / TEMPLATE_FOLDER / f"{kind}.docx"


def template_path(kind: str) -> Path:
    """The province's own template when it has uploaded one, else the default."""
    custom = custom_template(kind)
    return custom if custom.is_file() else DEFAULTS / f"{kind}.docx"


def environment():
    """Jinja's sandbox: a template is a file someone uploaded, and a tag must not reach
    Python's internals. An unknown tag is an error, not an empty space in a report."""
    from jinja2 import StrictUndefined
    from jinja2.sandbox import SandboxedEnvironment

    return SandboxedEnvironment(autoescape=True, undefined=StrictUndefined)


def render_docx(source, context: dict) -> bytes:
    """``source``: a path or a file of a .docx template."""
    from docxtpl import DocxTemplate

    template = DocxTemplate(source)
    template.render(context, jinja_env=environment(), autoescape=True)
    template.docx.core_properties.title = context.get("title", "")
    buffer = io.BytesIO()
    template.save(buffer)
    return buffer.getvalue()


@official
def report_docx(report: Report) -> bytes:
    return render_docx(template_path("report"), report_context(report))


def _no_fetching(url: str, *args, **kwargs):
    """The PDF is self-contained: WeasyPrint fetches nothing."""
    raise ValueError(f"the report loads no resources ({url[:60]})")


@official
def report_pdf(report: Report) -> bytes:
    from weasyprint import HTML  # loads Pango: only when a PDF is asked for

    html = render_to_string("reports/documents/report_pdf.html", report_context(report))
    return HTML(string=html, url_fetcher=_no_fetching).write_pdf()


ANNEX_HEADERS = ["措施", "指标代码", "指标", "地区", "区划代码", "本级/下级", "数值", "计量单位",
                 "分子", "分母", "目标", "上期", "目标依据"]


def annex_rows(rows: list[AnnexRow], unit: str = "") -> list[list]:
    lead = [unit] if unit else []
    return [[*lead, chinese_numeral(r.measure) if r.measure else "", r.indicator, r.label,
             r.region.name, r.region.code, _("本级") if r.own else _("下级"), r.value, r.unit,
             r.parts[0] if len(r.parts) == 2 else None,
             r.parts[1] if len(r.parts) == 2 else None, r.target_shown, r.previous, r.source]
            for r in rows]


@official
def report_xlsx(report: Report) -> bytes:
    """The annex: the frozen figures once submitted (else the live ones), as numbers."""
    rows = annex.rows_for(report)
    note = _("已冻结") if report.frozen.exists() else _("实时数据,未冻结")
    return write_workbook([(_("附表"), [_(h) for h in ANNEX_HEADERS], [
        *annex_rows(rows), [], [f"{report.unit_name} · {report.round.title} · {note}"]])])


# --- the province's compilation ------------------------------------------------------------

BUREAU_ORDER = {code: index for index, code in enumerate(Bureau.values)}


def compilation_units(round: Round) -> list[Report]:
    """The reports the compilation collects: the prefectures by code, then the bureaus in
    the order of ``Bureau`` (counties feed their prefecture's report)."""
    reports = (round.reports.select_related("region", "round")
               .filter(region__level__lte=Level.PREFECTURE))
    prefectures = sorted((r for r in reports if not r.bureau), key=lambda r: r.region_code)
    bureaus = sorted((r for r in reports if r.bureau),
                     key=lambda r: BUREAU_ORDER.get(r.bureau, len(BUREAU_ORDER)))
    return [*prefectures, *bureaus]


def is_round_owner(actor, round: Round) -> bool:
    """The owner bureau, with the right to edit: it starts the compilation."""
    return access_for(actor).can(Perm.EDIT) and owns_round(actor, round)


def may_see_compilations(actor, round: Round) -> bool:
    """The round's owner bureau, and the province's auditors (who see every report)."""
    access = access_for(actor)
    return any((m.role == Role.PROVINCE_BUREAU and m.bureau == round.owner_bureau)
               or (m.role == Role.AUDITOR and m.region_code == PROVINCE_CODE)
               for m in access.memberships)


def compilation_get(*, actor, pk: int) -> Compilation:
    found = Compilation.objects.select_related("round", "created_by").filter(pk=pk).first()
    if found is None or not may_see_compilations(actor, found.round):
        raise NotFound()
    return found


def compilations_of(*, actor, round: Round):
    if not may_see_compilations(actor, round):
        return Compilation.objects.none()
    return round.compilations.select_related("created_by")


STALE = timedelta(minutes=15)  # a queued or running compilation older than this is dead


def compilation_start(*, actor, round: Round) -> Compilation:
    """Queue the compilation of a round (its owner bureau only); one still being made for
    the round is answered instead of a second."""
    if not is_round_owner(actor, round):
        raise Forbidden(_("只有汇总处室(%(b)s)可以生成全省汇编") % {
            "b": Bureau(round.owner_bureau).label})
    busy = round.compilations.filter(
        status__in=(CompilationStatus.QUEUED, CompilationStatus.RUNNING),
        created_at__gte=timezone.now() - STALE).first()
    if busy is not None:
        return busy
    compilation = Compilation.objects.create(round=round, created_by=actor,
                                             step=_("排队等待生成"))
    from linli.reports.document_tasks import compilation_build_task

    transaction.on_commit(lambda: compilation_build_task.enqueue(compilation.pk))
    return compilation


def _progress(compilation: Compilation, progress: int, step: str, **fields) -> None:
    """Written at once (outside any transaction), so the page polling it sees each step."""
    values = {"progress": progress, "step": step[:120], **fields}
    Compilation.objects.filter(pk=compilation.pk).update(**values)
    for name, value in values.items():
        setattr(compilation, name, value)


@official
def compilation_build(compilation: Compilation) -> None:
    """The background task's work; a failure is recorded on the compilation."""
    try:
        _build(compilation)
    except Exception as error:
        logger.exception("compilation %s failed", compilation.pk)
        _progress(compilation, compilation.progress, _("生成失败"),
                  status=CompilationStatus.FAILED, error=str(error)[:2000],
                  finished_at=timezone.now())
        raise


def _build(compilation: Compilation) -> None:
    round = compilation.round
    _progress(compilation, 2, _("读取各单位报告"), status=CompilationStatus.RUNNING)
    units = compilation_units(round)
    included, frozen, missing = [], {}, []
    for index, report in enumerate(units):
        _progress(compilation, 5 + 60 * index // max(len(units), 1),
                  _("整理报告:%(u)s") % {"u": report.unit_name})
        rows = annex.frozen_rows(report) if report.status == ReportStatus.APPROVED else []
        if report.status != ReportStatus.APPROVED or not rows:
            missing.append(report)
            continue
        included.append(report)
        frozen[report.pk] = rows
    _progress(compilation, 70, _("汇总全省数据"))
    context = compilation_context(round, included, frozen, missing)
    _progress(compilation, 80, _("生成 Word 文档"))
    document = render_docx(template_path("compilation"), context)
    _progress(compilation, 92, _("生成 Excel 附表"))
    workbook = compilation_xlsx(context, included, frozen, missing)
    _progress(compilation, 97, _("保存文件"))
    stored, annexed = store(document), store(workbook)
    _progress(compilation, 100, _("已完成"), status=CompilationStatus.DONE,
              stored_path=stored, annex_path=annexed,
              missing=[r.unit_name for r in missing], finished_at=timezone.now())


def _status_of(report: Report) -> str:
    if report.status == ReportStatus.APPROVED:
        return _("已审核通过,无冻结数据")
    return str(report.get_status_display())


def missing_note(missing: list[Report]) -> str:
    names = "、".join(f"{r.unit_name}({_status_of(r)})" for r in missing)
    return _("以下单位的报告尚未审核通过,未收入本汇编,其数据未计入全省合计:%(n)s。") % {
        "n": names}


def province_annex(round: Round, included: list[Report], frozen: dict[int, list[AnnexRow]],
                   expected: int) -> list[dict]:
    """Per indicator of the round, the approved prefectures' own frozen figures taken
    together (``annex.combine``): the prefectures cover the province without overlap,
    whereas each bureau's figure is already the whole province's."""
    own: dict[str, list[AnnexRow]] = {}
    for report in included:
        if report.bureau:
            continue
        for row in frozen[report.pk]:
            if row.own:
                own.setdefault(row.indicator, []).append(row)
    goals = goals_for(list(round.indicators), [PROVINCE_CODE])
    result = []
    for key in [k for k in round.indicators if k in own]:
        rows = own[key]
        value, parts = annex.combine(rows)
        goal = goals.get((key, PROVINCE_CODE))
        total = AnnexRow(key, rows[0].label, rows[0].unit, rows[0].kind, rows[0].measure,
                         None, value, parts, target=goal.value if goal else None,
                         direction=goal.direction if goal else "")
        result.append({**_annex_row(len(result) + 1, total), "region": _("全省"),
                       "raw": value, "parts": parts, "units": f"{len(rows)}/{expected}"})
    return result


def _issuer(round: Round) -> str:
    return _("青海省民政厅%(b)s") % {"b": Bureau(round.owner_bureau).label}


def compilation_context(round: Round, included: list[Report],
                        frozen: dict[int, list[AnnexRow]], missing: list[Report]) -> dict:
    """Every tag the compilation template may use (listed on the 报告模板 page)."""
    today = timezone.localdate()
    prefectures = [r for r in [*included, *missing] if not r.bureau]
    reports = [{**report_context(r, frozen[r.pk]), "number": n}
               for n, r in enumerate(included, start=1)]
    summary = _("本汇编收录%(t)s各单位已审核通过的总结报告 %(n)d 份(市(州)民政局 %(p)d 份、"
                "厅各处室(局)%(b)d 份),统计期间为%(d)s。") % {
        "t": round.title, "n": len(included), "p": sum(not r.bureau for r in included),
        "b": sum(bool(r.bureau) for r in included),
        "d": period_text(round.period_start, round.period_end)}
    return {
        "title": _("%(t)s汇编") % {"t": round.title}, "round_title": round.title,
        "period": period_text(round.period_start, round.period_end), "date": day(today),
        "issuer": _issuer(round), "signature": signature(_issuer(round), today),
        "summary": summary, "contents_heading": _("一、收录报告"),
        "reports": reports, "missing": [r.unit_name for r in missing],
        "missing_note": missing_note(missing) if missing else "",
        "annex_title": _("全省主要指标汇总"),
        "annex_note": _("全省合计为已审核通过的市(州)民政局报告中报送时冻结的数值之和;"
                        "比率按各市(州)的分子、分母合计重新计算。"),
        "annex_missing": _("未计入:%(n)s。") % {
            "n": "、".join(r.unit_name for r in missing if not r.bureau)}
        if any(not r.bureau for r in missing) else "",
        "annex": province_annex(round, included, frozen, len(prefectures)),
    }


PROVINCE_HEADERS = ["序号", "指标", "计量单位", "全省合计", "分子", "分母", "目标", "已汇总单位"]


def compilation_xlsx(context: dict, included: list[Report],
                     frozen: dict[int, list[AnnexRow]], missing: list[Report]) -> bytes:
    province = [[r["number"], r["label"], r["unit"], r["raw"],
                 r["parts"][0] if len(r["parts"]) == 2 else None,
                 r["parts"][1] if len(r["parts"]) == 2 else None,
                 r["target"], r["units"]] for r in context["annex"]]
    units = [row for report in included
             for row in annex_rows(frozen[report.pk], report.unit_name)]
    return write_workbook([
        (_("全省汇总"), [_(h) for h in PROVINCE_HEADERS], province),
        (_("各单位数据"), [_("报送单位"), *[_(h) for h in ANNEX_HEADERS]], units),
        (_("未收入单位"), [_("报送单位"), _("状态")],
         [[r.unit_name, _status_of(r)] for r in missing]),
    ])


# --- the files made ------------------------------------------------------------------------

def store(content: bytes) -> str:
    """A new random name under DATA_DIR/reports/<yyyy>/, readable by the service only."""
    relative = f"{FOLDER}/{timezone.localdate():%Y}/{secrets.token_hex(16)}"
    path = Path(settings.DATA_DIR) / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "xb") as out:  # "x": never over another file
        path.chmod(0o600)
        out.write(content)
    return relative


def stored_file(relative: str) -> Path:
    """The file on disk; a stored path that points outside the folder is refused."""
    root = (Path(settings.DATA_DIR) / FOLDER).resolve()
    path = (Path(settings.DATA_DIR) / relative).resolve()
    if not relative or root not in path.parents or not path.is_file():
        raise NotFound()
    return path
