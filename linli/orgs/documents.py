"""The 备案证明 (filing certificate): an editable Word document and an A4 PDF.

Both carry the same rows (``certificate_rows``) and name the 备案机关 the same way
(``authority_name``). The PDF is an HTML template set by WeasyPrint in Noto CJK (Debian's
fonts-noto-cjk, installed by scripts/serve and scripts/test), with the seal area the body
stamps.
"""

import io

from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

from linli.orgs.models import Organisation


def _day(value) -> str:
    return f"{value:%Y年%m月%d日}" if value else "—"


def authority_name(organisation: Organisation) -> str:
    """The 备案机关 as the certificate names it: the filing body's own region name."""
    return organisation.authority_region.path.split("/")[-1]


def certificate_rows(organisation: Organisation) -> list[tuple[str, str]]:
    return [
        (_("组织名称"), organisation.name),
        (_("类别"), organisation.get_category_display()),
        (_("负责人"), organisation.leader_name),
        (_("活动场所"), organisation.address or "—"),
        (_("活动地域"), organisation.region.path),
        (_("成员人数"), str(organisation.members_count)),
        (_("业务范围"), organisation.business_scope or "—"),
        (_("备案日期"), _day(organisation.filed_on)),
    ]


def _statement() -> str:
    return _("经审核,该组织已在本机关备案。备案的社区社会组织不具有法人资格。")


def _font(document: Document) -> None:
    style = document.styles["Normal"]
    style.font.name = "SimSun"
    style.font.size = Pt(14)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "宋体")


def filing_certificate_docx(organisation: Organisation) -> bytes:
    document = Document()
    _font(document)
    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = title.add_run(_("社区社会组织备案证明"))
    run.bold, run.font.size = True, Pt(22)
    number = document.add_paragraph(_("备案编号:%(n)s") % {"n": organisation.filing_number})
    number.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    table = document.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    for label, value in certificate_rows(organisation):
        cells = table.add_row().cells
        cells[0].text, cells[1].text = str(label), value
    document.add_paragraph()
    document.add_paragraph(_statement())
    signature = document.add_paragraph(f"{authority_name(organisation)}\n"
                                       f"{organisation.filed_on:%Y年%m月%d日}"
                                       if organisation.filed_on else "")
    signature.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _no_fetching(url: str, *args, **kwargs):
    """The certificate is self-contained: WeasyPrint fetches nothing (no network, and
    nothing a typed value could point it at)."""
    raise ValueError(f"the certificate loads no resources ({url[:60]})")


def filing_certificate_pdf(organisation: Organisation) -> bytes:
    from weasyprint import HTML  # loads Pango: only when a PDF is asked for

    html = render_to_string("orgs/certificate_pdf.html", {
        "org": organisation, "rows": certificate_rows(organisation),
        "statement": _statement(), "authority": authority_name(organisation),
        "filed_on": _day(organisation.filed_on)})
    return HTML(string=html, url_fetcher=_no_fetching).write_pdf()
