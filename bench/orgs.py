"""Organisations at province scale (10,000 organisations, 50,000 volunteers): pages, API,
HSDS export and roster import throughput.

Usage: as bench/foundation.py (run that first, or this seeds the province itself):
    cd bench && LINLI_DATABASE_URL=postgres://postgres@127.0.0.1:5432/linli_bench \\
        ../.venv/bin/python orgs.py
"""

import io
import time

from common import Quiet, time_pages, timed, write
from django.core.management import call_command
from django.db import connection
from openpyxl import Workbook

from linli.accounts.models import User
from linli.core import importing
from linli.orgs.models import Filing, Organisation, Volunteer
from linli.regions.models import Region

IMPORT_ROWS = 5_000


def _roster(rows: int) -> bytes:
    villages = list(Region.objects.filter(code__startswith="630102", level=5))
    book = Workbook()
    sheet = book.active
    sheet.append(["城东区社区社会组织花名册"])
    sheet.append(["组织名称", "类别", "乡镇(街道)", "村(社区)", "负责人", "成员数", "成立时间"])
    for i in range(rows):
        village = villages[i % len(villages)]
        sheet.append([f"{village.name}第{i}互助小组", "生活服务类", village.parent.name,
                      village.name, "马秀兰", i % 60, "2020.5"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _import_figures() -> dict:
    actor = User.objects.get(username="chengdong")
    content = _roster(IMPORT_ROWS)
    started = time.perf_counter()
    job = importing.import_preview(actor=actor, kind="orgs", filename="bench.xlsx",
                                   content=content)
    preview_s = time.perf_counter() - started
    started = time.perf_counter()
    job = importing.import_commit(actor=actor, job=job)
    commit_s = time.perf_counter() - started
    started = time.perf_counter()
    again = importing.import_commit(actor=actor, job=importing.import_preview(
        actor=actor, kind="orgs", filename="bench.xlsx", content=content))
    reimport_s = time.perf_counter() - started
    return {"rows": IMPORT_ROWS, "valid": job.valid_rows, "created": job.created_count,
            "preview_rows_per_s": round(IMPORT_ROWS / preview_s),
            "commit_rows_per_s": round(IMPORT_ROWS / commit_s),
            "reimport_unchanged": again.unchanged_count,
            "reimport_rows_per_s": round(IMPORT_ROWS / reimport_s)}


def main() -> None:
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
