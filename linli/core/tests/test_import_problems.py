"""Errors and warnings of a row (issue 10): several of each per row, counted by reason,
kept and shown apart; the file's options and each sheet reach the importer; the preview
says how each column was understood."""

import io
import re

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from linli.core import import_report, importing
from linli.core.errors import Invalid
from linli.core.excel import Column, cell_text
from linli.core.importing import Importer, Problems, RowProblems

pytestmark = pytest.mark.django_db


class Checker(Importer):
    """Every problem of a row at once: a name, a count and a date, each checked."""

    kind, title = "checker", "测试花名册"
    columns = [Column("name", "名称", required=True), Column("count", "人数"),
               Column("note", "备注", ("说明",))]
    permission, domain = "edit", "general"
    sheets: list = []

    @classmethod
    def allowed(cls, access) -> bool:
        return True

    def __init__(self, actor, options=None):
        super().__init__(actor, options)
        if self.options.get("group") == "无此类":
            raise Invalid("未知的类别", details={"group": ["未知"]})

    def start_sheet(self, sheet) -> None:
        Checker.sheets.append((sheet.name, sheet.title, dict(self.options)))

    def clean(self, values):
        text = {k: cell_text(v) for k, v in values.items()}
        problems, warnings = Problems(), []
        with problems.check():
            if text["name"].startswith("坏"):
                raise ValueError("名称有误")
        with problems.check():
            if not text["count"].isascii() or text["count"] == "多":
                raise ValueError(f"“{text['count']}”不是数字")
        if text["note"]:
            warnings.append("备注未导入")
        problems.warnings += warnings
        problems.raise_if_any()
        return {"name": text["name"], "warnings": warnings}

    def key(self, cleaned):
        return cleaned["name"]

    def warnings(self, cleaned) -> list[str]:
        return cleaned["warnings"]

    def check_batch(self, cleaned):
        return {i: ["已登记", "已注销"] for i, row in enumerate(cleaned)
                if row["name"] == "重名"}

    def commit_batch(self, cleaned):
        return ["created"] * len(cleaned)

    def preview_row(self, cleaned):
        return [cleaned["name"], "", ""]


@pytest.fixture
def checker(monkeypatch):
    monkeypatch.setitem(importing._registry, "checker", Checker)
    Checker.sheets = []
    return Checker


def _xlsx(rows, header=("名称", "人数", "说明", "其他")) -> bytes:
    book = Workbook()
    book.active.title = "大众街街道"
    book.active.append(["大众街街道测试花名册"])
    book.active.append(list(header))
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


ROWS = [["好", 1, ""], ["坏一", "多", "有备注"], ["坏二", 2, ""], ["好二", 3, "有备注"],
        ["重名", 4, ""]]


def _preview(actor, rows=ROWS, **options):
    return importing.import_preview(actor=actor, kind="checker", filename="测试.xlsx",
                                    content=_xlsx(rows), options=options)


def test_it_reports_every_error_and_warning_of_a_row(personas, checker):
    job = _preview(personas.township)
    assert (job.total_rows, job.valid_rows, job.error_rows, job.warning_rows) == (5, 2, 3, 1)
    errors = {e["row"]: e for e in job.errors}
    assert errors[4]["reason"] == "名称有误;“多”不是数字"
    assert errors[4]["warning"] == "备注未导入"  # an error row keeps its warnings too
    assert errors[7]["reason"] == "已登记;已注销"  # several from the database checks
    assert job.error_counts == {"名称有误": 2, "“…”不是数字": 1, "已登记": 1, "已注销": 1}
    assert [w["row"] for w in job.warnings] == [6]


def test_it_counts_a_row_once_however_many_its_reasons(personas, checker, monkeypatch):
    monkeypatch.setattr(importing, "KEPT", 1)
    job = _preview(personas.township, [["坏", "多", ""]] * 1 + [[f"坏{i}", "多", ""]
                                                               for i in range(3)])
    assert (job.error_rows, len(job.errors)) == (4, 1)
    assert job.error_counts == {"名称有误": 4, "“…”不是数字": 4}


def test_it_shows_errors_and_warnings_apart_on_the_page_and_in_the_report(
        personas, checker, as_user):
    job = _preview(personas.township)
    page = as_user(personas.township).get(
        reverse("core:import_job", args=[job.pk])).content.decode()
    errors = re.sub(r"<td[^>]*>", "<td>", page.split('id="import-errors"')[1].split("</table>")[0])
    assert "<td>坏一</td><td>名称有误;“多”不是数字</td><td>备注未导入</td>" in errors
    warnings = re.sub(r"<td[^>]*>", "<td>", page.split('id="import-warnings"')[1].split("</table>")[0])
    assert "<td>好二</td><td>备注未导入</td>" in warnings and "名称有误" not in warnings
    job = importing.import_job_get(actor=personas.township, pk=job.pk)
    rows = list(load_workbook(io.BytesIO(import_report.error_report(job=job))).active.values)
    assert rows[2][1:4] == (4, "名称有误;“多”不是数字", "备注未导入")
    assert rows[-1][1:4] == (6, None, "备注未导入")


def test_it_reports_every_error_read_again_from_the_file(personas, checker, monkeypatch):
    monkeypatch.setattr(importing, "KEPT", 0)
    job = importing.import_job_get(actor=personas.township,
                                   pk=_preview(personas.township).pk)
    rows = list(load_workbook(io.BytesIO(import_report.error_report(job=job))).active.values)
    assert [r[1:4] for r in rows[2:4]] == [(4, "名称有误;“多”不是数字", "备注未导入"),
                                          (5, "名称有误", None)]


def test_it_gives_the_importer_the_files_options_and_each_sheet(personas, checker):
    job = _preview(personas.township, region="大众街街道", group="")
    assert job.options == {"region": "大众街街道"}  # what was left blank is no option
    assert checker.sheets == [("大众街街道", "大众街街道测试花名册", {"region": "大众街街道"})]
    checker.sheets = []
    importing.import_commit(actor=personas.township, job=job)
    assert checker.sheets[0][2] == {"region": "大众街街道"}  # the commit reads them again


def test_it_refuses_a_bad_option_before_storing_the_file(personas, checker, as_user):
    with pytest.raises(Invalid, match="未知的类别"):
        _preview(personas.township, group="无此类")
    upload = io.BytesIO(_xlsx(ROWS))
    upload.name = "测试.xlsx"
    page = as_user(personas.township).post(
        reverse("core:import_upload", args=["checker"]), {"file": upload, "group": "无此类"})
    assert "未知" in page.content.decode()
    assert not importing.ImportJob.objects.exists()


def test_it_shows_how_each_column_was_understood(personas, checker, as_user):
    job = _preview(personas.township)
    assert job.columns == [{"sheet": "大众街街道", "header_row": 2, "headings": [
        {"text": "名称", "column": "名称", "key": "name", "matched": "名称", "composite": False,
         "chosen": False},
        {"text": "人数", "column": "人数", "key": "count", "matched": "人数", "composite": False,
         "chosen": False},
        {"text": "说明", "column": "备注", "key": "note", "matched": "说明", "composite": False,
         "chosen": False},
        {"text": "其他", "column": "", "key": "", "matched": "", "composite": False,
         "chosen": False}]}]
    page = as_user(personas.township).get(
        reverse("core:import_job", args=[job.pk])).content.decode()
    table = re.sub(r"<td[^>]*>", "<td>", page.split("understood-columns")[1].split("</table>")[0])
    assert "<td>说明</td><td>备注</td><td>同义词“说明”</td>" in table
    assert "<td>其他</td><td>未使用(忽略)</td>" in table


class Plain(Checker):
    kind = "plain"

    def __init__(self, actor):
        super().__init__(actor)


def test_it_keeps_importers_without_options_working(personas, monkeypatch):
    """An importer that takes no options: the form offers none, the engine passes none."""
    monkeypatch.setitem(importing._registry, "plain", Plain)
    assert not Plain.takes_options()
    importing.importer_for(actor=personas.county, kind="plain", options={"region": "x"})


def test_it_raises_row_problems_with_every_error():
    problems = Problems()
    with problems.check():
        raise ValueError("一")
    with problems.check():
        raise RowProblems(["二", "三"], ["提醒"])
    with pytest.raises(RowProblems) as raised:
        problems.raise_if_any()
    assert (raised.value.errors, raised.value.warnings) == (["一", "二", "三"], ["提醒"])
    assert str(raised.value) == "一;二;三"
    Problems().raise_if_any()  # nothing met, nothing raised
