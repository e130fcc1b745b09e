"""The import flow's bounds: formula-like values warned of, errors capped with counts,
blobs kept out of lists, no bytes kept once a job is done, rows capped, and the full
error report streamed from the file by a background task."""

import importlib
import io
from types import SimpleNamespace

import pytest
import xlwt
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from linli.core import import_report, importing, workbook_size
from linli.core.errors import Invalid
from linli.core.models import ImportJob, ImportStatus, ReportStatus
from linli.people.importers import PeopleImporter
from linli.people.models import Person
from linli.people.tests.conftest import OLD_MAN

pytestmark = pytest.mark.django_db
HEADER = ["姓名", "公民身份号码", "出生日期", "联系电话", "村(社区)", "对象类别"]
GOOD = ["马福寿", OLD_MAN, "", "", "北关社区", "独居老人"]
FORMULA = '=HYPERLINK("http://x.cn","点此")'
BLOBS = ("content", "errors", "warnings", "preview", "report")


def _xlsx(rows) -> bytes:
    """A roster whose cells hold what was typed as text (openpyxl would otherwise store
    "=…" as a formula, which calamine reads as its cached value)."""
    book = Workbook()
    book.active.append(HEADER)
    for row in rows:
        book.active.append(row)
        for cell in book.active[book.active.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _bad(count: int) -> list[list]:
    """Rows that fail: unknown villages (each its own name) and bad check digits."""
    return [[f"某{i}", "", "", "", f"无此{i}社区", "高龄"] if i % 2 else
            [f"某{i}", "632301194801010016", "", "", "北关社区", "高龄"] for i in range(count)]


def _preview(actor, rows):
    return importing.import_preview(actor=actor, kind="people", filename="roster.xlsx",
                                    content=_xlsx(rows))


def _report_rows(content: bytes) -> list[tuple]:
    return list(load_workbook(io.BytesIO(content)).active.values)


def _columns_selected(queries, table="core_importjob") -> str:
    selects = [q["sql"] for q in queries if q["sql"].startswith("SELECT") and table in q["sql"]]
    assert selects
    return " ".join(s.split(" FROM ")[0] for s in selects)


# --- formula-like values: a warning, the row still imported ------------------------------

def test_it_warns_of_formula_like_values_and_still_imports_the_row(personas):
    rows = [[FORMULA, "", "", "", "北关社区", "高龄"], GOOD,
            ["张三", "", "", "-5", "北关社区", "高龄"],
            ["李四", "", "", "+86 138 0000 0001", "北关社区", "高龄"]]
    job = _preview(personas.township, rows)
    assert (job.valid_rows, job.error_rows, job.warning_rows) == (4, 0, 1)
    assert job.warnings[0]["row"] == 2
    assert job.warnings[0]["reason"] == "“姓名”以“=”开头,可能是公式,已按文本保存"
    assert job.warning_counts == {"“姓名”以“=”开头,可能是公式,已按文本保存": 1}
    job = importing.import_commit(actor=personas.township, job=job)
    assert job.created_count == 4 and job.warning_rows == 1
    assert Person.objects.filter(name=FORMULA).exists()  # stored as typed, as text


def test_it_shows_warnings_on_the_page_and_in_the_report(personas, as_user):
    client = as_user(personas.township)
    upload = io.BytesIO(_xlsx([["@某人", "", "", "", "北关社区", "高龄"], GOOD]))
    upload.name = "roster.xlsx"
    client.post(reverse("core:import_upload", args=["people"]), {"file": upload})
    job = ImportJob.objects.get()
    page = client.get(reverse("core:import_job", args=[job.pk])).content.decode()
    assert "提醒行 1" in page and "“姓名”以“@”开头,可能是公式,已按文本保存" in page
    assert "导入 2 条有效记录" in page
    rows = _report_rows(client.get(reverse("core:import_errors", args=[job.pk])).content)
    assert rows[1][:4] == ("工作表", "行号", "错误原因", "提醒")
    assert rows[2][1:5] == (2, None, "“姓名”以“@”开头,可能是公式,已按文本保存", "'@某人")


def test_it_shows_the_importers_own_warnings(personas):
    """The people importer's birth-date check was computed and then dropped."""
    job = _preview(personas.township, [["马福寿", OLD_MAN, "1950.3", "", "北关社区", "高龄"]])
    assert job.valid_rows == 1
    assert job.warnings[0]["reason"] == "出生日期与身份证号不一致,按身份证号记录"


# --- errors: the first KEPT in full, counts by reason, the total --------------------------

def test_it_caps_stored_errors_with_counts_by_reason(personas, as_user, monkeypatch):
    monkeypatch.setattr(importing, "KEPT", 3)
    job = _preview(personas.township, [GOOD, *_bad(7)])
    assert (job.valid_rows, job.error_rows, len(job.errors)) == (1, 7, 3)
    assert job.error_counts == {"身份证号校验位不正确,请核对": 4, "在您的辖区内找不到“…”": 3}
    page = as_user(personas.township).get(
        reverse("core:import_job", args=[job.pk])).content.decode()
    assert "只保存前 3 条错误的明细(共 7 条)" in page
    assert "在您的辖区内找不到“…”" in page and 'id="error-counts"' in page


def test_it_bounds_the_reasons_counted_and_the_text_kept(personas, monkeypatch):
    monkeypatch.setattr(importing, "REASON_KINDS", 1)
    job = _preview(personas.township, _bad(5))
    assert job.error_counts == {"身份证号校验位不正确,请核对": 3, "其他原因": 2}
    monkeypatch.setattr(importing, "TEXT_MAX", 10)
    job = _preview(personas.township, [["名" * 40, "", "", "", "北关社区", "五好家庭" * 5]])
    assert job.errors[0]["values"][0] == "名" * 9 + "…"


def test_it_names_a_reason_without_the_rows_values():
    assert importing.reason_kind("在您的辖区内找不到“北关村”") == "在您的辖区内找不到“…”"
    assert importing.reason_kind("与工作表“甲”第 12 行重复") == "与工作表“…”第 … 行重复"
    assert importing.reason_kind("区划代码 630102001 不在您的辖区内或不存在") == \
        "区划代码 … 不在您的辖区内或不存在"


# --- blobs: never in lists; no bytes once done --------------------------------------------

def test_it_lists_recent_jobs_without_loading_their_blobs(personas, as_user):
    _preview(personas.township, [GOOD, *_bad(2)])
    client = as_user(personas.township)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("core:import_upload", args=["people"])).content.decode()
    assert "roster.xlsx" in page
    columns = _columns_selected(queries.captured_queries)
    assert not [blob for blob in BLOBS if f'"{blob}"' in columns], columns


def test_it_shows_a_job_without_loading_its_file_or_report(personas, as_user):
    job = _preview(personas.township, [GOOD])
    with CaptureQueriesContext(connection) as queries:
        as_user(personas.township).get(reverse("core:import_job", args=[job.pk]))
    columns = _columns_selected(queries.captured_queries)
    assert '"content"' not in columns and '"report"' not in columns


def test_it_keeps_no_bytes_of_a_failed_job(personas):
    with pytest.raises(Invalid, match="无法读取该文件"):
        importing.import_preview(actor=personas.township, kind="people", filename="x.xlsx",
                                 content=b"not a spreadsheet")
    job = ImportJob.objects.get()
    assert job.status == ImportStatus.FAILED and bytes(job.content) == b""
    assert job.file_bytes == len(b"not a spreadsheet")


def test_it_keeps_no_bytes_when_checking_breaks(personas, monkeypatch):
    job = importing.import_preview(actor=personas.township, kind="people", filename="r.xlsx",
                                   content=_xlsx([GOOD]))
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.CHECKING)

    def broken(self, values):
        raise RuntimeError("a bug")

    monkeypatch.setattr(PeopleImporter, "clean", broken)
    with pytest.raises(RuntimeError):
        importing.run_preview(ImportJob.objects.get(pk=job.pk))
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED and bytes(job.content) == b""
    assert "处理文件时出错" in job.message


def test_it_keeps_no_file_preview_or_report_once_committed(personas):
    job = _preview(personas.township, [GOOD, *_bad(1)])
    assert bytes(ImportJob.objects.get(pk=job.pk).content)
    importing.import_commit(actor=personas.township, job=job)
    job = ImportJob.objects.get(pk=job.pk)
    assert job.status == ImportStatus.COMMITTED and bytes(job.content) == b""
    assert job.preview == [] and job.report is None
    assert job.error_rows == 1 and job.errors[0]["row"] == 3  # what the report needs


# --- rows: refused beyond the cap before any is checked ----------------------------------

def test_it_stops_at_the_data_row_cap_and_keeps_nothing(personas, monkeypatch):
    """Within the allowance for title and footer rows, the data rows are counted as they
    stream: the job stops at the cap, before it would go on."""
    monkeypatch.setattr(importing, "MAX_ROWS", 5)
    checked = []
    clean = PeopleImporter.clean

    def counting(self, values):
        checked.append(values["name"])
        return clean(self, values)

    monkeypatch.setattr(PeopleImporter, "clean", counting)
    with pytest.raises(Invalid, match="表格的数据超过 5 行的上限,请拆分成多个文件后分批上传"):
        _preview(personas.township, [GOOD] * 8)
    assert len(checked) == 5
    job = ImportJob.objects.get()
    assert job.status == ImportStatus.FAILED and bytes(job.content) == b""


def test_it_refuses_a_huge_workbook_before_reading_it(personas, monkeypatch):
    monkeypatch.setattr(importing, "MAX_ROWS", 5)
    monkeypatch.setattr(importing, "OTHER_ROWS", 2)

    def never(*args, **kwargs):
        raise AssertionError("the workbook may not be read")

    monkeypatch.setattr(importing, "iter_roster", never)
    with pytest.raises(Invalid, match="表格超过 5 行"):
        _preview(personas.township, [GOOD] * 8)
    assert not ImportJob.objects.exists()  # refused before its bytes were stored


def test_it_counts_xlsx_rows_while_inflating_across_chunks(monkeypatch):
    content = _xlsx([GOOD] * 40)
    monkeypatch.setattr(workbook_size, "_READ", 7)  # row tags cut by every chunk boundary
    assert workbook_size._xlsx_rows(content, 10**6) == 41
    assert workbook_size._xlsx_rows(content, 10) == 11  # stops soon after the limit
    workbook_size.check_workbook_size(content, max_rows=41)
    with pytest.raises(Invalid, match="表格超过 40 行"):
        workbook_size.check_workbook_size(content, max_rows=40)


def test_it_counts_prefixed_rows_and_refuses_an_xml_bomb(monkeypatch):
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", "<x:sheetData>" + '<x:row r="1"><x:c>'
                         "<x:v>1</x:v></x:c></x:row>" * 3 + "</x:sheetData><x:rowBreaks/>")
    assert workbook_size._xlsx_rows(buffer.getvalue(), 100) == 3
    monkeypatch.setattr(workbook_size, "MAX_XML_BYTES", 50)
    with pytest.raises(Invalid, match="文件解压后过大"):
        workbook_size.check_workbook_size(buffer.getvalue(), max_rows=100)


def test_it_counts_xls_rows_sheet_by_sheet():
    book = xlwt.Workbook()
    for name in ("甲", "乙"):
        sheet = book.add_sheet(name)
        for row in range(4):
            sheet.write(row, 0, "x")
    buffer = io.BytesIO()
    book.save(buffer)
    workbook_size.check_workbook_size(buffer.getvalue(), max_rows=8)
    with pytest.raises(Invalid, match="表格超过 7 行"):
        workbook_size.check_workbook_size(buffer.getvalue(), max_rows=7)
    workbook_size.check_workbook_size(b"not a workbook", max_rows=0)  # reading says why


# --- the error report ---------------------------------------------------------------------

def test_it_writes_the_full_report_in_a_background_task_with_progress(
        personas, as_user, settings, monkeypatch, django_capture_on_commit_callbacks):
    settings.LINLI_BACKGROUND_IMPORT_BYTES = 1  # every file is "big"
    monkeypatch.setattr(importing, "KEPT", 2)
    monkeypatch.setattr(importing, "CHUNK", 2)
    client = as_user(personas.township)
    upload = io.BytesIO(_xlsx([GOOD, *_bad(5)]))
    upload.name = "roster.xlsx"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("core:import_upload", args=["people"]), {"file": upload})
    job = ImportJob.objects.get()
    assert (job.status, job.error_rows, len(job.errors)) == (ImportStatus.PREVIEWED, 5, 2)
    job_url = reverse("core:import_job", args=[job.pk])
    assert 'id="build-report"' in client.get(job_url).content.decode()
    refused = client.get(reverse("core:import_errors", args=[job.pk]), follow=True)
    assert "请先在导入页点击“生成完整错误报告”" in refused.content.decode()

    with CaptureQueriesContext(connection) as queries, \
            django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("core:import_report_build", args=[job.pk]))
    progress = [q["sql"] for q in queries.captured_queries
                if q["sql"].startswith("UPDATE") and "report_rows" in q["sql"]]
    assert len(progress) >= 3  # the started task, then each chunk of 2 rows read
    job.refresh_from_db()
    assert (job.report_status, job.report_rows) == (ReportStatus.READY, 6)
    report = client.get(reverse("core:import_errors", args=[job.pk]))
    rows = _report_rows(report.content)
    assert [r[1] for r in rows[2:]] == [3, 4, 5, 6, 7]  # all five, read again from the file


def test_the_page_polls_while_the_report_is_written(personas, as_user, settings, monkeypatch):
    settings.LINLI_BACKGROUND_IMPORT_BYTES = 1
    monkeypatch.setattr(importing, "KEPT", 2)
    job = _preview(personas.township, [GOOD, *_bad(5)])
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.PREVIEWED, total_rows=6,
                                               error_rows=5,
                                               report_status=ReportStatus.BUILDING,
                                               report_rows=4)
    page = as_user(personas.township).get(
        reverse("core:import_job", args=[job.pk])).content.decode()
    assert 'hx-trigger="every 2s"' in page and "正在生成错误报告" in page
    assert 'value="4" max="6"' in page


def test_it_writes_a_small_jobs_full_report_inline_from_the_file(personas, monkeypatch):
    monkeypatch.setattr(importing, "KEPT", 2)
    job = importing.import_job_get(actor=personas.township,
                                   pk=_preview(personas.township, [GOOD, *_bad(5)]).pk)
    assert not import_report.needs_task(job)
    rows = _report_rows(import_report.error_report(job=job))
    assert [r[1] for r in rows[2:]] == [3, 4, 5, 6, 7]


def test_it_builds_a_committed_jobs_report_from_the_stored_errors(personas, monkeypatch):
    monkeypatch.setattr(importing, "KEPT", 2)
    job = importing.import_commit(actor=personas.township,
                                  job=_preview(personas.township, [GOOD, *_bad(5)]))
    job = importing.import_job_get(actor=personas.township, pk=job.pk)
    rows = _report_rows(import_report.error_report(job=job))
    assert [r[1] for r in rows[2:4]] == [3, 4]
    assert rows[4][0] == "说明" and "共 5 行错误" in rows[4][2] and "原文件已不保存" in rows[4][2]


def test_it_keeps_the_report_to_the_owner(personas, as_user):
    job = _preview(personas.township, [GOOD, *_bad(1)])
    other = as_user(personas.other_county)
    assert other.post(reverse("core:import_report_build", args=[job.pk])).status_code == 404
    assert other.get(reverse("core:import_errors", args=[job.pk])).status_code == 404


# --- jobs stored before the bounds --------------------------------------------------------

def test_it_bounds_jobs_stored_before_the_bounds(personas):
    migration = importlib.import_module("linli.core.migrations.0003_importjob_bounded")
    errors = [{"sheet": "甲", "row": i, "reason": f"在您的辖区内找不到“村{i}”", "values": []}
              for i in range(1500)]
    old = ImportJob.objects.create(kind="people", filename="old.xlsx", content=b"x" * 10,
                                   created_by=personas.township, status=ImportStatus.COMMITTED,
                                   errors=errors, error_rows=1500)
    waiting = ImportJob.objects.create(kind="people", filename="new.xlsx", content=b"y" * 7,
                                       created_by=personas.township)
    with connection.cursor() as cursor:
        editor = SimpleNamespace(connection=connection, execute=cursor.execute)
        migration.bound_existing_jobs(apps, editor)
    old.refresh_from_db()
    waiting.refresh_from_db()
    assert bytes(old.content) == b"" and old.file_bytes == 10 and len(old.errors) == 1000
    assert old.errors[-1]["row"] == 999 and old.error_counts == {"在您的辖区内找不到“…”": 1500}
    assert bytes(waiting.content) == b"y" * 7 and waiting.file_bytes == 7
