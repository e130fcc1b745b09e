"""People in care at province scale (300,000) and the roster import the issue asks for:
100,000 rows imported, rows per second reported.

    cd bench && LINLI_DATABASE_URL=postgres://postgres@127.0.0.1:5432/linli_bench_people \\
        ../.venv/bin/python people.py

BENCH_ONLY_IMPORT=1 re-measures the import alone (the other figures are kept, and the last
four imports measured before under ``import_earlier``): the people an earlier run's import
created are deleted first, so that the commit creates them again.
BENCH_IMPORT_ROWS sets the roster's size (100,000); BENCH_PROFILE=<dir> writes a cProfile
of the preview and of the commit there (``python -m pstats <dir>/commit.prof``).
"""

import cProfile
import io
import json
import os
import random
import subprocess
import threading
import time
from pathlib import Path

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

IMPORT_ROWS = int(os.environ.get("BENCH_IMPORT_ROWS", 100_000))
PROFILE = os.environ.get("BENCH_PROFILE", "")
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


def _forget_imported(actor) -> int:
    """Delete the people an earlier bench import created (their history says so), with
    what points at them, so that the next commit creates them again."""
    from linli.people.models import Person

    ids = list(Person.history.filter(history_type="+", history_user=actor,
                                     history_change_reason="花名册导入")
               .values_list("id", flat=True).distinct())
    if not ids or connection.vendor != "postgresql":
        Person.objects.filter(pk__in=ids).delete()
        return len(ids)
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMP TABLE bench_gone (id bigint PRIMARY KEY)")
        cursor.execute("INSERT INTO bench_gone SELECT unnest(%s::bigint[])", [ids])
        cursor.execute("SELECT conrelid::regclass::text, a.attname FROM pg_constraint c "
                       "JOIN pg_attribute a ON a.attrelid = c.conrelid "
                       "AND a.attnum = c.conkey[1] WHERE c.confrelid = 'people_person'::regclass")
        pointing = cursor.fetchall()
        pointing += [(t, "person_id") for t in ("people_historicalgroupmembership",
                                                "people_historicalcontact")
                     if t in connection.introspection.table_names()]
        for table, column in pointing:
            cursor.execute(f'DELETE FROM "{table}" WHERE "{column}" IN '
                           "(SELECT id FROM bench_gone)")
        cursor.execute("DELETE FROM people_historicalperson WHERE id IN "
                       "(SELECT id FROM bench_gone)")
        cursor.execute("DELETE FROM people_person WHERE id IN (SELECT id FROM bench_gone)")
        cursor.execute("DROP TABLE bench_gone")
        cursor.execute("VACUUM ANALYZE people_person")
    return len(ids)


_IMPORT_CODE = ["../linli/people", "../linli/core/importing.py", "../linli/core/excel.py",
                "../linli/regions/lookup.py", "../linli/visits/services.py"]


def _code() -> str:
    """The commit measured (and whether the import's code in the working tree differed)."""
    here = Path(__file__).resolve().parent
    head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=here, text=True,
                          capture_output=True, check=False).stdout.strip()
    dirty = subprocess.run(["git", "status", "--porcelain", "--", *_IMPORT_CODE], cwd=here,
                           text=True, capture_output=True, check=False).stdout.strip()
    return f"{head}+changes" if dirty else head


class ServerCpu(threading.Thread):
    """CPU seconds used by this database's PostgreSQL backends during a step (the server
    runs on this machine: /proc), sampled every SAMPLE_S so that the backends of connections
    closed during the step (the commit's writers) count too, to within a sample. A step's
    wall time is about this process's CPU, the server's and the waits (disk, and the other
    engineers' load on the two CPUs)."""

    SAMPLE_S = 0.2

    def __init__(self):
        super().__init__(daemon=True)
        self.seen: dict[int, tuple[float, float]] = {}  # pid → (first, last) CPU seconds
        self.done, self.started = threading.Event(), None
        settings = connection.settings_dict
        self.dsn = (f"host={settings['HOST']} port={settings['PORT'] or 5432} "
                    f"dbname={settings['NAME']} user={settings['USER']}")

    def run(self) -> None:
        import psycopg

        with psycopg.connect(self.dsn, autocommit=True) as watcher:
            mine = watcher.info.backend_pid
            while True:
                pids = [pid for (pid,) in watcher.execute(
                    "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                    "AND backend_type = 'client backend'") if pid != mine]
                for pid in pids:
                    if (used := _cpu_of(pid)) is not None:
                        # a backend started during the step started from nothing
                        first = used if self.started is None else 0.0
                        self.seen[pid] = (self.seen.get(pid, (first, 0.0))[0], used)
                self.started = self.started or time.perf_counter()
                if self.done.wait(self.SAMPLE_S):
                    return

    def used(self) -> float:
        self.done.set()
        self.join()
        return sum(last - first for first, last in self.seen.values())


def _cpu_of(pid: int) -> float | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(stat[11]) + int(stat[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def _timed(name: str, work):
    """(result, figures) of one step: wall and CPU seconds (this process's, and the
    database server's for this database), the load average after it."""
    profile = cProfile.Profile() if PROFILE else None
    server = ServerCpu() if connection.vendor == "postgresql" else None
    if server:
        server.start()
        time.sleep(2 * ServerCpu.SAMPLE_S)  # the backends' CPU before the step read first
    started, cpu = time.perf_counter(), time.process_time()
    if profile:
        profile.enable()
    result = work()
    if profile:
        profile.disable()
        Path(PROFILE).mkdir(parents=True, exist_ok=True)
        profile.dump_stats(Path(PROFILE) / f"{name}.prof")
    seconds = time.perf_counter() - started
    cpu = time.process_time() - cpu
    figures = {f"{name}_db_cpu_s": round(server.used(), 1)} if server else {}
    return result, {f"{name}_s": round(seconds, 1), f"{name}_cpu_s": round(cpu, 1), **figures,
                    f"{name}_rows_per_s": round(IMPORT_ROWS / seconds),
                    f"{name}_load_average": round(os.getloadavg()[0], 2)}


def _preview(actor, content):
    job = importing.import_preview(actor=actor, kind="people", filename="bench.xlsx",
                                   content=content)
    # a big file: run the background task's work here, in the bench
    return importing.run_preview(job) if job.is_running else job


def _commit(actor, job):
    job = importing.import_commit(actor=actor, job=job)
    return importing.run_commit(job) if job.is_running else job


def _import() -> dict:
    actor = User.objects.get(username="ledu")
    figures = {"rows": IMPORT_ROWS, "cpus": os.cpu_count(), "code": _code(),
               "deleted_before": _forget_imported(actor),
               "load_average_before": round(os.getloadavg()[0], 2)}
    content = _roster(IMPORT_ROWS)
    figures["file_mb"] = round(len(content) / 1e6, 1)
    job, timing = _timed("preview", lambda: _preview(actor, content))
    figures |= timing
    figures["valid"], figures["errors"] = job.valid_rows, job.error_rows
    job, timing = _timed("commit", lambda: _commit(actor, job))
    figures |= timing
    figures["created"], figures["updated"] = job.created_count, job.updated_count
    figures["unchanged"] = job.unchanged_count
    again, timing = _timed("reimport", lambda: _commit(actor, _preview(actor, content)))
    figures |= timing
    figures["reimport_unchanged"] = again.unchanged_count
    return figures


def main() -> None:
    if os.environ.get("BENCH_ONLY_IMPORT"):  # re-measure the import alone
        path = Path(__file__).parent / "results" / f"people-{connection.vendor}.json"
        figures = json.loads(path.read_text())
        # the runs before this one stay beside it (the machine is shared: one run says little)
        earlier = [figures["import"], *figures.get("import_earlier", [])]
        figures["import"], figures["import_earlier"] = _import(), earlier[:4]
        figures["people_after_import"] = Person.objects.count()
        write("people", figures)
        return
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
