"""The 备案证明 (filing certificate) as an editable Word document."""

import io

from django.utils.translation import gettext as _
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

from linli.orgs.models import Organisation


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
    for label, value in [
        (_("组织名称"), organisation.name),
        (_("类别"), organisation.get_category_display()),
        (_("负责人"), organisation.leader_name),
        (_("活动场所"), organisation.address or "—"),
        (_("活动地域"), organisation.region.path),
        (_("成员人数"), str(organisation.members_count)),
        (_("业务范围"), organisation.business_scope or "—"),
        (_("备案日期"), organisation.filed_on.strftime("%Y年%m月%d日")
         if organisation.filed_on else "—"),
    ]:
        cells = table.add_row().cells
        cells[0].text, cells[1].text = str(label), value
    document.add_paragraph()
    document.add_paragraph(_("经审核,该组织已在本机关备案。备案的社区社会组织不具有法人资格。"))
    signature = document.add_paragraph(f"{organisation.authority_region.path.split('/')[-1]}\n"
                                       f"{organisation.filed_on:%Y年%m月%d日}"
                                       if organisation.filed_on else "")
    signature.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
