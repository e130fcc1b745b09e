"""Reading the messy Excel rosters government data arrives in, and writing xlsx.

A roster may have title rows above the header, a two-row merged header, header
synonyms, blank rows, footer rows (填表人 …), several sheets, numbers typed as text,
full-width characters and dates in any of the forms clerks type.
"""

import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from functools import cache
from itertools import chain, islice
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
        return header in _names(self)

    def matched_name(self, header: str) -> str:
        """The label or synonym that ``header`` (normalised) matched."""
        return next((n for n in (self.label, *self.synonyms) if normalise_header(n) == header),
                    "")


@cache
def _names(column: Column) -> frozenset[str]:
    return frozenset(normalise_header(n) for n in (column.label, *column.synonyms))


@dataclass
class Heading:
    """How one header cell was understood: its text (上行·下行 for a two-row header), the
    column it names and the label or synonym that matched, or none (ignored)."""

    index: int
    text: str
    column: Column | None = None
    matched: str = ""
    composite: bool = False
    chosen: bool = False  # mapped (or ignored) by the user's choice, not by its name


@dataclass
class Sheet:
    name: str
    header_row: int  # 1-based, the last header row
    columns: dict[int, Column]  # cell index → column
    # (row no., values): a list from read_roster, an iterator from iter_roster
    rows: Iterable[tuple[int, dict[str, Any]]] = field(default_factory=list)
    title: str = ""  # the first title row above the header (某某镇留守老年人花名册)
    titles: list[str] = field(default_factory=list)  # every title row above the header
    headings: list[Heading] = field(default_factory=list)

    def missing_required(self, columns: list[Column]) -> list[Column]:
        found = {c.key for c in self.columns.values()}
        return [c for c in columns if c.required and c.key not in found]


_HALFWIDTH = {code: code - 0xFEE0 for code in range(ord("！"), ord("～") + 1)} | {0x3000: " "}


def to_halfwidth(text: str) -> str:
    return text.translate(_HALFWIDTH)


def normalise_header(value: Any) -> str:
    text = to_halfwidth(str(value or ""))
    return re.sub(r"[\s*※:()()【】\[\]]", "", text).replace("(", "").replace(")", "")


# Excel's General format shows a number of more than 15 digits as 6.30202E+17: it cannot
# hold one exactly (a float has 15-17 significant digits), and an 18-digit text made from
# it would be a plausible but wrong identity number.
_EXACT_DIGITS = 1e15


def cell_text(value: Any) -> str:
    """A cell as text: floats that are whole numbers lose their '.0'; a number too long for
    a float reads as Excel shows it (``6.30202E+17``)."""
    if type(value) is str:
        return value.translate(_HALFWIDTH).strip()
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return f"{value:.6G}" if abs(value) >= _EXACT_DIGITS else str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return to_halfwidth(str(value)).strip()


# A sub-column that names the group's own person: 联系人 → 姓名 is the contact's name.
_NAME_WORDS = frozenset({"姓名", "名称", "名字"})


def _candidates(upper: str, lower: str) -> list[tuple[int, str, bool]]:
    """(pass, header text, composite) for one header cell of a row, ``upper`` being the
    cell above it (a merged title filled across): 上行+下行 first, then 上行 for a name
    sub-column, then the cell alone, then the title alone."""
    if upper and lower and upper != lower:
        found = [(0, upper + lower, True), (2, lower, False), (3, upper, False)]
        return [*found, (1, upper, True)] if lower in _NAME_WORDS else found
    return [(2, lower or upper, False)] if lower or upper else []


def heading_key(upper: str, lower: str) -> str:
    """The key a header cell is mapped by (the ``columns`` choice of an import): its
    normalised text, 上行+下行 under a different title above it."""
    return upper + lower if upper and lower and upper != lower else lower or upper


def choice_key(text: str) -> str:
    """The key of a header as the preview shows it (联系人·电话 → 联系人电话)."""
    return normalise_header(str(text).replace("·", ""))


def _match_row(cells: list[Any], columns: list[Column], above: list[Any] | None = None,
               chosen: dict[str, str] | None = None):
    """{cell index: (column, matched text, composite)}: each pass over the whole row, so a
    composite 联系人电话 beats a plain 电话 elsewhere in the row. ``chosen`` maps header
    keys (``heading_key``) to a column key, or "" to ignore the column, whatever its name."""
    options = []
    found: dict[int, tuple[Column, str, bool]] = {}
    taken: set[str] = set()
    by_key = {c.key: c for c in columns}
    for index, cell in enumerate(cells):
        upper = normalise_header(above[index]) if above is not None and index < len(above) else ""
        lower = normalise_header(cell)
        key = heading_key(upper, lower)
        if chosen and key and key in chosen:
            column = by_key.get(chosen[key])
            if column is not None and column.key not in taken:
                found[index] = (column, key, key != lower)
                taken.add(column.key)
            continue
        options += [(rank, index, text, composite)
                    for rank, text, composite in _candidates(upper, lower)]
    for _rank, index, text, composite in sorted(options, key=lambda o: (o[0], o[1])):
        if index in found:
            continue
        column = next((c for c in columns if c.key not in taken and c.matches(text)), None)
        if column is not None:
            found[index] = (column, text, composite)
            taken.add(column.key)
    return found


def _own(found: dict, cells: list[Any]) -> int:
    """How many of the matches the row's own cells made (not its title row's)."""
    return sum(1 for index, (_c, text, composite) in found.items()
               if composite or normalise_header(cells[index]) == text)


def _find_header(rows: list[list[Any]], columns: list[Column], chosen: dict | None = None):
    """The header is the row (or pair of rows) that names the most known columns. A pair
    counts when its lower row names columns itself: a sub-header row, or the header under a
    title; a data row under the header never does."""
    best: tuple[int, int, dict] = (0, -1, {})
    pair = False
    for number, cells in enumerate(rows[:HEADER_SCAN_ROWS]):
        single = _match_row(cells, columns, chosen=chosen)
        if len(single) > best[0]:
            best, pair = (len(single), number, single), False
        if number:
            double = _match_row(cells, columns, rows[number - 1], chosen)
            own = _own(double, cells)
            if own and (len(double) > best[0] or (best[1] == number - 1
                                                  and len(double) == best[0]
                                                  and 2 * own >= len(double))):
                best, pair = (len(double), number, double), True
    return best[1], best[2], pair


def _fill_merged(rows: list[list[Any]], ranges) -> None:
    """Every cell of a merged range holds the range's value (calamine gives it to the first
    cell only): a title merged over two columns names both, a header merged over two rows
    names its column in both, an address merged over a household's rows fills each row."""
    for (top, left), (bottom, right) in ranges or ():
        if top >= len(rows) or left >= len(rows[top]):
            continue
        value = rows[top][left]
        for r in range(top, min(bottom, len(rows) - 1) + 1):
            for c in range(left, min(right, len(rows[r]) - 1) + 1):
                rows[r][c] = value


def _filled(rows: Iterator[list[Any]], ranges, head: list[list[Any]]) -> Iterator[list[Any]]:
    """``rows`` (the sheet's rows after those of ``head``, already filled) with merged
    ranges filled as they stream past: only the ranges still open are held."""
    start = len(head)
    starting: dict[int, list] = {}
    for (top, left), (bottom, right) in ranges or ():
        if bottom >= start:
            starting.setdefault(max(top, start), []).append((top, left, bottom, right))
    if not starting:
        yield from rows
        return
    open_ranges: list[tuple[int, int, int, Any]] = []  # (bottom, left, right, value)
    for number, cells in enumerate(rows, start=start):
        for top, left, bottom, right in starting.pop(number, ()):
            # A range begun in ``head`` has its value there.
            above = head[top] if top < start else cells
            value = above[left] if left < len(above) else None
            open_ranges.append((bottom, left, right, value))
        if open_ranges:
            open_ranges = [r for r in open_ranges if r[0] >= number]
            for _bottom, left, right, value in open_ranges:
                for c in range(left, min(right, len(cells) - 1) + 1):
                    cells[c] = value
        yield cells


def _header_end(ranges, header_at: int) -> int:
    """The last header row: a header cell merged down over the next row makes that row part
    of the header too (never a data row)."""
    end = header_at
    for (top, _left), (bottom, _right) in ranges or ():
        if top <= header_at < bottom and bottom - top <= 2:
            end = max(end, bottom)
    return end


def _first_text(cells: list[Any]) -> str:
    for cell in cells:
        if cell is not None and cell != "" and (text := cell_text(cell)):
            return text.replace(" ", "")
    return ""


def _is_footer(cells: list[Any], first: str | None = None) -> bool:
    return (_first_text(cells) if first is None else first).startswith(FOOTER_MARKERS)


_FILL_IN = re.compile(r"^(例|示例|样例|举例|例如)([::0-9一二三]|$)|^(填表|填写|填报)(说明|要求)")


def _is_fill_in(cells: list[Any], first: str | None = None) -> bool:
    """A row that shows how to fill the form in: 填表说明…, 例:张三 …, or the column
    numbers 1 2 3 … printed under the header."""
    first = _first_text(cells) if first is None else first
    if _FILL_IN.match(first):
        return True
    if re.sub(r"[()()]", "", first) != "1":
        return False
    texts = [re.sub(r"[()()]", "", cell_text(c)) for c in cells if cell_text(c)]
    return len(texts) >= 3 and texts == [str(n) for n in range(1, len(texts) + 1)]


def _title_rows(rows: list[list[Any]], header_start: int) -> list[str]:
    return [" ".join(cell_text(c) for c in dict.fromkeys(cells) if cell_text(c))
            for cells in rows[:header_start] if any(cell_text(c) for c in cells)]


def _headings(rows: list[list[Any]], header_at: int, found: dict, pair: bool,
              chosen: dict | None = None) -> list[Heading]:
    cells, above = rows[header_at], rows[header_at - 1] if pair else []
    headings = []
    for index, cell in enumerate(cells):
        upper = cell_text(above[index]) if index < len(above) else ""
        lower = cell_text(cell)
        column, text, composite = found.get(index, (None, "", False))
        shown = f"{upper}·{lower}" if composite or (upper and lower and upper != lower
                                                    and index not in found) else lower or upper
        if column is None and not shown:
            continue
        by_choice = bool(chosen) and heading_key(normalise_header(upper) if pair else "",
                                                 normalise_header(lower)) in chosen
        headings.append(Heading(index, shown, column, column.matched_name(text)
                                if column and not by_choice else "", composite, by_choice))
    return headings


def _data_rows(rows: Iterable[list[Any]], start: int, found: dict[int, Column]):
    """(row number, values) of the data rows, ``rows`` starting at index ``start``
    (0-based): blank, fill-in and repeated header rows skipped; the first footer row ends
    them (before any data row a 说明 is a fill-in row, not a footer)."""
    seen_data = False
    for offset, cells in enumerate(rows, start=start + 1):
        first = _first_text(cells)
        if not first:
            continue  # blank row
        footer = first.startswith(FOOTER_MARKERS)
        if footer and seen_data:
            return
        if footer or _is_fill_in(cells, first):
            continue
        values = {col.key: cells[i] if i < len(cells) else None for i, col in found.items()}
        if not any(cell_text(v) for v in values.values()):
            continue  # blank row
        if all(col.matches(normalise_header(values[col.key])) for col in found.values()):
            continue  # the header repeated (a printed roster pasted twice)
        seen_data = True
        yield offset, values


def _sheet_rows(source) -> Iterator[list[Any]]:
    """The sheet's rows from A1, as lists (calamine's rows begin at the first used column;
    its rows already count from the first)."""
    pad = [None] * (source.start or (0, 0))[1]
    for cells in source.iter_rows():
        yield [*pad, *cells] if pad else list(cells)


def iter_roster(data: bytes, columns: list[Column], *, min_columns: int = 2,
                chosen: dict[str, str] | None = None) -> Iterator[Sheet]:
    """Every sheet that has a recognisable header, one at a time, its ``rows`` an iterator
    read as they are used: a million-row roster is never held as Python objects. ``chosen``
    maps header keys (``choice_key``) to a column key, or "" to ignore the column."""
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
    for name in workbook.sheet_names:
        source = workbook.get_sheet_by_name(name)
        stream = _sheet_rows(source)
        head = list(islice(stream, HEADER_SCAN_ROWS + 2))
        ranges = source.merged_cell_ranges
        _fill_merged(head, ranges)
        header_at, matched, pair = _find_header(head, columns, chosen)
        if len(matched) < min_columns:
            continue
        found = {index: column for index, (column, _t, _c) in matched.items()}
        end = _header_end(ranges, header_at)
        titles = _title_rows(head, header_at - 1 if pair else header_at)
        rest = _filled(stream, ranges, head)
        yield Sheet(name=name, header_row=end + 1, columns=found,
                    rows=_data_rows(chain(head[end + 1:], rest), end + 1, found),
                    title=titles[0] if titles else "", titles=titles,
                    headings=_headings(head, header_at, matched, pair, chosen))


def read_roster(data: bytes, columns: list[Column], *, min_columns: int = 2,
                chosen: dict[str, str] | None = None) -> list[Sheet]:
    """Every sheet that has a recognisable header, with its data rows (a list) keyed by
    column."""
    sheets = []
    for sheet in iter_roster(data, columns, min_columns=min_columns, chosen=chosen):
        sheet.rows = list(sheet.rows)
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
    if isinstance(value, float) and value.is_integer():
        text = str(int(value))  # whole, however long (cell_text would show 1E+30)
    else:
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


def _write_sheet(workbook, name: str, headers: list[str], rows: Iterable[Iterable[Any]],
                 title: str = "") -> None:
    sheet = workbook.create_sheet(title=re.sub(r"[\[\]:*?/\\:]", " ", name or "Sheet1")[:31])
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


def _saved(workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def write_xlsx(headers: list[str], rows: Iterable[Iterable[Any]], *, title: str = "") -> bytes:
    """A plain xlsx: optional title row, bold header, frozen below it; streamed rows.
    Every export goes through here or write_workbook, so no text reaches a spreadsheet as
    a formula."""
    workbook = Workbook(write_only=True)
    _write_sheet(workbook, title, headers, rows, title)
    return _saved(workbook)


def write_workbook(sheets: Iterable[tuple[str, list[str], Iterable[Iterable[Any]]]]) -> bytes:
    """Several sheets, each (its name, a bold frozen header, rows), written as write_xlsx
    writes one."""
    workbook = Workbook(write_only=True)
    for name, headers, rows in sheets:
        _write_sheet(workbook, name, headers, rows)
    return _saved(workbook)
