"""The province's own Word templates for the summary report and the compilation (issue 12:
"editable templates the province can replace without code").

An uploaded .docx is taken only when its bytes are a Word document without macros and it
renders, in the sandbox, with a sample report (``sample_context``) into a document that
shows the sample's text; otherwise it is refused with the reason in Chinese. It is stored as
``DATA_DIR/report-templates/<kind>.docx`` (0600) with who uploaded it beside it, and used
from then on; restoring the default removes it. ``TAGS`` lists what a template may use.
"""

import io
import json
import os
from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from linli.accounts.access import access_for
from linli.accounts.roles import Perm, Role
from linli.core.errors import Invalid, NotFound
from linli.reports import documents
from linli.reports.documents import KINDS, custom_template
from linli.reports.models import Round

KIND_LABELS = {"report": gettext_lazy("总结报告"), "compilation": gettext_lazy("全省汇编")}


def check_kind(kind: str) -> str:
    if kind not in KINDS:
        raise NotFound()
    return kind


def may_manage_templates(actor) -> bool:
    """The bureau that collects the reports (a round's default owner, 社会组织管理局) and the
    system administrator."""
    owner = Round._meta.get_field("owner_bureau").default
    access = access_for(actor)
    return any(m.role == Role.SYSADMIN or (
        m.role == Role.PROVINCE_BUREAU and m.bureau == owner and access.can(Perm.EDIT))
        for m in access.memberships)


@dataclass
class TemplateInfo:
    kind: str
    label: str
    custom: bool
    name: str = ""
    uploaded_by: str = ""
    uploaded_at: datetime | None = None


def _meta_path(kind: str):
    return custom_template(kind).with_suffix(".json")


def template_info(kind: str) -> TemplateInfo:
    info = TemplateInfo(kind, str(KIND_LABELS[kind]), custom_template(kind).is_file())
    if info.custom and _meta_path(kind).is_file():
        meta = json.loads(_meta_path(kind).read_text(encoding="utf-8"))
        info.name, info.uploaded_by = meta.get("name", ""), meta.get("by", "")
        info.uploaded_at = datetime.fromisoformat(meta["at"]) if meta.get("at") else None
    return info


# --- a sample to render an uploaded template with -----------------------------------------

SAMPLE_TEXT = "示例正文:本期新增备案社区社会组织12个。"


def _sample_sections() -> list[dict]:
    return documents.sections_of([
        {"title": "成效", "text": f"{SAMPLE_TEXT}\n(一)强化组织领导。各县成立工作专班。\n"
                                  "1.建立台账。逐村摸排。"},
        {"title": "主要做法", "text": "示例:开展定期探访。"},
    ])


def _sample_row(number: int, label: str, value: str, region: str = "示例市") -> dict:
    return {"number": number, "measure": "八", "label": label, "unit": "%", "value": value,
            "target": "≥ 70.0%", "previous": "60.0%", "short": False, "source": "示例文件",
            "region": region, "raw": 72.5, "parts": (29, 40), "units": "1/1"}


def sample_report() -> dict:
    when = date(2022, 10, 31)
    rows = [_sample_row(1, "乡镇(街道)社工站覆盖率", "72.5%")]
    return {
        "title": "示例市民政局关于邻里守望关爱行动的报告", "unit_name": "示例市民政局",
        "recipient": "省民政厅社会组织管理局", "round_title": "邻里守望关爱行动",
        "period": documents.period_text(date(2022, 1, 1), when),
        "deadline": documents.day(when), "date": documents.day(when), "status": "已报送",
        "late": False, "sections": _sample_sections(),
        "signature": documents.signature("示例市民政局", when),
        "annex_title": "示例市民政局主要指标情况", "annex_note": "统计期间:示例。",
        "breakdown_title": "分地区情况", "annex": rows,
        "breakdown": [_sample_row(1, "乡镇(街道)社工站覆盖率", "70.0%", "示例县")],
    }


def sample_compilation() -> dict:
    report = {**sample_report(), "number": 1}
    when = date(2022, 11, 15)
    return {
        "title": "邻里守望关爱行动汇编", "round_title": "邻里守望关爱行动",
        "period": report["period"], "date": documents.day(when), "issuer": "青海省民政厅示例局",
        "signature": documents.signature("青海省民政厅示例局", when),
        "summary": "本汇编收录示例报告1份。", "contents_heading": "一、收录报告",
        "reports": [report], "missing": ["示例州民政局"],
        "missing_note": "以下单位的报告尚未审核通过:示例州民政局(草稿)。",
        "annex_title": "全省主要指标汇总", "annex_note": "示例说明。",
        "annex_missing": "未计入:示例州民政局。",
        "annex": [_sample_row(1, "乡镇(街道)社工站覆盖率", "72.5%", "全省")],
    }


SAMPLES = {"report": sample_report, "compilation": sample_compilation}


# --- the tags, as the 报告模板 page lists them ----------------------------------------------

ROW_TAGS = gettext_lazy(
    "number 序号 · label 指标 · unit 计量单位 · value 本期 · target 目标 · previous 上期 · "
    "measure 措施序号 · region 地区 · source 目标依据 · short 未达目标(真/假)")
SECTION_TAGS = gettext_lazy(
    "每节:numeral 一 · title 标题 · heading 一、标题 · text 原文 · paragraphs 段落,每段:"
    "level(0 正文,2 为(一)级,3 为 1. 级)· text 整段 · head 标题句 · rest 标题句后的正文")
TAGS_HELP = gettext_lazy(
    "模板用 docxtpl 的写法:{{ 标签 }} 填入文字;段落循环 {%p for … %} 和表格行循环 {%tr for … %}"
    "各自单独占一个段落或表格的一行,生成时这一段(行)会被去掉。标签写错或用了不存在的标签,"
    "上传时会提示。")
TAGS = {
    "report": [
        ("{{ title }}", gettext_lazy("标题(××民政局关于……的报告)")),
        ("{{ unit_name }}", gettext_lazy("报送单位")),
        ("{{ recipient }}", gettext_lazy("主送机关")),
        ("{{ round_title }}", gettext_lazy("报送任务标题")),
        ("{{ period }}", gettext_lazy("统计期间")),
        ("{{ deadline }}", gettext_lazy("报送截止日期")),
        ("{{ date }}", gettext_lazy("成文日期(报送日期,未报送为当天)")),
        ("{{ status }}", gettext_lazy("报告状态")),
        ("{{ signature.unit }} {{ signature.date }}", gettext_lazy(
            "按 GB/T 9704 排好位置的署名和成文日期(前面补了全角空格,用于左对齐段落)")),
        ("{%p for section in sections %} … {%p endfor %}", SECTION_TAGS),
        ("{{ annex_title }} {{ annex_note }}", gettext_lazy("附件标题、数据说明(是否冻结)")),
        ("{%tr for row in annex %} … {%tr endfor %}",
         format_lazy("{}{}", gettext_lazy("附表本级指标,每行:"), ROW_TAGS)),
        ("{%tr for row in breakdown %} … {%tr endfor %}", gettext_lazy("分地区情况,每行同上")),
    ],
    "compilation": [
        ("{{ title }}", gettext_lazy("汇编标题")),
        ("{{ summary }}", gettext_lazy("收录情况说明")),
        ("{{ missing_note }}", gettext_lazy("未收入单位的说明(都已收入时为空)")),
        ("{{ missing }}", gettext_lazy("未收入单位的名称列表")),
        ("{{ issuer }} {{ date }} {{ signature.unit }} {{ signature.date }}",
         gettext_lazy("汇总处室、汇编日期及排好位置的署名")),
        ("{%p for report in reports %} … {%p endfor %}", gettext_lazy(
            "各份报告(市州按区划代码,再按处室顺序),每份有报告模板的全部标签和 number")),
        ("{{ annex_title }} {{ annex_note }} {{ annex_missing }}",
         gettext_lazy("全省附表的标题、口径说明、未计入的市(州)")),
        ("{%tr for row in annex %} … {%tr endfor %}", gettext_lazy(
            "全省合计,每行:number · label · unit · value 全省合计 · target · units 已汇总单位")),
    ],
}


# --- upload and restore ---------------------------------------------------------------------

def _check_may_manage(actor, kind: str) -> None:
    check_kind(kind)
    if not may_manage_templates(actor):
        raise NotFound()


def _refuse(message: str) -> Invalid:
    return Invalid(message, details={"file": [message]})


def _text_of(content: bytes) -> str:
    from docx import Document

    document = Document(io.BytesIO(content))
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def _render_problem(error: Exception) -> str:
    from jinja2 import TemplateSyntaxError, UndefinedError
    from jinja2.exceptions import SecurityError

    if isinstance(error, TemplateSyntaxError):
        near = "".join(getattr(error, "docx_context", []) or []).strip()[:80]
        return _("模板中的标签写法有误:%(e)s%(n)s") % {
            "e": error.message, "n": _("(在“%(t)s”附近)") % {"t": near} if near else ""}
    if isinstance(error, UndefinedError):
        return _("模板用到了不存在的标签:%(e)s。可用的标签见本页列表") % {"e": error.message}
    if isinstance(error, SecurityError):
        return _("模板中有不允许的操作:%(e)s") % {"e": str(error)[:200]}
    return _("模板无法生成文档:%(e)s") % {"e": str(error)[:200] or type(error).__name__}


UNPACKED_MAX = 50 * 1024 * 1024  # a template's parts together, once unzipped


def _check_unpacked_size(content: bytes) -> None:
    """A small zip may unpack into gigabytes; its directory says how much before anything
    is unpacked."""
    import zipfile

    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        unpacked = sum(item.file_size for item in archive.infolist())
    if unpacked > UNPACKED_MAX:
        raise _refuse(_("模板解压后有 %(s)s,超过 %(m)s 的上限") % {
            "s": f"{unpacked / 1024 / 1024:.0f} MB", "m": f"{UNPACKED_MAX // 1024 // 1024} MB"})


def check_template(kind: str, content: bytes) -> None:
    """Render ``content`` with the sample; Invalid with the reason when it cannot serve."""
    try:
        rendered = documents.render_docx(io.BytesIO(content), SAMPLES[kind]())
    except Exception as error:
        raise _refuse(_render_problem(error)) from error
    try:
        text = _text_of(rendered)
    except Exception as error:
        raise _refuse(_("模板生成的文档无法打开:%(e)s") % {"e": str(error)[:200]}) from error
    if SAMPLE_TEXT not in text:
        raise _refuse(_("模板没有排入报告正文:请保留 sections 的循环和其中的 {{ p.text }}"
                        "(可先下载默认模板,在其基础上修改)"))


def template_upload(*, actor, kind: str, upload: UploadedFile) -> TemplateInfo:
    from linli.orgs.attachments import DOCX, human_size, sniff

    _check_may_manage(actor, kind)
    limit = settings.LINLI_ATTACHMENT_MAX_BYTES
    if not upload or not upload.size:
        raise _refuse(_("请选择 Word(.docx)模板文件"))
    if upload.size > limit:
        raise _refuse(_("模板文件有 %(s)s,超过 %(m)s 的上限") % {
            "s": human_size(upload.size), "m": human_size(limit)})
    if sniff(upload) is not DOCX:
        raise _refuse(_("“%(n)s”不是 Word(.docx)文件(按文件内容判断;含宏的文档不接受)") % {
            "n": (upload.name or "")[:100]})
    upload.seek(0)
    content = upload.read()
    _check_unpacked_size(content)
    check_template(kind, content)
    _write(kind, content, {"name": (upload.name or "")[:100], "by": actor.display_name,
                           "at": timezone.now().isoformat()})
    return template_info(kind)


def _write(kind: str, content: bytes, meta: dict) -> None:
    """Written beside, then moved into place: a template is never read half written."""
    path = custom_template(kind)
    path.parent.mkdir(parents=True, exist_ok=True)
    for target, data in ((_meta_path(kind), json.dumps(meta, ensure_ascii=False).encode()),
                         (path, content)):
        partial = target.with_name(f".{target.name}.partial")
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "wb") as out:
            out.write(data)
        os.replace(partial, target)


def template_restore(*, actor, kind: str) -> None:
    _check_may_manage(actor, kind)
    custom_template(kind).unlink(missing_ok=True)
    _meta_path(kind).unlink(missing_ok=True)
