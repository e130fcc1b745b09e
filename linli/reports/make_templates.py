"""Writes the default Word templates of the summary report and of the province's compilation
(``linli/reports/docx/report.docx`` and ``compilation.docx``) in the format of GB/T 9704-2012
党政机关公文格式 (GLOSSARY §9), with the Jinja tags docxtpl fills (``documents``).

Run ``python -m linli.reports.make_templates`` after changing this file and commit both
files; ``--check`` says whether the committed files are what this script writes. The
province may replace either file without code (the 报告模板 page); this one stays the
default.

The format, as the standard sets it:

- A4, type area 156 × 225 mm: margins top 37, bottom 35, left 28, right 26 mm;
- 22 lines of 28 characters a page: a document grid of 28.95 pt lines (225 mm / 22) and a
  character pitch of 156 mm / 28, with the body at 3号 (16 pt) 仿宋_GB2312;
- the title 2号 (22 pt) 方正小标宋简体, centred; the heading levels 一、 in 黑体, (一) in
  楷体_GB2312, 1. in 仿宋_GB2312, indented two characters like the body;
- page numbers 4号 (14 pt) 宋体 as 「— 1 —」 about 7 mm below the type area, odd pages at the
  right and even pages at the left, one character in from the edge of the type area.

Fonts are named in the document (``w:eastAsia`` on the styles), never embedded: the
government's machines have them, and Word substitutes on others.
"""

import argparse
import io
import sys
import zipfile
from pathlib import Path

from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

FOLDER = Path(__file__).resolve().parent / "docx"

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEADING_FONTS = ("黑体", "楷体_GB2312", "仿宋_GB2312")
PAGE_NUMBER_FONT = "宋体"
LATIN_FONT = "Times New Roman"  # Arabic numerals and Latin letters in the body

BODY_SIZE, TITLE_SIZE, PAGE_NUMBER_SIZE, TABLE_SIZE = 16, 22, 14, 12
LINES, CHARACTERS = 22, 28
TYPE_AREA_MM = (156, 225)
MARGINS_MM = {"top": 37, "bottom": 35, "left": 28, "right": 26}
# Word measures the footer from the page's lower edge to the foot of its line: the dashes
# of the page number then sit about 7 mm below the type area (35 mm − 7 mm − half a line).
FOOTER_MM = 25

TWIPS_PER_MM = 1440 / 25.4
LINE_PITCH = int(TYPE_AREA_MM[1] * TWIPS_PER_MM / LINES)  # 579 twips = 28.95 pt
# docGrid's charSpace: the pitch's difference from the default 16 pt, in 1/4096 pt.
CHAR_SPACE = round((TYPE_AREA_MM[0] * 72 / 25.4 / CHARACTERS - BODY_SIZE) * 4096)
INDENT_CHARS = 200  # two characters, in hundredths of a character

FIXED = (0, 0, 0)  # no space before or after, nothing but the exact line pitch


def _element(tag: str, **attributes) -> OxmlElement:
    element = OxmlElement(tag)
    for name, value in attributes.items():
        element.set(qn(f"w:{name}"), str(value))
    return element


def _replace(parent, element) -> None:
    """Put ``element`` in ``parent`` instead of any child of the same tag."""
    for old in parent.findall(element.tag):
        parent.remove(old)
    parent.append(element)


def _run_properties(rpr, *, east_asia: str, size: int, latin: str = LATIN_FONT,
                    bold: bool = False) -> None:
    """Fonts named, no theme fonts (a theme font would win over the name), black, the size."""
    for child in list(rpr):
        rpr.remove(child)
    rpr.append(_element("w:rFonts", ascii=latin, hAnsi=latin, eastAsia=east_asia, cs=latin))
    if bold:
        rpr.append(_element("w:b"))
    rpr.append(_element("w:color", val="000000"))
    rpr.append(_element("w:sz", val=size * 2))
    rpr.append(_element("w:szCs", val=size * 2))
    rpr.append(_element("w:lang", val="en-US", eastAsia="zh-CN", bidi="ar-SA"))


def _paragraph_properties(ppr, *, align: str = "both", indent: bool = True,
                          outline: int | None = None, exact: bool = True,
                          keep_next: bool = False) -> None:
    for child in list(ppr):
        ppr.remove(child)
    if keep_next:
        ppr.append(_element("w:keepNext"))
    if not exact:
        ppr.append(_element("w:snapToGrid", val=0))
    if exact:
        ppr.append(_element("w:spacing", before=0, after=0, line=LINE_PITCH, lineRule="exact"))
    else:
        ppr.append(_element("w:spacing", before=0, after=0, line=240, lineRule="auto"))
    if indent:
        ppr.append(_element("w:ind", firstLineChars=INDENT_CHARS,
                            firstLine=BODY_SIZE * 2 * 20))
    else:
        ppr.append(_element("w:ind", firstLineChars=0, firstLine=0))
    ppr.append(_element("w:jc", val=align))
    if outline is not None:
        ppr.append(_element("w:outlineLvl", val=outline))


def _style(document, name: str, *, east_asia: str, size: int = BODY_SIZE, bold: bool = False,
           latin: str = LATIN_FONT, **paragraph) -> None:
    styles = document.styles
    try:
        style = styles[name]
    except KeyError:
        from docx.enum.style import WD_STYLE_TYPE

        style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = styles["Normal"]
    element = style.element
    _run_properties(element.get_or_add_rPr(), east_asia=east_asia, size=size, latin=latin,
                    bold=bold)
    _paragraph_properties(element.get_or_add_pPr(), **paragraph)
    for link in element.findall(qn("w:link")):  # the built-in "Heading 1 Char" etc. go
        element.remove(link)


def _defaults(document) -> None:
    """Document defaults and Normal: the body text, on the grid."""
    defaults = document.styles.element.find(qn("w:docDefaults"))
    _run_properties(defaults.find(qn("w:rPrDefault")).find(qn("w:rPr")),
                    east_asia=BODY_FONT, size=BODY_SIZE)
    _paragraph_properties(defaults.find(qn("w:pPrDefault")).find(qn("w:pPr")), indent=False)
    _style(document, "Normal", east_asia=BODY_FONT)
    _style(document, "Title", east_asia=TITLE_FONT, size=TITLE_SIZE, align="center",
           indent=False)
    for level, font in enumerate(HEADING_FONTS):
        _style(document, f"Heading {level + 1}", east_asia=font, outline=level, keep_next=True)
    _style(document, "Signature Line", east_asia=BODY_FONT, align="left", indent=False)
    _style(document, "Annex Mark", east_asia=HEADING_FONTS[0], align="left", indent=False)
    _style(document, "Table Text", east_asia=BODY_FONT, size=TABLE_SIZE, align="center",
           indent=False, exact=False)
    _style(document, "Table Head", east_asia=HEADING_FONTS[0], size=TABLE_SIZE,
           align="center", indent=False, exact=False)
    _style(document, "Footer", east_asia=PAGE_NUMBER_FONT, size=PAGE_NUMBER_SIZE,
           latin=PAGE_NUMBER_FONT, indent=False, exact=False)
    language = document.settings.element.find(qn("w:themeFontLang"))
    if language is not None:
        language.set(qn("w:eastAsia"), "zh-CN")


def _page(document) -> None:
    section = document.sections[0]
    section.start_type = WD_SECTION.NEW_PAGE
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(MARGINS_MM["top"]), Mm(MARGINS_MM["bottom"])
    section.left_margin, section.right_margin = Mm(MARGINS_MM["left"]), Mm(MARGINS_MM["right"])
    section.header_distance, section.footer_distance = Mm(15), Mm(FOOTER_MM)
    section.gutter = 0
    _replace(section._sectPr, _element("w:docGrid", type="linesAndChars",
                                       linePitch=LINE_PITCH, charSpace=CHAR_SPACE))
    document.settings.odd_and_even_pages_header_footer = True
    _page_number(section.footer.paragraphs[0], odd=True)
    _page_number(section.even_page_footer.paragraphs[0], odd=False)


def _field_char(run, kind: str) -> None:
    run._r.append(_element("w:fldChar", fldCharType=kind))


def _page_number(paragraph, *, odd: bool) -> None:
    """「— 1 —」: a PAGE field between an em dash and a space on each side; odd pages at the
    right, even pages at the left, one character in (GB/T 9704 §7.5)."""
    paragraph.style = "Footer"
    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT if odd else WD_ALIGN_PARAGRAPH.LEFT
    one_character = Pt(PAGE_NUMBER_SIZE)
    if odd:
        paragraph.paragraph_format.right_indent = one_character
    else:
        paragraph.paragraph_format.left_indent = one_character
    paragraph.add_run("— ")
    _field_char(paragraph.add_run(), "begin")
    instruction = paragraph.add_run()._r
    text = OxmlElement("w:instrText")
    text.set(qn("xml:space"), "preserve")
    text.text = " PAGE "
    instruction.append(text)
    _field_char(paragraph.add_run(), "separate")
    paragraph.add_run("1")
    _field_char(paragraph.add_run(), "end")
    paragraph.add_run(" —")


# The fonts the styles name, with what Word may take instead where one is missing (charset
# 86: GB2312): 仿宋_GB2312 and 楷体_GB2312 are the older names of 仿宋 and 楷体.
FONT_TABLE = {TITLE_FONT: "宋体", BODY_FONT: "仿宋", "黑体": "SimHei", "楷体_GB2312": "楷体",
              PAGE_NUMBER_FONT: "SimSun"}


def _font_table(document) -> None:
    from lxml import etree

    part = next(rel.target_part for rel in document.part.rels.values()
                if rel.reltype.endswith("/fontTable"))
    fonts = etree.fromstring(part.blob)
    for name, alternative in FONT_TABLE.items():
        font = _element("w:font", name=name)
        font.append(_element("w:altName", val=alternative))
        font.append(_element("w:charset", val=86))
        font.append(_element("w:family", val="auto"))
        font.append(_element("w:pitch", val="variable"))
        fonts.append(font)
    part._blob = etree.tostring(fonts, xml_declaration=True, encoding="UTF-8",
                                standalone=True)


def _new_document():
    document = Document()
    package = document.part.package
    for key, rel in list(package.rels.items()):  # python-docx's sample page as thumbnail
        if rel.reltype.endswith("/thumbnail"):
            del package.rels[key]
    for key, rel in list(document.part.rels.items()):  # Word 2010's copy of the styles,
        if rel.reltype.endswith("/stylesWithEffects"):  # which would keep the old ones
            del document.part.rels[key]
    _font_table(document)
    for paragraph in list(document.paragraphs):
        paragraph._p.getparent().remove(paragraph._p)
    _defaults(document)
    _page(document)
    properties = document.core_properties
    # No tag in the properties: docxtpl would render them with the body's XML escaping.
    properties.author = properties.title = ""
    properties.comments = properties.keywords = properties.subject = ""
    properties.last_modified_by, properties.revision = "", 1
    return document


def _p(document, text: str = "", style: str = "Normal", *, page_break: bool = False):
    paragraph = document.add_paragraph(text, style=style)
    if page_break:
        paragraph.paragraph_format.page_break_before = True
    return paragraph


def _tag(document, tag: str) -> None:
    """A paragraph holding only a docxtpl block tag ({%p … %}); it leaves no paragraph."""
    _p(document, tag)


def _heading_with_text(document, style: str, head: str, rest: str) -> None:
    """A heading (一) or 1. that may run on into body text in the same paragraph: the head
    in the heading's font, the rest in the body's."""
    paragraph = _p(document, style=style)
    paragraph.add_run(head)
    run = paragraph.add_run(rest)
    run.font.name = LATIN_FONT
    run._r.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)


def _sections(document, source: str) -> None:
    """The report's sections: 一、 heading, then its paragraphs, each (一) or 1. ones styled
    as headings of the second and third level."""
    _tag(document, f"{{%p for section in {source} %}}")
    _p(document, "{{ section.heading }}", "Heading 1")
    _tag(document, "{%p for p in section.paragraphs %}")
    _tag(document, "{%p if p.level == 2 %}")
    _heading_with_text(document, "Heading 2", "{{ p.head }}", "{{ p.rest }}")
    _tag(document, "{%p elif p.level == 3 %}")
    _heading_with_text(document, "Heading 3", "{{ p.head }}", "{{ p.rest }}")
    _tag(document, "{%p else %}")
    _p(document, "{{ p.text }}")
    _tag(document, "{%p endif %}")
    _tag(document, "{%p endfor %}")
    _tag(document, "{%p endfor %}")


def _signature(document, source: str) -> None:
    _p(document)
    _p(document, f"{{{{ {source}.unit }}}}", "Signature Line")
    _p(document, f"{{{{ {source}.date }}}}", "Signature Line")


def _cell(cell, text: str, style: str = "Table Text", align=None) -> None:
    paragraph = cell.paragraphs[0]
    paragraph.style = style
    if align is not None:
        paragraph.alignment = align
    paragraph.add_run(text)


def _table(document, headers: list[str], cells: list[str], loop: str, widths_mm: list[int],
           left: tuple[int, ...] = (1,)) -> None:
    """A bordered table: a header row, then one row per item of ``loop`` (docxtpl's
    ``{%tr for %}`` rows, which leave no row themselves)."""
    table = document.add_table(rows=4, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for row in table.rows:
        for index, cell in enumerate(row.cells):
            cell.width = Mm(widths_mm[index])
    header = table.rows[0]
    header_properties = header._tr.get_or_add_trPr()
    header_properties.append(_element("w:tblHeader"))  # repeated on every page
    for cell, text in zip(header.cells, headers, strict=True):
        _cell(cell, text, "Table Head")
    _cell(table.rows[1].cells[0], f"{{%tr for row in {loop} %}}")
    for index, (cell, text) in enumerate(zip(table.rows[2].cells, cells, strict=True)):
        _cell(cell, text, align=WD_ALIGN_PARAGRAPH.LEFT if index in left else None)
    _cell(table.rows[3].cells[0], "{%tr endfor %}")


ANNEX_HEADERS = ["序号", "指标", "计量单位", "本期", "目标", "上期"]
ANNEX_CELLS = ["{{ row.number }}", "{{ row.label }}", "{{ row.unit }}", "{{ row.value }}",
               "{{ row.target }}", "{{ row.previous }}"]
ANNEX_WIDTHS = [12, 62, 18, 24, 22, 18]
BREAKDOWN_HEADERS = ["指标", "地区", "本期", "目标"]
BREAKDOWN_CELLS = ["{{ row.label }}", "{{ row.region }}", "{{ row.value }}", "{{ row.target }}"]
BREAKDOWN_WIDTHS = [62, 44, 26, 24]
PROVINCE_HEADERS = ["序号", "指标", "计量单位", "全省合计", "目标", "已汇总单位"]
PROVINCE_CELLS = ["{{ row.number }}", "{{ row.label }}", "{{ row.unit }}", "{{ row.value }}",
                  "{{ row.target }}", "{{ row.units }}"]
PROVINCE_WIDTHS = [12, 58, 18, 26, 22, 20]


def report_template():
    """One unit's summary report: title, 主送机关, the sections, 附件说明, the signature and
    date, then the annex on its own page."""
    document = _new_document()
    _p(document, "{{ title }}", "Title")
    _p(document)
    _p(document, "{{ recipient }}:", "Signature Line")
    _sections(document, "sections")
    _tag(document, "{%p if annex or breakdown %}")
    _p(document)
    _p(document, "附件:{{ annex_title }}")
    _tag(document, "{%p endif %}")
    _signature(document, "signature")
    _tag(document, "{%p if annex or breakdown %}")
    _p(document, "附件", "Annex Mark", page_break=True)
    _p(document)
    _p(document, "{{ annex_title }}", "Title")
    _p(document)
    _p(document, "{{ annex_note }}", "Signature Line")
    _tag(document, "{%p if annex %}")
    _table(document, ANNEX_HEADERS, ANNEX_CELLS, "annex", ANNEX_WIDTHS)
    _tag(document, "{%p endif %}")
    _tag(document, "{%p if breakdown %}")
    _p(document)
    _p(document, "{{ breakdown_title }}", "Signature Line")
    _table(document, BREAKDOWN_HEADERS, BREAKDOWN_CELLS, "breakdown", BREAKDOWN_WIDTHS,
           left=(0, 1))
    _tag(document, "{%p endif %}")
    _tag(document, "{%p endif %}")
    _p(document)
    return document


def compilation_template():
    """The province's compilation: title, what it holds and which units' reports are
    missing, each approved report on its own pages, then the province annex."""
    document = _new_document()
    _p(document, "{{ title }}", "Title")
    _p(document)
    _p(document, "{{ summary }}")
    _tag(document, "{%p if missing %}")
    _p(document, "{{ missing_note }}")
    _tag(document, "{%p endif %}")
    _p(document, "{{ contents_heading }}", "Heading 1")
    _tag(document, "{%p for report in reports %}")
    _p(document, "{{ report.number }}. {{ report.unit_name }}")
    _tag(document, "{%p endfor %}")
    _signature(document, "signature")
    _tag(document, "{%p for report in reports %}")
    _p(document, "{{ report.title }}", "Title", page_break=True)
    _p(document)
    _sections(document, "report.sections")
    _signature(document, "report.signature")
    _tag(document, "{%p endfor %}")
    _p(document, "附件", "Annex Mark", page_break=True)
    _p(document)
    _p(document, "{{ annex_title }}", "Title")
    _p(document)
    _p(document, "{{ annex_note }}", "Signature Line")
    _tag(document, "{%p if missing %}")
    _p(document, "{{ annex_missing }}", "Signature Line")
    _tag(document, "{%p endif %}")
    _table(document, PROVINCE_HEADERS, PROVINCE_CELLS, "annex", PROVINCE_WIDTHS)
    _p(document)
    return document


TEMPLATES = {"report": report_template, "compilation": compilation_template}
STAMP = (2022, 5, 17, 0, 0, 0)  # the notice's date: the same bytes on every run


def _bytes(document) -> bytes:
    """The .docx with fixed dates in the zip and the properties, so a regenerated file
    differs from the committed one only when the script changed."""
    from datetime import datetime

    properties = document.core_properties
    properties.created = properties.modified = datetime(*STAMP)
    properties.last_printed = datetime(*STAMP)
    raw = io.BytesIO()
    document.save(raw)
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for item in source.infolist():
            zf.writestr(zipfile.ZipInfo(item.filename, STAMP), source.read(item.filename),
                        zipfile.ZIP_DEFLATED)
    return out.getvalue()


def generated() -> dict[str, bytes]:
    return {name: _bytes(make()) for name, make in TEMPLATES.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="only say whether the committed templates are up to date")
    args = parser.parse_args(argv)
    stale = []
    for name, content in generated().items():
        path = FOLDER / f"{name}.docx"
        if path.is_file() and path.read_bytes() == content:
            continue
        stale.append(path.name)
        if not args.check:
            FOLDER.mkdir(exist_ok=True)
            path.write_bytes(content)
            print(f"wrote {path}")
    if args.check and stale:
        print("out of date: " + ", ".join(stale), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
