"""A 1,000,000-row roster of people in care, imported in the background (issue 10): the
preview and the commit each run as the background task runs them, in a process of their
own, so that their peak resident memory (``ru_maxrss``) is their own, while this process
samples the job's progress (``processed_rows``) from the database and the step's resident
memory (``/proc``) every two seconds: bounded memory is a flat line once the file is read.

The roster is a county's (乐都区): a title row, the header clerks write, a village by name
with its township, an identity number, a category, 1,000,000 people. It is written as XML
straight into the zip (openpyxl would take minutes), inline strings, as Excel saves it.
Figures go to ``results/import-million.json``.

    psql -h 127.0.0.1 -U postgres -d test -c "CREATE DATABASE linli_bench_million"
    cd bench && LINLI_DATABASE_URL=postgres://postgres@127.0.0.1:5432/linli_bench_million \\
        ../.venv/bin/python import_million.py
"""

import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from itertools import pairwise
from pathlib import Path
from xml.sax.saxutils import escape

from common import RESULTS  # sets Django up
from django.db import connection
from import_errors import _PARTS

ROWS = int(os.environ.get("BENCH_ROWS", 1_000_000))
FILES = Path(tempfile.gettempdir()) / "linli-bench-import"
USERNAME = "bench_million"
COUNTY = "630202"  # 乐都区
HEADER = ["序号", "姓名", "身份证号码", "性别", "民族", "联系电话", "所属乡镇", "村(社区)",
          "家庭住址", "人员类别"]
GROUPS = ["独居老人", "空巢老人", "低保", "特困", "高龄", "留守儿童", "残疾人", "失能老人"]
COLUMNS = "ABCDEFGHIJ"
SAMPLE_S = 2.0


def _row(number: int, values: list) -> str:
    cells = "".join(
        f'<c r="{COLUMNS[i]}{number}"><v>{v}</v></c>' if isinstance(v, int) else
        f'<c r="{COLUMNS[i]}{number}" t="inlineStr"><is><t>{escape(v)}</t></is></c>'
        for i, v in enumerate(values))
    return f'<row r="{number}">{cells}</row>'


def _numbers(rng: random.Random):
    """Distinct valid identity numbers of the county."""
    from linli.people import identity

    taken = set()
    while True:
        body = (f"{COUNTY}{rng.randint(1930, 2015)}{rng.randint(1, 12):02d}"
                f"{rng.randint(1, 28):02d}{rng.randint(0, 999):03d}")
        if body in taken:
            continue
        taken.add(body)
        yield body + identity.CHECK[sum(int(d) * w for d, w in zip(
            body, identity.WEIGHTS, strict=True)) % 11]


def build(rows: int) -> Path:
    from linli.core.names import person_name
    from linli.regions.models import Region

    path = FILES / f"people-{rows}.xlsx"
    if path.exists():
        return path
    FILES.mkdir(exist_ok=True)
    villages = list(Region.objects.filter(code__startswith=COUNTY, level=5)
                    .select_related("parent").order_by("code"))
    rng = random.Random("bench-million")
    numbers = _numbers(rng)
    title = '<row r="1"><c r="A1" t="inlineStr"><is><t>乐都区关爱对象花名册</t></is></c></row>'
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in _PARTS.items():
            archive.writestr(name, text)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
                        b'2006/main"><sheetData>' + title.encode() + _row(2, HEADER).encode())
            for start in range(0, rows, 10_000):
                lines = []
                for i in range(start, min(rows, start + 10_000)):
                    village = villages[i % len(villages)]
                    name, people = person_name(rng)
                    lines.append(_row(i + 3, [
                        i + 1, name, next(numbers), "", people,
                        f"1{rng.randint(3000000000, 9999999999)}", village.parent.name,
                        village.name, f"{village.name}{i % 300}号", rng.choice(GROUPS)]))
                sheet.write("".join(lines).encode())
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
    from linli.core.models import ImportJob
    from linli.people.groups import load_groups
    from linli.people.models import Group, Person
    from linli.regions.models import Region
    from linli.regions.services import regions_ensure_loaded

    call_command("migrate", verbosity=0)
    regions_ensure_loaded()
    load_groups(Group)
    user, created = User.objects.get_or_create(username=USERNAME,
                                               defaults={"full_name": "百万行导入基准"})
    if created:
        Membership.objects.create(user=user, role=Role.COUNTY_BUREAU,
                                  region=Region.objects.get(code=COUNTY))
    ImportJob.objects.filter(created_by=user).delete()
    with connection.cursor() as cursor:  # a clean county: the commit creates every row
        cursor.execute("TRUNCATE people_person, people_historicalperson, people_contact, "
                       "people_groupmembership CASCADE" if connection.vendor == "postgresql"
                       else "DELETE FROM people_person")
    return {"people_before": Person.objects.count()}


def step_preview(path: str) -> dict:
    from linli.core import importing
    from linli.core.models import ImportJob

    content = Path(path).read_bytes()
    started, cpu = time.perf_counter(), time.process_time()
    job = importing.import_preview(actor=_actor(), kind="people", filename="million.xlsx",
                                   content=content)
    queued = job.is_running
    if queued:  # the background task's work, run here
        job = importing.run_preview(ImportJob.objects.get(pk=job.pk))
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    return {"job": job.pk, "in_background": queued, "status": job.status,
            "rows": job.total_rows, "valid": job.valid_rows, "errors": job.error_rows,
            "warnings": job.warning_rows, "file_mb": round(len(content) / 1e6, 1),
            "seconds": round(seconds, 1), "cpu_s": round(cpu, 1),
            "rows_per_s": round(job.total_rows / seconds), "peak_rss_mb": _peak_mb(),
            "message": job.message}


def step_commit(job_id: str) -> dict:
    from linli.core import importing
    from linli.core.models import ImportJob
    from linli.people.models import Person

    actor = _actor()
    job = importing.import_job_get(actor=actor, pk=int(job_id))
    started, cpu = time.perf_counter(), time.process_time()
    job = importing.import_commit(actor=actor, job=job)
    if job.is_running:
        job = importing.run_commit(ImportJob.objects.get(pk=job.pk))
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    return {"status": job.status, "created": job.created_count, "updated": job.updated_count,
            "unchanged": job.unchanged_count, "errors": job.error_rows,
            "seconds": round(seconds, 1), "cpu_s": round(cpu, 1),
            "rows_per_s": round(job.processed_rows / seconds), "peak_rss_mb": _peak_mb(),
            "people_after": Person.objects.count(), "message": job.message}


STEPS = {"setup": step_setup, "preview": step_preview, "commit": step_commit}


def _rss_mb(pid: int) -> float | None:
    """The resident memory of a running process, from /proc (None once it has ended)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    for line in status.splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    return None


def _sampled(step: str, *args) -> dict:
    """Run a step in its own process, sampling the newest job's progress and the process's
    resident memory meanwhile: [seconds, status, processed rows, RSS in MB]."""
    from linli.core.models import ImportJob

    samples: list[list] = []
    done = threading.Event()
    child = subprocess.Popen([sys.executable, __file__, step, *args], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, env=os.environ)

    def sample():
        started = time.perf_counter()
        while not done.wait(SAMPLE_S):
            job = ImportJob.objects.filter(created_by__username=USERNAME).order_by(
                "-pk").values("status", "processed_rows").first()
            if job:
                samples.append([round(time.perf_counter() - started, 1), job["status"],
                                job["processed_rows"], _rss_mb(child.pid)])
        connection.close()

    load = round(os.getloadavg()[0], 2)
    watcher = threading.Thread(target=sample)
    watcher.start()
    try:
        out, err = child.communicate()
    finally:
        done.set()
        watcher.join()
    if child.returncode:
        sys.stderr.write(err)
        raise SystemExit(f"step {step} failed")
    result = json.loads(out.strip().splitlines()[-1])
    result["load_average_before"], result["load_average_after"] = load, round(
        os.getloadavg()[0], 2)
    # Progress seen while the work ran: within one status, the rows never go back.
    result["progress"] = {"samples": len(samples), "first": samples[:3], "last": samples[-3:],
                          "monotonic": all(a[2] <= b[2] for a, b in pairwise(samples)
                                           if a[1] == b[1]),
                          "every_10": samples[::10]}
    rss = [s[3] for s in samples if s[3] is not None]
    if rss:  # how the memory went as the rows went by: flat once the file is read
        half = len(rss) // 2
        result["rss_mb"] = {"max_sampled": max(rss), "max_first_half": max(rss[:half] or rss),
                            "max_second_half": max(rss[half:])}
    return result


def _run(step: str, *args) -> dict:
    done = subprocess.run([sys.executable, __file__, step, *args], capture_output=True,
                          text=True, env=os.environ, check=False)
    if done.returncode:
        sys.stderr.write(done.stderr)
        raise SystemExit(f"step {step} failed")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _summary(run: dict) -> dict:
    """A run's figures without its progress samples."""
    return {k: {n: v for n, v in value.items() if n != "progress"}
            if isinstance(value, dict) else value for k, value in run.items()}


def main() -> None:
    from people import _code

    figures = {"database": connection.vendor, "cpus": os.cpu_count(), "code": _code(),
               "load_average": round(os.getloadavg()[0], 2), "rows": ROWS,
               "setup": _run("setup")}
    started = time.perf_counter()
    path = build(ROWS)
    figures["build_s"] = round(time.perf_counter() - started, 1)
    figures["preview"] = _sampled("preview", str(path))
    figures["commit"] = _sampled("commit", str(figures["preview"]["job"]))
    out = RESULTS / ("import-million.json" if ROWS == 1_000_000 else f"import-{ROWS}.json")
    if out.exists():  # the runs before this one stay beside it, without their samples
        before = json.loads(out.read_text())
        earlier = [before, *before.pop("earlier_runs", [])]
        figures["earlier_runs"] = [_summary(run) for run in earlier[:4]]
    out.write_text(json.dumps(figures, ensure_ascii=False, indent=2) + "\n")
    print(json.dumps(figures, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    if len(sys.argv) > 1:
        print(json.dumps(STEPS[sys.argv[1]](*sys.argv[2:]), ensure_ascii=False))
    else:
        main()
