"""People in care at province scale (300,000) and the roster import the issue asks for:
100,000 rows imported, rows per second reported.

    cd bench && LINLI_DATABASE_URL=postgres://postgres@127.0.0.1:5432/linli_bench \\
        ../.venv/bin/python people.py
"""

import io
import random
import time

from common import Quiet, time_pages, write
from django.core.management import call_command
from django.db import connection
from openpyxl import Workbook

from linli.accounts.models import User
from linli.core import importing
from linli.core.names import person_name
from linli.people import identity
from linli.people.models import Person
from linli.regions.models import Region

IMPORT_ROWS = 100_000
GROUPS = ["独居老人", "空巢老人", "低保", "特困", "高龄", "留守儿童", "残疾人", "失能老人"]


def _roster(rows: int) -> bytes:
    """A county's roster the way it arrives: title row, synonyms, dates as typed."""
    rng = random.Random("bench-import")
    villages = list(Region.objects.filter(code__startswith="630202", level=5).select_related(
        "parent"))
    book = Workbook(write_only=True)
    sheet = book.create_sheet("花名册")
    sheet.append(["乐都区关爱对象花名册"])
    sheet.append(["序号", "姓名", "身份证号码", "性别", "出生年月", "民族", "联系电话", "所属乡镇",
                  "村(社区)", "家庭住址", "人员类别"])
    taken = set()
    for i in range(rows):
        village = villages[i % len(villages)]
        name, people = person_name(rng)
        while True:
            body = f"630202{rng.randint(1930, 2015)}{rng.randint(1, 12):02d}" \
                   f"{rng.randint(1, 28):02d}{rng.randint(0, 999):03d}"
            number = body + identity.CHECK[sum(int(d) * w for d, w in zip(
                body, identity.WEIGHTS, strict=True)) % 11]
            if number not in taken:
                taken.add(number)
                break
        sheet.append([i + 1, name, number, "", f"{number[6:10]}.{int(number[10:12])}", people,
                      f"1{rng.randint(3000000000, 9999999999)}", village.parent.name,
                      village.name, f"{village.name}{i % 300}号", rng.choice(GROUPS)])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _import() -> dict:
    actor = User.objects.get(username="ledu")
    content = _roster(IMPORT_ROWS)
    figures = {"rows": IMPORT_ROWS, "file_mb": round(len(content) / 1e6, 1)}
    started = time.perf_counter()
    job = importing.import_preview(actor=actor, kind="people", filename="bench.xlsx",
                                   content=content)
    if job.is_running:  # a big file: run the background task's work here, in the bench
        job = importing.run_preview(job)
    figures["preview_s"] = round(time.perf_counter() - started, 1)
    figures["valid"], figures["errors"] = job.valid_rows, job.error_rows
    started = time.perf_counter()
    job = importing.import_commit(actor=actor, job=job)
    if job.is_running:
        job = importing.run_commit(job)
    figures["commit_s"] = round(time.perf_counter() - started, 1)
    figures["created"] = job.created_count
    figures["preview_rows_per_s"] = round(IMPORT_ROWS / figures["preview_s"])
    figures["commit_rows_per_s"] = round(IMPORT_ROWS / figures["commit_s"])
    started = time.perf_counter()
    again = importing.import_preview(actor=actor, kind="people", filename="bench.xlsx",
                                     content=content)
    again = importing.run_preview(again) if again.is_running else again
    again = importing.import_commit(actor=actor, job=again)
    again = importing.run_commit(again) if again.is_running else again
    figures["reimport_s"] = round(time.perf_counter() - started, 1)
    figures["reimport_unchanged"] = again.unchanged_count
    return figures


def main() -> None:
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    call_command("seed", "--size", "province", "--quiet-accounts", stdout=Quiet())
    figures = {"database": connection.vendor, "seed_s": round(time.perf_counter() - started, 1),
               "people": Person.objects.count()}
    figures["requests"] = time_pages({
        "chengdong": ["/people/", "/people/?q=zxy", "/people/?group=elderly_alone",
                      "/api/v1/people/?page_size=100", "/"],
        "xining": ["/people/", "/people/?risk=high&page=5"],
        "sheng_yanglao": ["/people/", "/people/?q=ma", "/people/?group=elderly_alone&page=50",
                          "/api/v1/people/?page_size=100"],
        "sheng_ertong": ["/people/"],
    })
    figures["import"] = _import()
    figures["people_after_import"] = Person.objects.count()
    write("people", figures)


if __name__ == "__main__":
    main()
