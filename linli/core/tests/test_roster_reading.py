"""Rosters as counties write them (issue 10): merged two-row headers (联系人 → 姓名 / 电话 is
the contact's phone, not the person's), the second header row, fill-in rows and footers
never read as data, and a number Excel could not hold shown as the cell reads."""

import io

import pytest
import xlwt
from openpyxl import Workbook, load_workbook

from linli.core import import_report, importing
from linli.core.excel import Column, cell_text, read_roster
from linli.people.models import Contact, Person
from linli.people.tests.conftest import CHILD, OLD_MAN

COLUMNS = [
    Column("name", "姓名", required=True),
    Column("id_number", "公民身份号码", ("身份证号",)),
    Column("phone", "联系电话", ("电话",)),
    Column("region", "村(社区)", ("村",)),
    Column("guardian", "监护人", ("联系人",)),
    Column("guardian_phone", "监护人电话", ("联系人电话",)),
]
TOP = ["序号", "姓名", "身份证号", "联系电话", "村(社区)", "联系人", None, "备注"]
SUB = [None, None, None, None, None, "姓名", "电话", None]
ROWS = [[1, "马福寿", OLD_MAN, "13897000001", "北关社区", "马建国", "13997000001", ""],
        [2, "才让卓玛", CHILD, "", "北关社区", "旦正", "13997000002", "留守儿童"]]
# (first row, first column, last row, last column), 0-based: the title over the whole
# width, each single header over two rows, 联系人 over its two sub-columns.
MERGES = [(0, 0, 0, 7), *[(1, c, 2, c) for c in (0, 1, 2, 3, 4, 7)], (1, 5, 1, 6)]


def _xlsx(rows, *, before=(), after=()) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(["东关大街街道留守儿童和困境老人花名册"])
    for row in (TOP, SUB, *before, *rows, *after):
        sheet.append(list(row))
    for top, left, bottom, right in MERGES:
        sheet.merge_cells(start_row=top + 1, start_column=left + 1, end_row=bottom + 1,
                          end_column=right + 1)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _xls(rows) -> bytes:
    book = xlwt.Workbook()
    sheet = book.add_sheet("城东区")
    cells = {}
    for r, row in enumerate([["东关大街街道留守儿童和困境老人花名册"], TOP, SUB, *rows]):
        for c, value in enumerate(row):
            if value is not None:
                cells[r, c] = value
    for top, left, bottom, right in MERGES:
        sheet.write_merge(top, bottom, left, right, cells.pop((top, left), ""))
        for r in range(top, bottom + 1):
            for c in range(left, right + 1):
                cells.pop((r, c), None)
    for (r, c), value in cells.items():
        sheet.write(r, c, value)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("make", [_xlsx, _xls], ids=["xlsx", "xls"])
def test_it_maps_a_merged_sub_column_to_its_composite_header(make):
    [sheet] = read_roster(make(ROWS), COLUMNS)
    keys = {index: column.key for index, column in sheet.columns.items()}
    assert keys == {1: "name", 2: "id_number", 3: "phone", 4: "region", 5: "guardian",
                    6: "guardian_phone"}
    assert [values["guardian_phone"] for _n, values in sheet.rows] == [
        "13997000001", "13997000002"]
    assert [values["phone"] for _n, values in sheet.rows] == ["13897000001", ""]


@pytest.mark.parametrize("make", [_xlsx, _xls], ids=["xlsx", "xls"])
def test_it_never_reads_the_second_header_row_as_data(make):
    [sheet] = read_roster(make(ROWS), COLUMNS)
    assert sheet.header_row == 3
    assert [number for number, _values in sheet.rows] == [4, 5]
    assert sheet.title == "东关大街街道留守儿童和困境老人花名册"


def test_it_says_how_each_header_was_understood():
    [sheet] = read_roster(_xlsx(ROWS), COLUMNS)
    understood = {h.text: (h.column.key if h.column else None, h.matched, h.composite)
                  for h in sheet.headings}
    assert understood["联系人·电话"] == ("guardian_phone", "联系人电话", True)
    assert understood["联系人·姓名"] == ("guardian", "联系人", True)
    assert understood["身份证号"] == ("id_number", "身份证号", False)
    assert understood["备注"] == (None, "", False)  # ignored
    assert understood["序号"] == (None, "", False)


def test_it_skips_fill_in_rows_column_numbers_and_footers():
    before = [["填表说明:身份证号请设为文本格式"], [1, 2, 3, 4, 5, 6, 7, 8],
              ["例:", "张三", "630102200001010011", "", "某某村", "", "", ""],
              ["说明:每人一行"]]
    after = [[], ["合计", "2 人"], ["填表人:马晓梅", None, "审核人:张海燕"],
             [9, "脚注之后", "", "", "北关社区"]]
    [sheet] = read_roster(_xlsx(ROWS, before=before, after=after), COLUMNS)
    assert [values["name"] for _n, values in sheet.rows] == ["马福寿", "才让卓玛"]


def test_it_keeps_a_row_that_only_looks_like_a_number_row():
    [sheet] = read_roster(_xlsx([[1, "马福寿", "", "", "北关社区"],
                                 [2, "才让", "", "", "北关社区"]]), COLUMNS)
    assert len(sheet.rows) == 2


@pytest.mark.parametrize(("value", "text"), [
    (6.30202e17, "6.30202E+17"), (630102201506010027.0, "6.30102E+17"), (1e16, "1E+16"),
    (13897000001.0, "13897000001"), (632301480101001.0, "632301480101001"), (12.0, "12"),
])
def test_it_shows_a_number_too_long_for_excel_as_the_cell_reads(value, text):
    assert cell_text(value) == text


# --- through the people import -------------------------------------------------------------

@pytest.mark.django_db
@pytest.mark.parametrize("make", [_xlsx, _xls], ids=["xlsx", "xls"])
def test_it_saves_the_contacts_phone_from_a_two_row_header(personas, make):
    job = importing.import_preview(actor=personas.township, kind="people",
                                   filename="名册", content=make(ROWS))
    assert (job.total_rows, job.error_rows) == (2, 0), job.errors
    importing.import_commit(actor=personas.township, job=job)
    child = Person.objects.get(name="才让卓玛")
    assert Contact.objects.filter(person=child).values_list("name", "phone").get() == (
        "旦正", "13997000002")
    assert Person.objects.get(name="马福寿").phone == "13897000001"


@pytest.mark.django_db
def test_it_reports_a_lost_precision_number_as_the_cell_reads(personas):
    rows = [[1, "科学计数", 6.30202e17, "", "北关社区", "", "", ""]]
    job = importing.import_preview(actor=personas.township, kind="people",
                                   filename="名册.xlsx", content=_xlsx(rows))
    [error] = job.errors
    assert error["values"][:2] == ["科学计数", "6.30202E+17"]
    assert "Excel 当作数字" in error["reason"]
    job = importing.import_job_get(actor=personas.township, pk=job.pk)
    report = list(load_workbook(io.BytesIO(import_report.error_report(job=job))).active.values)
    assert report[2][4:6] == ("科学计数", "6.30202E+17")
