"""The user's choices on a checked roster (issue 10): a column mapped to a field or
ignored, remembered for the user's next file with the same headers; the questions an
importer could not decide (values to map, names with several candidates) listed once with
their rows and answered once for every row; the file's options changed without uploading
it again. And the reading that makes a million rows practical: rows streamed, merged cells
filled as they pass."""

import io
import re

import pytest
from django.urls import reverse
from openpyxl import Workbook

from linli.core import importing
from linli.core.errors import Invalid
from linli.core.excel import Column, cell_text, choice_key, iter_roster, read_roster
from linli.core.importing import Importer
from linli.core.models import ImportMemory, ImportStatus

pytestmark = pytest.mark.django_db

COLORS = {"red": "红色", "blue": "蓝色"}


class Mapper(Importer):
    """A name, a count, a contact's phone and a colour; colours it does not know become a
    question, answered through ``options["colors"]``."""

    kind, title = "mapper", "测试花名册"
    columns = [Column("name", "名称", required=True), Column("count", "人数"),
               Column("phone", "联系人电话"), Column("color", "颜色")]
    permission, domain = "edit", "general"

    @classmethod
    def allowed(cls, access) -> bool:
        return True

    def __init__(self, actor, options=None):
        super().__init__(actor, options)
        self.unknown: dict[str, int] = {}
        answers = self.options.get("colors") or {}
        if any(v not in COLORS and v != "" for v in answers.values()):
            raise Invalid("未知的颜色", details={"colors": ["未知"]})

    def clean(self, values):
        text = {k: cell_text(v) for k, v in values.items()}
        color = text.get("color", "")
        answered = self.options.get("colors") or {}
        if color in answered:
            color = answered[color]
        elif color and color not in COLORS:
            self.unknown[color] = self.unknown.get(color, 0) + 1
            raise ValueError(f"无法识别的颜色“{color}”")
        return {"name": text["name"], "count": text.get("count", ""),
                "phone": text.get("phone", ""), "color": color}

    def questions(self):
        return {"colors": [{"value": v, "rows": n} for v, n in self.unknown.items()]}

    def choices_for(self, question):
        return list(COLORS.items()) if question == "colors" else []

    def key(self, cleaned):
        return cleaned["name"]

    def commit_batch(self, cleaned):
        return ["created"] * len(cleaned)

    def preview_row(self, cleaned):
        return [cleaned["name"], cleaned["count"], cleaned["phone"], cleaned["color"]]


@pytest.fixture
def mapper(monkeypatch):
    monkeypatch.setitem(importing._registry, "mapper", Mapper)
    return Mapper


def _xlsx(header, rows, *, above=None) -> bytes:
    book = Workbook()
    if above:
        book.active.append(above)
    book.active.append(list(header))
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


LOCAL = ["单位名", "人数", "备用", "颜色"]  # 单位名 is this county's word for 名称
ROWS = [["甲", 1, "x", "red"], ["乙", 2, "y", "blue"]]


def _upload(actor, content=None, **options):
    return importing.import_preview(actor=actor, kind="mapper", filename="测试.xlsx",
                                    content=content or _xlsx(LOCAL, ROWS), options=options)


def test_a_mapped_column_fills_its_field_and_is_remembered_for_the_next_file(
        personas, mapper):
    job = _upload(personas.township)
    assert job.valid_rows == 0 and "缺少必填列:名称" in job.errors[0]["reason"]
    job = importing.import_rechoose(actor=personas.township, job=job,
                                    columns={"单位名": "name", "备用": ""})
    assert (job.status, job.valid_rows, job.error_rows) == (ImportStatus.PREVIEWED, 2, 0)
    assert job.preview[0] == ["甲", "1", "", "red"]
    read = {h["text"]: h for h in job.columns[0]["headings"]}
    assert read["单位名"]["key"] == "name" and read["单位名"]["chosen"]
    assert read["备用"]["key"] == "" and read["备用"]["chosen"]
    assert read["人数"]["matched"] == "人数" and not read["人数"]["chosen"]
    # The next file with the same headers: read the same way at once, for this user only.
    again = _upload(personas.township)
    assert (again.valid_rows, again.error_rows) == (2, 0)
    other = _upload(personas.county)
    assert other.valid_rows == 0
    assert ImportMemory.objects.get(user=personas.township, kind="mapper").columns == {
        "单位名": "name", "备用": ""}


def test_a_column_read_by_its_name_can_be_ignored_or_given_back(personas, mapper):
    content = _xlsx(["名称", "人数", "颜色"], [["甲", 1, "red"], ["乙", 2, "blue"]])
    job = _upload(personas.township, content)
    job = importing.import_rechoose(actor=personas.township, job=job, columns={"人数": ""})
    assert job.preview[0][1] == ""  # 人数 ignored
    job = importing.import_rechoose(actor=personas.township, job=job, columns={})
    assert job.preview[0][1] == "1"  # back to its name, and forgotten
    assert ImportMemory.objects.get(user=personas.township).columns == {}


def test_a_two_row_header_is_chosen_by_its_composite_text(personas, mapper):
    book = Workbook()
    book.active.append(["名称", "监护人", "", "颜色"])
    book.active.append(["", "姓名", "手机", ""])
    book.active.merge_cells("B1:C1")
    book.active.merge_cells("A1:A2")
    book.active.merge_cells("D1:D2")
    book.active.append(["甲", "张三", "13800000001", "red"])
    buffer = io.BytesIO()
    book.save(buffer)
    content = buffer.getvalue()
    job = _upload(personas.township, content)
    texts = [h["text"] for h in job.columns[0]["headings"]]
    assert "监护人·手机" in texts and job.preview[0][2] == ""
    job = importing.import_rechoose(actor=personas.township, job=job,
                                    columns={"监护人·手机": "phone"})
    assert job.preview[0][2] == "13800000001"
    assert choice_key("监护人·手机") in ImportMemory.objects.get().columns


def test_a_bad_choice_is_refused_and_nothing_changes(personas, mapper):
    job = _upload(personas.township)
    with pytest.raises(Invalid, match="未知的列"):
        importing.import_rechoose(actor=personas.township, job=job, columns={"单位名": "nope"})
    with pytest.raises(Invalid, match="未知的颜色"):
        importing.import_rechoose(actor=personas.township, job=job,
                                  answers={"colors": {"绿": "green"}})
    job.refresh_from_db()
    assert job.status == ImportStatus.PREVIEWED and job.options == {}
    assert not ImportMemory.objects.exists()


def test_a_committed_file_cannot_be_rechosen(personas, mapper):
    job = _upload(personas.township, _xlsx(["名称", "颜色"], [["甲", "red"]]))
    job = importing.import_commit(actor=personas.township, job=job)
    with pytest.raises(Invalid, match="只能调整已检查、尚未导入的文件"):
        importing.import_rechoose(actor=personas.township, job=job, columns={})


def test_questions_are_listed_once_and_answered_for_every_row(personas, mapper, as_user):
    rows = [["甲", 1, "", "绯红"], ["乙", 2, "", "绯红"], ["丙", 3, "", "天青"],
            ["丁", 4, "", "red"]]
    job = _upload(personas.township, _xlsx(["名称", "人数", "备用", "颜色"], rows))
    assert job.questions == {"colors": [{"value": "绯红", "rows": 2},
                                        {"value": "天青", "rows": 1}]}
    client = as_user(personas.township)
    page = client.get(reverse("core:import_job", args=[job.pk])).content.decode()
    question = page.split('data-question="colors"')[1].split("</table>")[0]
    assert "<td>绯红</td><td>2</td>" in re.sub(r"<td[^>]*>", "<td>", question)  # cells' attributes aside
    assert '<option value="red">红色</option>' in question
    # One answer for the value, a column ignored, on the page's form.
    headings = page.split('id="choices"')[1]
    assert 'name="column-0"' in headings and "按列名自动识别" in headings
    response = client.post(reverse("core:import_rechoose", args=[job.pk]), {
        "answer-colors-0": "red", "answer-colors-1": "__pending__", "column-1": ""})
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.options == {"colors": {"绯红": "red"}, "columns": {"人数": ""}}
    assert (job.valid_rows, job.error_rows) == (3, 1)
    assert job.questions == {"colors": [{"value": "天青", "rows": 1}]}
    assert [r[0] for r in job.preview] == ["甲", "乙", "丁"]
    assert all(r[1] == "" for r in job.preview)


def test_another_users_job_cannot_be_rechosen(personas, mapper, as_user):
    job = _upload(personas.township)
    response = as_user(personas.county).post(reverse("core:import_rechoose", args=[job.pk]),
                                             {"column-0": "name"})
    assert response.status_code == 404
    job.refresh_from_db()
    assert job.options == {}


# --- streaming ---------------------------------------------------------------------------

COLUMNS = [Column("name", "姓名", required=True), Column("phone", "电话"),
           Column("address", "住址")]


def test_rows_stream_from_a_sheet_that_starts_away_from_a1_with_merges_across_the_head():
    book = Workbook()
    sheet = book.active
    sheet["C3"], sheet["D3"], sheet["E3"] = "姓名", "电话", "住址"
    for row in range(4, 40):
        sheet.cell(row, 3, f"张{row}")
    sheet.cell(4, 5, "东关村")
    sheet.merge_cells("E4:E25")  # begins in the rows read for the header, ends after them
    sheet.cell(30, 5, "北关村")
    sheet.merge_cells("E30:E33")
    buffer = io.BytesIO()
    book.save(buffer)
    [read] = iter_roster(buffer.getvalue(), COLUMNS)
    assert read.header_row == 3 and not isinstance(read.rows, list)
    rows = dict(read.rows)
    assert rows[4]["name"] == "张4" and rows[39]["name"] == "张39"
    assert {n for n, v in rows.items() if v["address"] == "东关村"} == set(range(4, 26))
    assert {n for n, v in rows.items() if v["address"] == "北关村"} == set(range(30, 34))
    [listed] = read_roster(buffer.getvalue(), COLUMNS)
    assert dict(listed.rows) == rows
