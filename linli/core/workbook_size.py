"""How big a workbook is before it is read.

A 5 MB xlsx can inflate to a million rows, and reading it (calamine, then a Python object
per cell) costs about a gigabyte before the first row is checked. An xlsx is a zip of
sheet XML, so its rows are counted by streaming that XML and stopping at the limit; other
formats (xls holds at most 65,536 rows a sheet) are counted sheet by sheet with calamine.
"""

import io
import re
import zipfile

from django.utils.translation import gettext as _
from python_calamine import CalamineWorkbook

from linli.core.errors import Invalid

# A sheet's XML may inflate this far (a 1,000,000-row roster is about 750 MB of XML).
MAX_XML_BYTES = 3 * 1024 * 1024 * 1024
_SHEET_PART = re.compile(r"xl/worksheets/[^/]+\.xml")
# A row element, with or without a namespace prefix (<row …> or <x:row …>).
_ROW = re.compile(rb"<(?:\w{1,10}:)?row[\s>/]")
_ROW_MATCH_MAX = 16  # the longest text _ROW matches
_READ = 1024 * 1024


def check_workbook_size(data: bytes, *, max_rows: int, data_rows: int | None = None) -> None:
    """Refuse, with the reason, a workbook whose sheets hold more than ``max_rows`` rows
    (title, header and blank rows included) or whose XML inflates beyond MAX_XML_BYTES.
    ``data_rows`` is the limit the clerk is told (the data rows, without that allowance).
    A file that is not a workbook passes: reading it says why it cannot be read."""
    try:
        rows = _xlsx_rows(data, max_rows) if _is_xlsx(data) else _other_rows(data, max_rows)
    except Invalid:
        raise
    except Exception:  # zipfile and calamine raise their own errors for what is no workbook
        return
    if rows > max_rows:
        raise Invalid(_("表格超过 %(n)s 行,请拆分成多个文件后分批上传") % {
            "n": f"{data_rows or max_rows:,}"})


def _is_xlsx(data: bytes) -> bool:
    if not data.startswith(b"PK"):
        return False
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return any(_SHEET_PART.fullmatch(name) for name in archive.namelist())


def _xlsx_rows(data: bytes, stop: int) -> int:
    """Row elements in every sheet's XML, counted while inflating; stops past ``stop``."""
    count = inflated = 0
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            if not _SHEET_PART.fullmatch(name):
                continue
            with archive.open(name) as part:
                tail = b""
                while chunk := part.read(_READ):
                    inflated += len(chunk)
                    if inflated > MAX_XML_BYTES:
                        raise Invalid(_("文件解压后过大,请拆分成多个文件后分批上传"))
                    text = tail + chunk
                    # A row tag cut by the chunk's end is counted with the next chunk.
                    cut = max(0, len(text) - _ROW_MATCH_MAX)
                    count += sum(1 for m in _ROW.finditer(text) if m.start() < cut)
                    tail = text[cut:]
                    if count > stop:
                        return count
                count += len(_ROW.findall(tail))
    return count


def _other_rows(data: bytes, stop: int) -> int:
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
    count = 0
    for name in workbook.sheet_names:
        count += workbook.get_sheet_by_name(name).height
        if count > stop:
            break
    return count
