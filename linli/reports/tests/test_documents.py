"""A report as a Word document in the format of GB/T 9704-2012, as PDF and its annex as
xlsx: page, margins, fonts, headings, page number; the annex figures are the frozen ones;
the downloads are as visible as the report and access-logged."""

import io
import shutil
import subprocess

import pytest
from django.urls import reverse
from django.utils import translation
from docx import Document
from docx.enum.text import WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Pt
from openpyxl import load_workbook

from linli.audit.models import AccessLog, Action
from linli.reports import annex, documents, make_templates
from linli.reports.models import FrozenValue
from linli.reports.tests.documents_data import Units, docx_text, make_units


@pytest.fixture
def units(personas) -> Units:
    return make_units(personas)

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _document(report) -> Document:
    return Document(io.BytesIO(documents.report_docx(report)))


def _east_asia(style) -> str:
    fonts = style.element.rPr.rFonts
    assert not any(name.endswith("Theme") for name in fonts.attrib.values())
    assert not any(key.endswith("Theme") for key in fonts.attrib)  # a theme font would win
    return fonts.get(qn("w:eastAsia"))


def _paragraph(document, text: str):
    return next(p for p in document.paragraphs if p.text == text)


def test_it_sets_the_page_as_gb_t_9704(units):
    section = _document(units.xining).sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    for side, wanted in (("top", 37), ("bottom", 35), ("left", 28), ("right", 26)):
        assert abs(getattr(section, f"{side}_margin").mm - wanted) <= 0.5, side
    grid = section._sectPr.find(qn("w:docGrid"))
    assert grid.get(qn("w:linePitch")) == "579"  # 225 mm / 22 lines = 28.95 pt


def test_it_writes_the_title_body_and_headings_in_their_fonts(units):
    document = _document(units.xining)
    title = document.paragraphs[0]
    assert title.text == "西宁市民政局关于2026年邻里守望关爱行动总结的报告"
    assert title.style.name == "Title"
    assert title.style.font.size == Pt(22) and _east_asia(title.style) == "方正小标宋简体"
    body = _paragraph(document, "开展定期探访。")
    assert body.style.name == "Normal"
    assert body.style.font.size == Pt(16) and _east_asia(body.style) == "仿宋_GB2312"
    assert body.style.paragraph_format.line_spacing_rule == WD_LINE_SPACING.EXACTLY
    assert abs(body.style.paragraph_format.line_spacing.pt - 28.95) < 0.01
    first = _paragraph(document, "一、成效")
    assert first.style.name == "Heading 1" and _east_asia(first.style) == "黑体"
    assert first.style.font.size == Pt(16) and not first.style.font.bold
    second = _paragraph(document, "(一)强化组织领导。成立工作专班,定期调度。")
    assert second.style.name == "Heading 2" and _east_asia(second.style) == "楷体_GB2312"
    assert second.runs[0].text == "(一)强化组织领导。"  # the rest runs on in the body's font
    assert second.runs[1].element.rPr.rFonts.get(qn("w:eastAsia")) == "仿宋_GB2312"
    third = _paragraph(document, "1.建立台账。逐村摸排留守老年人。")
    assert third.style.name == "Heading 3" and _east_asia(third.style) == "仿宋_GB2312"
    assert [p.text for p in document.paragraphs if p.style.name == "Heading 1"] == [
        "一、成效", "二、主要做法", "三、存在问题"]


def test_it_dates_in_arabic_numerals_and_places_the_signature(units):
    texts = [p.text for p in _document(units.xining).paragraphs]
    assert "省民政厅社会组织管理局:" in texts
    signature = [t for t in texts if t.strip() in ("西宁市民政局", "2026年10月28日")]
    assert [t.strip() for t in signature] == ["西宁市民政局", "2026年10月28日"]
    assert documents.day(documents.date(2026, 1, 5)) == "2026年1月5日"  # no leading zero


def _field_runs(paragraph) -> list[str]:
    """The footer paragraph as text, with the field shown as {PAGE}."""
    parts, in_field = [], False
    for run in paragraph._p.iter(f"{W}r"):
        kind = run.find(f"{W}fldChar")
        if kind is not None:
            in_field = kind.get(f"{W}fldCharType") != "end"
            continue
        instruction = run.find(f"{W}instrText")
        if instruction is not None:
            parts.append("{" + instruction.text.strip() + "}")
        elif not in_field:
            parts.append("".join(t.text for t in run.iter(f"{W}t")))
    return parts


def test_it_numbers_the_pages_at_the_foot_between_dashes(units):
    document = _document(units.xining)
    section = document.sections[0]
    assert document.settings.odd_and_even_pages_header_footer
    odd, even = section.footer.paragraphs[0], section.even_page_footer.paragraphs[0]
    for footer in (odd, even):
        assert _field_runs(footer) == ["— ", "{PAGE}", " —"]
        assert footer.style.font.size == Pt(14)
    assert odd.alignment == 2 and even.alignment == 0  # odd at the right, even at the left


def test_the_annex_table_shows_the_frozen_figures(units):
    frozen = list(FrozenValue.objects.filter(report=units.xining, region=units.xining.region)
                  .order_by("order"))
    assert frozen and "training_sessions" in {f.indicator for f in frozen}
    table = _document(units.xining).tables[0]
    rows = [[c.text for c in row.cells] for row in table.rows[1:]]
    wanted = [r for r in annex.frozen_rows(units.xining) if r.own]
    assert rows == [[str(n), r.label, r.unit, r.shown, r.target_shown or "—", r.previous_shown]
                    for n, r in enumerate(wanted, start=1)]
    assert [r[1] for r in rows] == [f.label for f in frozen]
    assert [rows[-1][1], rows[-1][3]] == ["人才培训场次", "4,321"]


def test_a_later_change_never_alters_a_submitted_reports_document(units):
    FrozenValue.objects.filter(report=units.xining, indicator="training_sessions",
                               region=units.xining.region).update(value=17.0)
    assert "17" in [c.text for c in _document(units.xining).tables[0].rows[-1].cells]


def test_the_document_is_in_chinese_whatever_the_page_language(units, personas, as_user,
                                                               monkeypatch):
    languages, context = [], documents.report_context

    def spied(*args, **kwargs):
        languages.append(translation.get_language())
        return context(*args, **kwargs)

    monkeypatch.setattr(documents, "report_context", spied)
    client = as_user(personas.prefecture)
    client.cookies["django_language"] = "en"
    response = client.get(reverse("reports:report_docx", args=[units.xining.pk]),
                          HTTP_ACCEPT_LANGUAGE="en")
    assert languages == ["zh-hans"]
    assert "西宁市民政局关于2026年邻里守望关爱行动总结的报告" in docx_text(response.content)


def test_a_draft_shows_its_live_figures_and_says_so(units):
    text = docx_text(documents.report_docx(units.children))
    assert "报告尚未报送,数据为生成本文档时的实时数值" in text


def test_the_xlsx_annex_equals_the_frozen_snapshot(units):
    sheet = load_workbook(io.BytesIO(documents.report_xlsx(units.xining))).active
    header, *rows = list(sheet.iter_rows(values_only=True))
    index = {name: header.index(name) for name in ("指标代码", "区划代码", "数值", "上期")}
    figures = [(r[index["指标代码"]], r[index["区划代码"]], r[index["数值"]], r[index["上期"]])
               for r in rows if r[index["指标代码"]]]
    frozen = FrozenValue.objects.filter(report=units.xining).select_related("region")
    assert figures == [(f.indicator, f.region.code, f.value, f.previous)
                       for f in frozen.order_by("order", "region__code")]
    assert ("training_sessions", "6301", 4321.0) in [f[:3] for f in figures]


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils (pdftotext) missing")
def test_the_pdf_carries_the_title_and_the_figures(units):
    content = documents.report_pdf(units.xining)
    assert content.startswith(b"%PDF-")
    text = subprocess.run(["pdftotext", "-", "-"], input=content, capture_output=True,
                          check=True).stdout.decode()
    flat = "".join(text.split())
    assert "西宁市民政局关于2026年邻里守望关爱行动总结的报告" in flat
    assert "4,321" in flat and "—1—" in flat  # the page number at the foot


def test_the_committed_templates_are_what_the_script_writes():
    for name, content in make_templates.generated().items():
        assert (make_templates.FOLDER / f"{name}.docx").read_bytes() == content, name


# --- the downloads ------------------------------------------------------------------------

NAMES = ["reports:report_docx", "reports:report_pdf", "reports:report_xlsx"]


@pytest.mark.parametrize("name", NAMES)
def test_it_downloads_a_report_for_its_unit_and_logs_it(units, personas, as_user, name):
    response = as_user(personas.prefecture).get(reverse(name, args=[units.xining.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    log = AccessLog.objects.get(action=Action.EXPORT, object_id=str(units.xining.pk))
    assert log.user == personas.prefecture and log.region_code == "6301"


@pytest.mark.parametrize("name", NAMES)
def test_another_prefectures_user_gets_404_on_a_reports_downloads(units, personas, as_user,
                                                                   name):
    for user in (units.haidong_user, personas.other_county, personas.county, personas.outsider):
        assert as_user(user).get(reverse(name, args=[units.xining.pk])).status_code == 404
    assert not AccessLog.objects.filter(action=Action.EXPORT).exists()


def test_the_owner_bureau_and_the_bureau_itself_download_a_bureau_report(units, personas,
                                                                          as_user):
    url = reverse("reports:report_docx", args=[units.elderly.pk])
    assert as_user(personas.province).get(url).status_code == 200
    assert as_user(personas.province_elderly).get(url).status_code == 200
    assert as_user(personas.prefecture).get(url).status_code == 404
