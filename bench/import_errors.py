"""Import work stays bounded whatever is uploaded (issue 9, item 5).

The audit's upload: a few MB of xlsx that inflate to 1,000,000 bad rows (it once stored a
173 MB error list, peaked near 1 GB and took 129 s for the error report). Here:

- ``refuse``: a workbook beyond the cap (1,000,000 rows, then 1,001 more) is refused before
  it is read;
- ``preview``: a workbook at the cap (1,000,000 bad rows) is checked as the background task
  checks it: seconds, peak memory, bytes of errors stored; then the job and upload pages;
- ``report``: its full error report written as the report task writes it (the file read
  again, rows streamed into a write-only workbook, progress recorded).

Each step runs in a fresh process so its peak resident memory (``ru_maxrss``) is its own;
``baseline`` is a process that only sets Django up. Figures go to
``results/import-errors.json``.

    psql -h 127.0.0.1 -U postgres -d test -c "CREATE DATABASE linli_bench_import"
    cd bench && LINLI_DATABASE_URL=postgres://postgres@127.0.0.1:5432/linli_bench_import \\
        ../.venv/bin/python import_errors.py
"""

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

from common import RESULTS, timed  # sets Django up
from django.db import connection

FILES = Path(tempfile.gettempdir()) / "linli-bench-import"
USERNAME = "bench_import"
COUNTY = "630202"  # 乐都区
HEADER = ["序号", "姓名", "公民身份号码", "村(社区)", "对象类别"]

_PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/'
        'vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'),
    "_rels/.rels": (
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'),
    "xl/workbook.xml": (
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        '<sheets><sheet name="花名册" sheetId="1" r:id="rId1"/></sheets></workbook>'),
    "xl/_rels/workbook.xml.rels": (
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'),
}


def _row(number: int, values: list) -> str:
    cells = "".join(
        f'<c r="{"ABCDE"[i]}{number}"><v>{v}</v></c>' if isinstance(v, int) else
        f'<c r="{"ABCDE"[i]}{number}" t="inlineStr"><is><t>{escape(v)}</t></is></c>'
        for i, v in enumerate(values))
    return f'<row r="{number}">{cells}</row>'


def _bad(i: int) -> list:
    """A bad row, failing one of three ways (unknown village, check digit, unknown group)."""
    if i % 3 == 0:
        return [i, f"某{i}", "", f"无此{i % 997}社区", "高龄"]
    if i % 3 == 1:
        return [i, f"某{i}", "632301194801010016", "630202001001", "高龄"]
    return [i, f"某{i}", "", "630202001001", "五好家庭"]


def build(rows: int) -> Path:
    """An xlsx of ``rows`` bad rows, written as XML straight into the zip (openpyxl would
    take minutes for a million rows; the file is what Excel would save, inline strings)."""
    path = FILES / f"bad-{rows}.xlsx"
    if path.exists():
        return path
    FILES.mkdir(exist_ok=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in _PARTS.items():
            archive.writestr(name, text)
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
                        b'2006/main"><sheetData>' + _row(1, HEADER).encode())
            for start in range(0, rows, 10_000):
                sheet.write("".join(_row(i + 2, _bad(i)) for i in range(
                    start, min(rows, start + 10_000))).encode())
            sheet.write(b"</sheetData></worksheet>")
    return path


def _peak_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _actor():
    from linli.accounts.models import User

    return User.objects.get(username=USERNAME)


# --- steps, each in its own process ---------------------------------------------------------

def step_setup() -> dict:
    from django.core.management import call_command

    from linli.accounts.models import Membership, User
    from linli.accounts.roles import Role
    from linli.people.groups import load_groups
    from linli.people.models import Group
    from linli.regions.models import Region
    from linli.regions.services import regions_ensure_loaded

    call_command("migrate", verbosity=0)
    regions_ensure_loaded()
    load_groups(Group)
    user, created = User.objects.get_or_create(username=USERNAME,
                                               defaults={"full_name": "导入基准"})
    if created:
        Membership.objects.create(user=user, role=Role.COUNTY_BUREAU,
                                  region=Region.objects.get(code=COUNTY))
    from linli.core.models import ImportJob

    ImportJob.objects.filter(created_by=user).delete()
    return {}


def step_baseline() -> dict:
    return {"peak_rss_mb": _peak_mb()}


def workbook_rows(content: bytes) -> int:
    from linli.core import workbook_size

    return workbook_size._xlsx_rows(content, 10**9) - 1  # the header


def step_refuse(path: str) -> dict:
    from linli.core import importing
    from linli.core.errors import Invalid
    from linli.core.models import ImportJob

    content = Path(path).read_bytes()
    started, cpu = time.perf_counter(), time.process_time()
    try:
        job = importing.import_preview(actor=_actor(), kind="people", filename="million.xlsx",
                                       content=content)
        job = importing.run_preview(job) if job.is_running else job
        message = job.message
    except Invalid as error:
        message = error.message
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    job = ImportJob.objects.filter(created_by=_actor()).order_by("-pk").first()
    return {"rows": workbook_rows(content), "file_mb": round(len(content) / 1e6, 2),
            "seconds": round(seconds, 2), "cpu_s": round(cpu, 2), "peak_rss_mb": _peak_mb(),
            "message": message,
            "job_stored": job is not None, "bytes_kept": len(job.content) if job else 0}


def step_preview(path: str) -> dict:
    from django.test import Client
    from django.test.utils import override_settings

    from linli.core import importing
    from linli.core.models import ImportJob

    content = Path(path).read_bytes()
    actor = _actor()
    started, cpu = time.perf_counter(), time.process_time()
    job = importing.import_preview(actor=actor, kind="people", filename="cap.xlsx",
                                   content=content)
    if job.is_running:  # a big file: the background task's work, run here
        job = importing.run_preview(ImportJob.objects.get(pk=job.pk))
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    peak = _peak_mb()
    stored = ImportJob.objects.values("errors", "error_counts").get(pk=job.pk)
    client = Client()
    client.force_login(actor)
    with override_settings(ALLOWED_HOSTS=["*"]):
        pages = {"job_page": timed(lambda: client.get(f"/imports/job/{job.pk}/"), 10),
                 "upload_page": timed(lambda: client.get("/imports/people/"), 10)}
    return {"job": job.pk, "rows": job.total_rows, "file_mb": round(len(content) / 1e6, 2),
            "status": job.status, "error_rows": job.error_rows, "errors_kept": len(job.errors),
            "error_counts": job.error_counts, "seconds": round(seconds, 1),
            "cpu_s": round(cpu, 1), "peak_rss_mb": peak,
            "stored_error_bytes": len(json.dumps(stored["errors"], ensure_ascii=False)
                                      .encode()),
            "stored_count_bytes": len(json.dumps(stored["error_counts"], ensure_ascii=False)
                                      .encode()),
            **pages}


def step_report(job_id: str) -> dict:
    from linli.core import import_report, importing, workbook_size
    from linli.core.models import ImportJob, ReportStatus

    job = importing.import_job_get(actor=_actor(), pk=int(job_id))
    assert import_report.needs_task(job)
    ImportJob.objects.filter(pk=job.pk).update(report_status=ReportStatus.BUILDING)
    started, cpu = time.perf_counter(), time.process_time()
    import_report.run_report(job)  # what import_report_task runs in the worker
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    job = ImportJob.objects.get(pk=job.pk)
    rows = workbook_size._xlsx_rows(bytes(job.report), 10**9) - 2  # title and header
    return {"seconds": round(seconds, 1), "cpu_s": round(cpu, 1), "peak_rss_mb": _peak_mb(),
            "report_mb": round(len(job.report) / 1e6, 2), "report_rows": rows,
            "progress_rows": job.report_rows, "status": job.report_status}


STEPS = {"setup": step_setup, "baseline": step_baseline, "refuse": step_refuse,
         "preview": step_preview, "report": step_report}


def _run(step: str, *args) -> dict:
    done = subprocess.run([sys.executable, __file__, step, *args], capture_output=True,
                          text=True, env=os.environ, check=False)
    if done.returncode:
        sys.stderr.write(done.stderr)
        raise SystemExit(f"step {step} failed")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    from linli.core import importing

    _run("setup")
    million = build(importing.MAX_ROWS + importing.OTHER_ROWS + 1)
    cap = build(importing.MAX_ROWS)
    figures = {"database": connection.vendor, "cpus": os.cpu_count(),
               "load_average": os.getloadavg()[0], "cap_rows": importing.MAX_ROWS,
               "kept_errors": importing.KEPT, "baseline": _run("baseline"),
               "million": _run("refuse", str(million))}
    figures["at_cap"] = _run("preview", str(cap))
    figures["report"] = _run("report", str(figures["at_cap"]["job"]))
    out = RESULTS / "import-errors.json"
    out.write_text(json.dumps(figures, ensure_ascii=False, indent=2) + "\n")
    json.dump(figures, sys.stdout, ensure_ascii=False, indent=2)
    print(f"\nwritten to {out}")


if __name__ == "__main__":
    if len(sys.argv) > 1:
        print(json.dumps(STEPS[sys.argv[1]](*sys.argv[2:]), ensure_ascii=False))
    else:
        main()
