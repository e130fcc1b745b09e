"""Personal data in uploaded rosters (issue 10): the file encrypted at rest and deleted when
it is no longer needed (commit, 放弃, the retention period, a stuck job), identity numbers
masked in stored rows, on the page and in the report, and the full report a logged reveal."""

import importlib
import io
import re
from datetime import timedelta
from types import SimpleNamespace

import pytest
import xlwt
from cryptography.fernet import InvalidToken
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from linli.audit.models import AccessLog, Action
from linli.core import crypto, import_report, importing
from linli.core.errors import Forbidden, Invalid
from linli.core.models import ImportJob, ImportStatus
from linli.people.tests.conftest import OLD_MAN, WOMAN

pytestmark = pytest.mark.django_db
HEADER = ["姓名", "公民身份号码", "出生日期", "联系电话", "村(社区)", "对象类别"]
GOOD = ["马福寿", OLD_MAN, "", "", "北关社区", "独居老人"]
LOST = "无此村"  # a village nobody has: the row fails with its full number in it
BAD = ["张秀英", WOMAN, "", "", LOST, "高龄"]
MISMATCH = ["马福寿", OLD_MAN, "1950.3", "", "北关社区", "独居老人"]  # a warning
NUMBERS = (OLD_MAN, WOMAN)


def _xls(rows) -> bytes:
    """An .xls: BIFF keeps its strings uncompressed, so a number in clear would show in
    the stored bytes (an xlsx is deflated and would hide it)."""
    book = xlwt.Workbook()
    sheet = book.add_sheet("花名册")
    for r, row in enumerate([HEADER, *rows]):
        for c, value in enumerate(row):
            sheet.write(r, c, value)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _preview(actor, rows, filename="roster.xls"):
    return importing.import_preview(actor=actor, kind="people", filename=filename,
                                    content=_xls(rows))


def _in_clear(data: bytes) -> list[str]:
    """The identity numbers found in ``data``, as ASCII or as UTF-16 (either byte order)."""
    return [n for n in NUMBERS for form in (n.encode(), n.encode("utf-16-le"),
                                            n.encode("utf-16-be")) if form in data]


def _importjob_cells() -> list[bytes]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM core_importjob")
        rows = cursor.fetchall()
    assert rows
    return [bytes(v) if isinstance(v, bytes | memoryview) else str(v).encode()
            for row in rows for v in row]


def _database_bytes() -> bytes:
    """The whole database as its file would hold it (SQLite: the in-memory test database
    serialised; PostgreSQL: every column of core_importjob, read raw)."""
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        return connection.connection.serialize()
    return b"\0".join(_importjob_cells())


# --- encrypted at rest ------------------------------------------------------------------

def test_it_leaves_no_identity_number_in_clear_in_the_database(personas):
    job = _preview(personas.township, [GOOD, BAD])
    assert (job.valid_rows, job.error_rows) == (1, 1)
    stored = bytes(ImportJob.objects.values_list("content", flat=True).get(pk=job.pk))
    assert crypto.is_sealed(stored) and not stored.startswith(b"\xd0\xcf\x11\xe0")
    assert _in_clear(b"\0".join(_importjob_cells())) == []
    assert _in_clear(_database_bytes()) == []
    # the test sees a number in clear when there is one
    assert _in_clear(_xls([GOOD, BAD])) == list(NUMBERS)


def test_it_leaves_no_identity_number_in_clear_after_the_commit(personas):
    job = _preview(personas.township, [MISMATCH, BAD])
    assert job.warning_rows == 1
    importing.import_commit(actor=personas.township, job=job)
    assert _in_clear(b"\0".join(_importjob_cells())) == []
    assert _in_clear(_database_bytes()) == []


def test_it_reads_the_encrypted_file_back_for_the_commit(personas):
    job = _preview(personas.township, [GOOD])
    job = importing.import_commit(actor=personas.township, job=job)
    assert job.created_count == 1


def test_it_cannot_open_a_file_with_another_purposes_key():
    sealed = crypto.seal(b"PK workbook", purpose=crypto.FILE)
    assert crypto.unseal(sealed, purpose=crypto.FILE) == b"PK workbook"
    with pytest.raises(InvalidToken):
        crypto.unseal(sealed, purpose=crypto.REPORT)


# --- masked in stored rows, on the page, in the report -----------------------------------

@pytest.mark.parametrize(("typed", "shown"), [
    (OLD_MAN, "632301********0015"), ("６３２３０１１９４８０１０１００１５", "632301********0015"),
    ("632301 19480101 0015", "632301********0015"), ("63230119800101002", "632301*******1002"),
    ("6.30202E+17", "6.30202E+17"), ("不详", "不详"), ("", ""), ("1234567", "*****67"),
])
def test_it_masks_what_a_number_cell_holds(typed, shown):
    assert crypto.mask_number(typed) == shown


def test_it_masks_as_the_registry_does():
    from linli.people import identity

    assert crypto.mask_number(OLD_MAN) == identity.mask(OLD_MAN)


def test_it_stores_error_and_warning_rows_with_the_number_masked(personas):
    job = _preview(personas.township, [MISMATCH, BAD])
    assert job.errors[0]["values"][:2] == ["张秀英", "632301********0023"]
    assert job.warnings[0]["values"][:2] == ["马福寿", "632301********0015"]


def test_it_names_each_bad_row_by_name_and_masked_number_on_the_page(personas, as_user):
    job = _preview(personas.township, [GOOD, BAD])
    page = as_user(personas.township).get(
        reverse("core:import_job", args=[job.pk])).content.decode()
    table = re.sub(r"<td[^>]*>", "<td>", page.split('id="import-errors"')[1].split("</table>")[0])
    assert "<th>姓名</th><th>公民身份号码</th>" in table
    assert "<td>张秀英</td><td>632301********0023</td>" in table
    assert WOMAN not in page and OLD_MAN not in page


def test_it_masks_numbers_in_every_report(personas, monkeypatch):
    job = importing.import_job_get(actor=personas.township,
                                   pk=_preview(personas.township, [MISMATCH, BAD]).pk)
    from_file = import_report.error_report(job=job)
    monkeypatch.setattr(importing, "KEPT", 0)  # not all stored: read again from the file
    job = importing.import_job_get(actor=personas.township, pk=job.pk)
    for report in (from_file, import_report.error_report(job=job)):
        values = [v for row in load_workbook(io.BytesIO(report)).active.values for v in row]
        assert "632301********0023" in values and "632301********0015" in values
        assert not set(NUMBERS) & set(values)


def test_it_writes_the_background_report_encrypted(
        personas, settings, monkeypatch, django_capture_on_commit_callbacks):
    settings.LINLI_BACKGROUND_IMPORT_BYTES = 1
    monkeypatch.setattr(importing, "KEPT", 0)
    with django_capture_on_commit_callbacks(execute=True):
        job = _preview(personas.township, [GOOD, BAD])
    with django_capture_on_commit_callbacks(execute=True):
        import_report.error_report_start(actor=personas.township, job=job)
    stored = bytes(ImportJob.objects.values_list("report", flat=True).get(pk=job.pk))
    assert crypto.is_sealed(stored)
    job = importing.import_job_get(actor=personas.township, pk=job.pk)
    assert load_workbook(io.BytesIO(import_report.error_report(job=job))).active.max_row == 3


# --- the full report: a reveal -------------------------------------------------------------

def test_it_reveals_the_full_report_with_a_reason_and_logs_it(personas, as_user):
    job = _preview(personas.township, [GOOD, BAD])
    client = as_user(personas.township)
    url = reverse("core:import_errors_reveal", args=[job.pk])
    assert 'id="reveal-report"' in client.get(
        reverse("core:import_job", args=[job.pk])).content.decode()
    refused = client.post(url, {"reason": " "})
    assert refused.status_code == 200 and 'id="reveal-form"' in refused.content.decode()
    with pytest.raises(Invalid, match="请填写查看事由"):
        import_report.error_report_reveal(actor=personas.township, job=job, reason=" ")
    assert not AccessLog.objects.filter(action=Action.REVEAL).exists()
    response = client.post(url, {"reason": "核对户籍"})
    values = [v for row in load_workbook(io.BytesIO(response.content)).active.values
              for v in row]
    assert WOMAN in values
    log = AccessLog.objects.get(action=Action.REVEAL)
    assert (log.action, log.reason, log.user) == (Action.REVEAL, "核对户籍", personas.township)
    assert log.object_type == "core.importjob" and log.object_id == str(job.pk)


def test_it_refuses_the_reveal_without_the_permission(personas, as_user):
    job = _preview(personas.village, [GOOD, BAD])
    client = as_user(personas.village)  # 村(居)委会: may import, may not reveal numbers
    assert 'id="reveal-report"' not in client.get(
        reverse("core:import_job", args=[job.pk])).content.decode()
    url = reverse("core:import_errors_reveal", args=[job.pk])
    assert client.post(url, {"reason": "核对"}).status_code == 404
    with pytest.raises(Forbidden):
        import_report.error_report_reveal(actor=personas.village, job=job, reason="核对")
    assert not AccessLog.objects.filter(action=Action.REVEAL).exists()


def test_it_refuses_the_reveal_of_anothers_job_or_once_the_file_is_gone(personas, as_user):
    job = _preview(personas.township, [GOOD, BAD])
    url = reverse("core:import_errors_reveal", args=[job.pk])
    assert as_user(personas.county).post(url, {"reason": "核对"}).status_code == 404
    job = importing.import_commit(actor=personas.township, job=job)
    with pytest.raises(Invalid, match="原文件已删除"):
        import_report.error_report_reveal(actor=personas.township, job=job, reason="核对")
    assert not AccessLog.objects.filter(action=Action.REVEAL).exists()


# --- deleted when no longer needed -----------------------------------------------------------

def test_it_deletes_the_file_when_the_user_abandons_the_job(personas, as_user):
    job = _preview(personas.township, [GOOD, BAD])
    client = as_user(personas.township)
    assert 'id="abandon"' in client.get(reverse("core:import_job", args=[job.pk])).content.decode()
    page = client.post(reverse("core:import_abandon", args=[job.pk]), follow=True)
    assert "已放弃该文件,上传的文件已删除" in page.content.decode()
    job = ImportJob.objects.get(pk=job.pk)
    assert job.status == ImportStatus.ABANDONED and bytes(job.content) == b""
    assert job.preview == [] and job.error_rows == 1  # what the file held, masked
    with pytest.raises(Invalid):
        importing.import_commit(actor=personas.township, job=job)
    with pytest.raises(Invalid, match="只能放弃"):
        importing.import_abandon(actor=personas.township, job=job)


def test_it_lets_nobody_else_abandon_a_job(personas, as_user):
    job = _preview(personas.township, [GOOD])
    assert as_user(personas.county).post(
        reverse("core:import_abandon", args=[job.pk])).status_code == 404
    assert ImportJob.objects.get(pk=job.pk).status == ImportStatus.PREVIEWED


def _aged(job, *, days: float, **fields):
    then = timezone.now() - timedelta(days=days)
    ImportJob.objects.filter(pk=job.pk).update(created_at=then, updated_at=then, **fields)


def test_it_purges_files_kept_beyond_the_retention(personas, settings):
    settings.LINLI_IMPORT_RETENTION_DAYS = 7
    old, recent = _preview(personas.township, [GOOD]), _preview(personas.township, [BAD])
    _aged(old, days=7.1)
    _aged(recent, days=6.9)
    assert importing.import_purge() == {"stuck": 0, "expired": 1, "other": 0}
    old, recent = ImportJob.objects.get(pk=old.pk), ImportJob.objects.get(pk=recent.pk)
    assert old.status == ImportStatus.ABANDONED and bytes(old.content) == b""
    assert "超过 7 天" in old.message
    assert recent.status == ImportStatus.PREVIEWED and bytes(recent.content)


def test_it_ends_jobs_stuck_checking_or_committing_for_a_day(personas):
    checking, committing, moving = (_preview(personas.township, [GOOD]) for _ in range(3))
    _aged(checking, days=1.1, status=ImportStatus.CHECKING)
    _aged(committing, days=1.1, status=ImportStatus.COMMITTING)
    ImportJob.objects.filter(pk=moving.pk).update(
        status=ImportStatus.COMMITTING, created_at=timezone.now() - timedelta(days=3))
    assert importing.import_purge()["stuck"] == 2
    for job in (checking, committing):
        job = ImportJob.objects.get(pk=job.pk)
        assert job.status == ImportStatus.FAILED and bytes(job.content) == b""
        assert "中断超过一天" in job.message
    assert ImportJob.objects.get(pk=moving.pk).status == ImportStatus.COMMITTING


def test_it_keeps_a_job_whose_commit_progresses(personas):
    """Progress is what counts, not the upload's age: each chunk moves updated_at."""
    job = _preview(personas.township, [GOOD])
    _aged(job, days=3, status=ImportStatus.COMMITTING)
    importing._progress(job, 1000)
    assert importing.import_purge()["stuck"] == 0


def test_it_runs_the_purge_as_a_command_and_a_task(personas):
    from linli.core.tasks import import_purge_task

    _aged(_preview(personas.township, [GOOD]), days=30)
    out = io.StringIO()
    call_command("import_purge", stdout=out)
    assert "过期文件 1" in out.getvalue()
    assert import_purge_task.call() == {"stuck": 0, "expired": 0, "other": 0}


def test_it_reads_the_retention_from_the_environment(monkeypatch):
    from linli import env

    monkeypatch.setenv("LINLI_IMPORT_RETENTION_DAYS", "0")
    with pytest.raises(Exception, match="below the minimum 1"):
        env.env_int("LINLI_IMPORT_RETENTION_DAYS", 7, minimum=1)
    from django.conf import settings

    assert settings.LINLI_IMPORT_RETENTION_DAYS == 7  # the default, unset in tests


# --- jobs stored in clear before --------------------------------------------------------------

def test_it_encrypts_files_stored_in_clear_and_masks_their_rows(personas):
    migration = importlib.import_module("linli.core.migrations.0004_importjob_sealed")
    plain = _xls([GOOD, BAD])
    job = ImportJob.objects.create(
        kind="people", filename="old.xls", content=plain, report=b"PK report",
        created_by=personas.township, errors=[{"sheet": "甲", "row": 3, "reason": "x",
                                               "values": ["张秀英", WOMAN, "", "", LOST, ""]}])
    sealed = _preview(personas.township, [GOOD])
    before = bytes(ImportJob.objects.values_list("content", flat=True).get(pk=sealed.pk))
    editor = SimpleNamespace(connection=connection)
    migration.seal_existing_jobs(apps, editor)
    job.refresh_from_db()
    assert crypto.unseal(bytes(job.content), purpose=crypto.FILE) == plain
    assert crypto.unseal(bytes(job.report), purpose=crypto.REPORT) == b"PK report"
    assert job.errors[0]["values"][1] == "632301********0023"
    # a file already encrypted is left as it is
    assert bytes(ImportJob.objects.values_list("content", flat=True).get(pk=sealed.pk)) == before
    assert _in_clear(b"\0".join(_importjob_cells())) == []
