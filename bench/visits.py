"""Visits at province scale: 300,000 people and 3,000,000 visits on PostgreSQL.

Measures (figures to bench/results/visits-postgresql.json):
- server time of a county's and the province's overdue list (first page + total) and of
  the visit rate by prefecture, with the raw SQL time of the same queries beside them;
- recording throughput from concurrent clients against gunicorn, with retries of the
  same visit id, and a check that no visit was lost or duplicated.

    cd bench && LINLI_DATABASE_URL=postgres://postgres@127.0.0.1:5432/linli_bench \\
        ../.venv/bin/python visits.py
"""

import http.client
import json
import multiprocessing
import os
import random
import subprocess
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path

from common import Quiet, time_pages, timed, write
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from linli.accounts.models import User
from linli.accounts.services import api_token_create
from linli.people.models import Person
from linli.regions.models import Region
from linli.visits import selectors
from linli.visits.models import Schedule, Visit
from linli.visits.services import schedules_refresh_all

VISITS = 3_000_000
PORT = 8765


def _load_visits() -> float:
    """3,000,000 visits over the last 18 months, written with COPY."""
    if Visit.objects.count() >= VISITS:
        return 0.0
    started = time.perf_counter()
    rng = random.Random("bench-visits")
    people = list(Person.objects.values_list("pk", "region_code"))
    visitors = [u for u in User.objects.filter(username__startswith="v").values_list(
        "pk", flat=True)[:5000]] or [User.objects.get(username="cunwei").pk]
    now = timezone.now()
    modes, outcomes = ["home", "call", "remote"], ["normal"] * 17 + ["attention"] * 2 + ["urgent"]
    with connection.cursor() as cursor:
        raw = cursor.cursor
        columns = ("id, person_id, region_code, visitor_id, visited_at, mode, met, checklist, "
                   "outcome, notes, needs, duration_minutes, recorded_at, offline, photo")
        with raw.copy(f"COPY visits_visit ({columns}) FROM STDIN") as copy:
            for _ in range(VISITS):
                pk, code = rng.choice(people)
                at = now - timedelta(minutes=rng.randint(0, 540 * 24 * 60))
                copy.write_row((uuid.UUID(int=rng.getrandbits(128)), pk, code,
                                rng.choice(visitors), at, rng.choice(modes), "本人", "{}",
                                rng.choice(outcomes), "", "", 30, at, False, ""))
    connection.commit() if not connection.get_autocommit() else None
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE visits_visit")
    return time.perf_counter() - started


def _sql_ms(work) -> float:
    """PostgreSQL's own execution time (EXPLAIN ANALYZE) of every query `work` runs,
    summed; the median of 5 runs."""
    with CaptureQueriesContext(connection) as captured:
        work()
    statements = [q["sql"] for q in captured.captured_queries
                  if q["sql"].lstrip().upper().startswith("SELECT")]
    runs = []
    with connection.cursor() as cursor:
        for _ in range(5):
            total = 0.0
            for sql in statements:
                cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql)
                total += cursor.fetchone()[0][0]["Execution Time"]
            runs.append(total)
    return round(sorted(runs)[2], 2)


def _raw_sql() -> dict:
    county = User.objects.get(username="chengdong")
    province = User.objects.get(username="duzha")
    figures = {}
    for name, user in (("county", county), ("province", province)):
        figures[f"{name} overdue first page + total"] = _sql_ms(lambda u=user: (
            list(selectors.worklist(actor=u, kind="overdue")[:50]),
            selectors.worklist(actor=u, kind="overdue").count()))
    region = Region.objects.get(code="63")
    figures["province visit rate by prefecture"] = _sql_ms(
        lambda: selectors.visit_rate(actor=province, region=region))
    return figures


def _children(pid: int) -> list[int]:
    return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def _cpu_seconds(pids) -> float:
    """User + system CPU of these processes so far (Linux /proc)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def _client(n: int, raw: str, people: list[int], seconds: float):
    """One client: POSTs visits for `seconds`; a fifth of them again with the same id (a
    retry after a lost answer). Returns the ids sent, the status counts and its CPU time."""
    rng, sent, statuses = random.Random(n), set(), {}
    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
    headers = {"Authorization": f"Bearer {raw}", "Content-Type": "application/json"}
    stop = time.monotonic() + seconds
    while time.monotonic() < stop:
        body = json.dumps({"id": str(uuid.uuid4()), "person_id": rng.choice(people),
                           "mode": "home", "outcome": "normal",
                           "visited_at": timezone.now().isoformat()})
        for _attempt in range(2 if rng.random() < 0.2 else 1):
            conn.request("POST", "/api/v1/visits/", body, headers)
            response = conn.getresponse()
            response.read()
            statuses[response.status] = statuses.get(response.status, 0) + 1
        sent.add(json.loads(body)["id"])
    return sent, statuses, time.process_time()


def _record_throughput(seconds: int = int(os.environ.get("BENCH_SECONDS", "30")),
                       clients: int = int(os.environ.get("BENCH_CLIENTS", "16"))) -> dict:
    """POST visits from concurrent clients; a fifth of them retried with the same id."""
    user = User.objects.get(username="chengdong")
    _token, raw = api_token_create(actor=user, name="bench")
    people = list(Schedule.objects.filter(region_code__startswith="630102").values_list(
        "person_id", flat=True)[:2000])
    # the production configuration: persistent connections (the default) and the shared
    # cache in Redis, which this machine kind runs
    cache_url = os.environ.get("BENCH_CACHE_URL", "redis://127.0.0.1:6379/3")
    env = {**os.environ, "LINLI_ENFORCE_2FA": "false", "LINLI_ALLOWED_HOSTS": "127.0.0.1",
           "LINLI_CACHE_URL": cache_url}
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "linli.wsgi", "-b", f"127.0.0.1:{PORT}", "-w",
         os.environ.get("BENCH_WORKERS", "4"),
         "--log-level", "warning", *os.environ.get("BENCH_GUNICORN_ARGS", "").split()],
        cwd=Path(__file__).parent.parent, env=env)
    time.sleep(4)
    before = Visit.objects.count()
    app_cpu_before = _cpu_seconds(_children(server.pid))
    # one process per client (threads in one process would spend the CPU the server needs
    # on contending for the GIL)
    with multiprocessing.get_context("fork").Pool(clients) as pool:
        started = time.perf_counter()
        results = pool.starmap(_client, [(n, raw, people, seconds) for n in range(clients)])
        elapsed = time.perf_counter() - started
    sent_ids = set().union(*(ids for ids, _statuses, _cpu in results))
    statuses = {}
    for _ids, counts, _cpu in results:
        for status, count in counts.items():
            statuses[status] = statuses.get(status, 0) + count
    client_cpu = sum(cpu for _ids, _counts, cpu in results)
    app_cpu = _cpu_seconds(_children(server.pid)) - app_cpu_before
    with connection.cursor() as cursor:
        cursor.execute("SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                       "AND pid <> pg_backend_pid()")
        database_cpu = _cpu_seconds([pid for (pid,) in cursor.fetchall()])
    server.terminate()
    server.wait()
    created = Visit.objects.count() - before
    stored = set(str(v) for v in Visit.objects.filter(pk__in=list(sent_ids)).values_list(
        "pk", flat=True))
    return {"clients": clients, "gunicorn_workers": int(os.environ.get("BENCH_WORKERS", "4")),
            "cache": cache_url or "per-process memory",
            "seconds": round(elapsed, 1), "distinct_visits": len(sent_ids),
            "requests": sum(statuses.values()), "statuses": statuses,
            "visits_per_s": round(len(sent_ids) / elapsed), "created": created,
            "client_cpu_share": round(client_cpu / (elapsed * os.cpu_count()), 2),
            # CPU time per request (steadier than the rate on a shared machine)
            "cpu_ms_per_request": {
                "app": round(app_cpu * 1000 / sum(statuses.values()), 2),
                "database": round(database_cpu * 1000 / sum(statuses.values()), 2),
                "client": round(client_cpu * 1000 / sum(statuses.values()), 2)},
            "lost": len(sent_ids - stored), "duplicated": created - len(stored)}


def main() -> None:
    if os.environ.get("BENCH_ONLY_RECORD"):  # re-measure the recording alone
        path = Path(__file__).parent / "results" / f"visits-{connection.vendor}.json"
        figures = json.loads(path.read_text())
        figures["record"] = _record_throughput()
        write("visits", figures)
        return
    call_command("migrate", verbosity=0)
    call_command("seed", "--size", "province", "--quiet-accounts", stdout=Quiet())
    figures = {"database": connection.vendor, "people": Person.objects.count()}
    figures["load_visits_s"] = round(_load_visits(), 1)
    started = time.perf_counter()
    figures["schedules"] = schedules_refresh_all()
    figures["schedule_refresh_all_s"] = round(time.perf_counter() - started, 1)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")  # hint bits and visibility map, as on a settled database
    figures["visits"] = Visit.objects.count()
    figures["requests"] = time_pages({
        "chengdong": ["/visits/?tab=overdue", "/api/v1/visits/worklist?kind=overdue",
                      "/visits/rate/"],
        "duzha": ["/visits/?tab=overdue", "/api/v1/visits/worklist?kind=overdue",
                  "/visits/rate/", "/api/v1/visits/rate"],
    })
    figures["raw_sql_ms"] = _raw_sql()
    province = Region.objects.get(code="63")
    auditor = User.objects.get(username="duzha")
    figures["rate_by_prefecture_python_ms"] = timed(
        lambda: selectors.visit_rate(actor=auditor, region=province), rounds=10)
    figures["record"] = _record_throughput()
    write("visits", figures)


if __name__ == "__main__":
    main()
