"""Reading the messy Excel rosters government data arrives in, and writing xlsx.

A roster may have title rows above the header, a two-row merged header, header
synonyms, blank rows, footer rows (填表人 …), several sheets, numbers typed as text,
full-width characters and dates in any of the forms clerks type.
"""

import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from python_calamine import CalamineWorkbook

from linli.core.bounds import DATE_MAX, DATE_MIN, INT_MAX, ascii_digits

FOOTER_MARKERS = ("填表人", "制表人", "审核人", "填报人", "填报单位", "制表单位", "合计", "总计",
                  "备注:", "备注:", "注:", "注:", "说明:", "说明:", "联系电话:")
HEADER_SCAN_ROWS = 20


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    synonyms: tuple[str, ...] = ()
    required: bool = False

    def matches(self, header: str) -> bool:
        return header in {normalise_header(n) for n in (self.label, *self.synonyms)}


@dataclass
class Sheet:
    name: str
    header_row: int  # 1-based, the last header row
    columns: dict[int, Column]  # cell index → column
    rows: list[tuple[int, dict[str, Any]]] = field(default_factory=list)  # (row no., values)

    def missing_required(self, columns: list[Column]) -> list[Column]:
        found = {c.key for c in self.columns.values()}
        return [c for c in columns if c.required and c.key not in found]


def to_halfwidth(text: str) -> str:
    return "".join(chr(ord(c) - 0xFEE0) if "！" <= c <= "～" else (" " if c == "\u3000" else c)
                   for c in text)


def normalise_header(value: Any) -> str:
    text = to_halfwidth(str(value or ""))
    return re.sub(r"[\s*※:()()【】\[\]]", "", text).replace("(", "").replace(")", "")


def cell_text(value: Any) -> str:
    """A cell as text: floats that are whole numbers lose their '.0'."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return to_halfwidth(str(value)).strip()


def _match_row(cells: list[Any], columns: list[Column], above: list[Any] | None = None):
    found: dict[int, Column] = {}
    for index, cell in enumerate(cells):
        candidates = [normalise_header(cell)]
        if above is not None and index < len(above):
            candidates.append(normalise_header(above[index]) + candidates[0])
            candidates.append(normalise_header(above[index]))
        for column in columns:
            if column in found.values():
                continue
            if any(c and column.matches(c) for c in candidates):
                found[index] = column
                break
    return found


def _find_header(rows: list[list[Any]], columns: list[Column]):
    """The header is the row (or pair of rows) that names the most known columns."""
    best: tuple[int, int, dict[int, Column]] = (0, -1, {})
    for number, cells in enumerate(rows[:HEADER_SCAN_ROWS]):
        single = _match_row(cells, columns)
        if len(single) > best[0]:
            best = (len(single), number, single)
        if number:
            double = _match_row(cells, columns, rows[number - 1])
            merged = {**_match_row(rows[number - 1], columns), **double}
            if len(merged) > best[0] and len(double) > 0:
                best = (len(merged), number, merged)
    return best[1], best[2]


def _is_footer(cells: list[Any]) -> bool:
    first = next((cell_text(c) for c in cells if cell_text(c)), "")
    return first.replace(" ", "").startswith(FOOTER_MARKERS)


def read_roster(data: bytes, columns: list[Column], *, min_columns: int = 2) -> list[Sheet]:
    """Every sheet that has a recognisable header, with its data rows keyed by column."""
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
    sheets = []
    for name in workbook.sheet_names:
        rows = workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
        header_at, found = _find_header(rows, columns)
        if len(found) < min_columns:
            continue
        sheet = Sheet(name=name, header_row=header_at + 1, columns=found)
        for offset, cells in enumerate(rows[header_at + 1:], start=header_at + 2):
            if _is_footer(cells):
                break
            values = {col.key: cells[i] if i < len(cells) else None for i, col in found.items()}
            if not any(cell_text(v) for v in values.values()):
                continue  # blank row
            if all(col.matches(normalise_header(values[col.key])) for col in found.values()):
                continue  # the header repeated (a printed roster pasted twice)
            sheet.rows.append((offset, values))
        sheets.append(sheet)
    return sheets


# --- value parsers (raise ValueError with a Chinese message) ----------------------------
# Python's int(), float(), str.isdigit() and re's \d all read Arabic-Indic ٣ or Devanagari ३
# as digits; a roster's numbers go through ascii_digits (NFKC, then ASCII only) and patterns
# spell their digits [0-9], so what is stored is what a clerk sees.

_EXCEL_EPOCH = date(1899, 12, 30)
_DATE_PATTERNS = [
    (re.compile(r"^([0-9]{4})[-/.年]([0-9]{1,2})[-/.月]([0-9]{1,2})日?$"), 3),
    (re.compile(r"^([0-9]{4})[-/.年]([0-9]{1,2})月?$"), 2),
    (re.compile(r"^([0-9]{4})([0-9]{2})([0-9]{2})$"), 3),
    (re.compile(r"^([0-9]{4})([0-9]{2})$"), 2),
    (re.compile(r"^([0-9]{4})年?$"), 1),
]
_INTEGER = re.compile(r"^(-?)([0-9]+)(?:\.([0-9]*))?$")


def _ascii_text(value: Any) -> str:
    """The cell's text with only ASCII digits, or a ValueError saying so."""
    try:
        return ascii_digits(cell_text(value))
    except ValueError:
        raise ValueError(_("“%(v)s”含有其他文字的数字,请只用阿拉伯数字 0-9 填写")
                         % {"v": cell_text(value)}) from None


def _out_of_range(value: Any) -> ValueError:
    return ValueError(_("日期“%(v)s”应在 1900 年至 2100 年之间") % {"v": cell_text(value)})


def _in_range(day: date, value: Any) -> date:
    if not DATE_MIN <= day <= DATE_MAX:
        raise _out_of_range(value)
    return day


def parse_date(value: Any) -> date | None:
    """Dates as Excel serials, 1950.3, 1950年3月, 19500305, 1950-03-05 … (month-only → 1st),
    between 1900 and 2100."""
    if value is None or cell_text(value) == "":
        return None
    if isinstance(value, datetime):
        return _in_range(value.date(), value)
    if isinstance(value, date):
        return _in_range(value, value)
    text = _ascii_text(value).replace(" ", "")
    if isinstance(value, int | float) and not isinstance(value, bool):
        if isinstance(value, float) and not value.is_integer():
            text = f"{value}"  # 1950.3 typed into a number cell
        elif not (1900 <= value <= 2100 or 190001 <= value <= 210012
                  or 19000101 <= value <= 21001231) and 1 <= value < 80000:
            return _in_range(_EXCEL_EPOCH + timedelta(days=int(value)), value)  # a serial
    for pattern, parts in _DATE_PATTERNS:
        match = pattern.match(text)
        if match:
            numbers = [int(g) for g in match.groups()] + [1] * (3 - parts)
            if not DATE_MIN.year <= numbers[0] <= DATE_MAX.year:
                raise _out_of_range(value)
            try:
                return date(*numbers)
            except ValueError:
                break
    raise ValueError(_("无法识别的日期“%(v)s”") % {"v": cell_text(value)})


def parse_int(value: Any, *, default: int | None = None, maximum: int = INT_MAX) -> int | None:
    """A non-negative whole number typed as 12, 12.0, 1,200 or 12人, at most ``maximum``."""
    text = _ascii_text(value).replace(",", "").replace("人", "").strip()
    if text == "":
        return default
    match = _INTEGER.match(text)
    if match is None:
        raise ValueError(_("“%(v)s”不是数字") % {"v": cell_text(value)})
    sign, whole, fraction = match.groups()
    if sign or (fraction or "").strip("0"):
        raise ValueError(_("“%(v)s”不是非负整数") % {"v": cell_text(value)})
    whole = whole.lstrip("0") or "0"
    # Compare lengths first: int() of a 5,000-digit string is itself an error.
    if len(whole) > len(str(maximum)) or int(whole) > maximum:
        raise ValueError(_("“%(v)s”超出范围,最大为 %(m)d") % {"v": cell_text(value), "m": maximum})
    return int(whole)


YES = {"是", "有", "√", "✓", "1", "y", "yes", "true", "已建", "已建立"}
NO = {"否", "无", "没有", "×", "0", "n", "no", "false", "未建", "未建立", ""}


def parse_bool(value: Any) -> bool:
    text = cell_text(value).lower()
    if text in YES:
        return True
    if text in NO:
        return False
    raise ValueError(_("“%(v)s”应填“是”或“否”") % {"v": cell_text(value)})


def split_list(value: Any) -> list[str]:
    return [p for p in re.split(r"[,,、;;/\s]+", cell_text(value)) if p]


# --- writing -----------------------------------------------------------------------------

# What a spreadsheet runs when a cell's text starts with it (OWASP "CSV injection"):
# = + - @, and a tab or carriage return in front of them.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# A signed number or phone (-5, +86 138 0000 0000) starts the same way but calls nothing.
_PLAIN_NUMBER = re.compile(r"[+-][\d\s.,()-]*\d[\d\s.,()-]*")
# Values written as typed Excel values; everything else is written as text.
_TYPED = (bool, int, float, Decimal, date, datetime, time, timedelta)


def formula_like(text: str) -> bool:
    """True when a spreadsheet would read ``text`` as a formula (a plain number aside)."""
    return text.startswith(FORMULA_STARTS) and not _PLAIN_NUMBER.fullmatch(text)


def safe_text(value: Any) -> str:
    """``value`` as cell text that no spreadsheet runs: a formula-like start gets the
    single quote OWASP advises, and control characters xlsx cannot hold are dropped."""
    text = ILLEGAL_CHARACTERS_RE.sub("", str(value))
    return "'" + text if formula_like(text) else text


def _text_cell(sheet, text: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=text)
    cell.data_type = "s"  # never a formula or an error value, whatever the text
    return cell


def _cell(sheet, value: Any):
    """A value ready for a write-only row. Numbers, dates and booleans stay typed. Text
    becomes safe_text; openpyxl would still type it as a formula (a leading "=", which
    safe_text never leaves) or an error value ("#N/A"), so those get an explicit string
    cell. Other text is appended as a plain str, which openpyxl writes as a string: one
    cell object per text cell would make a 300,000-person export a quarter slower."""
    if value is None or isinstance(value, _TYPED):
        return value
    text = safe_text(value)
    if not text:
        return None  # no cell at all: an error report's blank columns cost nothing
    return _text_cell(sheet, text) if text.startswith("=") or text in ERROR_CODES else text


def write_xlsx(headers: list[str], rows: Iterable[Iterable[Any]], *, title: str = "") -> bytes:
    """A plain xlsx: optional title row, bold header, frozen below it; streamed rows.
    Every export goes through here, so no text reaches a spreadsheet as a formula."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=re.sub(r"[\[\]:*?/\\:]", " ", title or "Sheet1")[:31])
    sheet.freeze_panes = "A3" if title else "A2"
    if title:
        sheet.append([_text_cell(sheet, safe_text(title))])
    bold = Font(bold=True)
    header_cells = []
    for text in headers:
        cell = _text_cell(sheet, safe_text(text))
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    for row in rows:
        sheet.append([_cell(sheet, value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
