"""Organisations at province scale (10,000 organisations, 50,000 volunteers): pages, API,
HSDS export and roster import throughput.

Usage: as bench/foundation.py (run that first, or this seeds the province itself):
    cd bench && LINLI_DATABASE_URL=postgres://postgres@127.0.0.1:5432/linli_bench_orgs \\
        ../.venv/bin/python orgs.py
BENCH_ONLY_IMPORT=1 re-measures the import alone (the other figures are kept);
BENCH_IMPORT_ROWS sets the roster's size (20,000); BENCH_IMPORT_ROUNDS how many times the
import is measured (3: the machine may be shared, so each round's figures are kept with the
load average before and after it, and the median and best of the rounds are reported).
"""

import io
import json
import os
import random
import statistics
import time
from pathlib import Path

from common import Quiet, time_pages, timed, write
from django.core.management import call_command
from django.db import connection
from openpyxl import Workbook

from linli.accounts.models import User
from linli.core import importing
from linli.orgs.models import Filing, Organisation, Volunteer
from linli.orgs.validators import ALPHABET, credit_code_check_char
from linli.regions.lookup import short_name
from linli.regions.models import Region

IMPORT_ROWS = int(os.environ.get("BENCH_IMPORT_ROWS", 20_000))
IMPORT_ROUNDS = int(os.environ.get("BENCH_IMPORT_ROUNDS", 3))
BENCH_NAME = r"第[0-9]{5}号互助小组$"  # the roster's organisations, removed before a run
GROUPS = ["老年人、残疾人", "儿童", "", "老人、困难家庭", "妇女、儿童、留守妇女", "农民工"]


def _credit_code(i: int) -> str:
    body = f"5163010{2 + i % 3}BN{''.join(ALPHABET[(i // 31 ** k) % 31] for k in range(7))}"
    return body + credit_code_check_char(body)


def _place(village: Region, i: int) -> tuple[str, str, str]:
    """(乡镇, 活动地域, 活动场所) as the county's clerks write them: short names, committee
    words, a code now and then, the place only in the address, a township-wide group."""
    township = village.parent.name
    way = i % 10
    if way == 0:
        return "", village.code, ""
    if way == 1:
        return "", "", f"{township}{short_name(village.name)}活动室"
    if way == 2:
        return township, township, f"{township}综合文化站"
    if way == 3:
        return "", f"{township}{village.name}", ""
    written = short_name(village.name).replace("社区", "居委会")
    return township, written, f"{short_name(village.name)}3组"


def _roster(rows: int) -> bytes:
    """A county's roster of community organisations (a registered one every 20th row),
    with a title, synonyms for headers, and places written every way clerks write them."""
    rng = random.Random("bench-orgs")
    villages = list(Region.objects.filter(code__startswith="630102", level=5).select_related(
        "parent").exclude(name__contains="虚拟"))
    book = Workbook(write_only=True)
    sheet = book.create_sheet("花名册")
    sheet.append(["城东区社区社会组织花名册"])
    sheet.append(["序号", "组织名称", "组织类型", "类别", "统一社会信用代码", "乡镇(街道)",
                  "村(社区)", "备案机关", "负责人", "联系电话", "活动场所", "成员数", "成立时间",
                  "服务对象", "是否领办"])
    for i in range(rows):
        village = villages[i % len(villages)]
        township, place, address = _place(village, i)
        kind, code, authority = "社区社会组织", "", ""
        if i % 20 == 19:
            kind, code, authority = "社会团体", _credit_code(i), "城东区民政局"
        sheet.append([i + 1, f"{short_name(village.name)}第{i:05d}号互助小组", kind,
                      rng.choice(["生活服务类", "公益慈善", "文体活动类", "社区事务"]), code,
                      township, place, authority, "马秀兰", f"1389700{i % 10000:04d}", address,
                      rng.randint(3, 90), f"20{rng.randint(10, 25)}.{rng.randint(1, 12)}",
                      rng.choice(GROUPS), rng.choice(["是", "否", ""])])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _clear_bench_rows() -> None:
    """The organisations an earlier run imported, so every run measures their creation;
    on PostgreSQL the tables vacuumed after (the test server runs without autovacuum, and
    each round's 20,000 dead rows would otherwise slow every later round's scans)."""
    ids = list(Organisation.objects.filter(name__regex=BENCH_NAME).values_list("pk", flat=True))
    through = Organisation.target_groups.through
    through.objects.filter(organisation_id__in=ids).delete()
    Organisation.history.filter(id__in=ids).delete()
    Organisation.objects.filter(pk__in=ids).delete()
    if connection.vendor == "postgresql":
        tables = [m._meta.db_table for m in (Organisation, Organisation.history.model, through)]
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM ANALYZE {', '.join(tables)}")


def _run(actor, content: bytes, *, commit: bool = True):
    """Preview (and commit) as the pages do; a big file's background work run here."""
    job = importing.import_preview(actor=actor, kind="orgs", filename="bench.xlsx",
                                   content=content)
    job = importing.run_preview(job) if job.is_running else job
    if commit:
        job = importing.import_commit(actor=actor, job=job)
        job = importing.run_commit(job) if job.is_running else job
    return job


def _timed(work) -> tuple:
    """(result, wall seconds, this process's CPU seconds): the machine may be shared, and
    the CPU time says how much of the wall time was the import's own work."""
    started, cpu = time.perf_counter(), time.process_time()
    result = work()
    return result, time.perf_counter() - started, time.process_time() - cpu


def _load() -> float:
    return round(os.getloadavg()[0], 1)


def _import_round(actor, content: bytes) -> dict:
    """One measure of the roster's preview, commit (every row new) and re-import (the
    same file again: every row unchanged)."""
    _clear_bench_rows()
    load = _load()
    history = Organisation.history.count()
    job, preview_s, preview_cpu = _timed(lambda: _run(actor, content, commit=False))

    def commit():
        done = importing.import_commit(actor=actor, job=job)
        return importing.run_commit(done) if done.is_running else done

    job, commit_s, commit_cpu = _timed(commit)
    history_rows = Organisation.history.count() - history
    again, reimport_s, reimport_cpu = _timed(lambda: _run(actor, content))
    return {"valid": job.valid_rows, "errors": job.error_rows, "warnings": job.warning_rows,
            "created": job.created_count, "history_rows": history_rows,
            "reimport_unchanged": again.unchanged_count,
            "preview_s": round(preview_s, 2), "commit_s": round(commit_s, 2),
            "reimport_s": round(reimport_s, 2), "preview_cpu_s": round(preview_cpu, 2),
            "commit_cpu_s": round(commit_cpu, 2), "reimport_cpu_s": round(reimport_cpu, 2),
            "load_average_before": load, "load_average_after": _load(),
            "preview_rows_per_s": round(IMPORT_ROWS / preview_s),
            "commit_rows_per_s": round(IMPORT_ROWS / commit_s),
            "reimport_rows_per_s": round(IMPORT_ROWS / reimport_s)}


_RATES = ["preview_rows_per_s", "commit_rows_per_s", "reimport_rows_per_s"]
_COUNTS = ["valid", "errors", "warnings", "created", "history_rows", "reimport_unchanged"]


def _import_figures() -> dict:
    actor = User.objects.get(username="chengdong")
    content = _roster(IMPORT_ROWS)
    rounds = [_import_round(actor, content) for _ in range(IMPORT_ROUNDS)]
    counts = {key: rounds[0][key] for key in _COUNTS}
    assert all({key: r[key] for key in _COUNTS} == counts for r in rounds), rounds
    return {"rows": IMPORT_ROWS, "file_mb": round(len(content) / 1e6, 1), **counts,
            "median": {k: round(statistics.median(r[k] for r in rounds)) for k in _RATES},
            "best": {k: max(r[k] for r in rounds) for k in _RATES},
            "rounds": [{k: v for k, v in r.items() if k not in _COUNTS} for r in rounds]}


def main() -> None:
    if os.environ.get("BENCH_ONLY_IMPORT"):  # re-measure the import alone
        path = Path(__file__).parent / "results" / f"orgs-{connection.vendor}.json"
        figures = json.loads(path.read_text())
        figures["import"] = _import_figures()
        write("orgs", figures)
        return
    call_command("migrate", verbosity=0)
    call_command("seed", "--size", "province", "--quiet-accounts", stdout=Quiet())
    figures = {"database": connection.vendor, "organisations": Organisation.objects.count(),
               "volunteers": Volunteer.objects.count(), "filings": Filing.objects.count()}
    figures["requests"] = time_pages({
        "sheng_shzz": ["/", "/orgs/", "/orgs/?q=xyh", "/orgs/?target_group=elderly&page=20",
                       "/orgs/indicators/", "/orgs/stations/", "/orgs/filings/?tab=all",
                       "/orgs/volunteers/?q=crzm", "/api/v1/orgs/?page_size=100"],
        "chengdong": ["/", "/orgs/", "/orgs/filings/", "/orgs/indicators/",
                      "/api/v1/orgs/hsds/organizations"],
        "t630102001": ["/orgs/filings/?tab=review"],
    })
    client_export = time_pages({"sheng_shzz": ["/orgs/?export=xlsx&region=6301"]})
    figures["requests"].update(client_export)
    figures["hsds_province_ms"] = _hsds_province()
    figures["import"] = _import_figures()
    write("orgs", figures)


def _hsds_province() -> dict:
    from linli.orgs.exporters import hsds_directory
    from linli.orgs.selectors import organisation_list

    actor = User.objects.get(username="sheng_shzz")
    return timed(lambda: hsds_directory(organisation_list(actor=actor)), rounds=3)


if __name__ == "__main__":
    main()
