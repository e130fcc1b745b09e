"""The ten measures and the summary reports at province scale (issue 12), on PostgreSQL:
300,000 people, 3,000,000 visits, 10,000 organisations, 50,000 volunteers.

Measures (figures to bench/results/reports-postgresql.json):
- the query count and time of each registered indicator computed for the province (the
  province and its 8 prefectures, this year to date), as the auditor (every domain);
- server time of the measures page for province bureaus, a prefecture and a county;
- pre-filling one prefecture's report (its annex, live) — target ≤ 2 s;
- the province compilation of 8 prefectures + 8 bureaus in the background task — ≤ 30 s.

    cd bench && LINLI_DATABASE_URL=postgres://postgres@127.0.0.1:5432/linli_bench_reports \\
        ../.venv/bin/python reports.py          # BENCH_ONLY_BUILD=1 builds the data set alone
"""

import os
import time

from common import Quiet, timed, write
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from linli.people.models import Person
from linli.visits.models import Visit


def build() -> dict:
    from visits import _load_visits

    from linli.visits.services import schedules_refresh_all

    call_command("migrate", verbosity=0)
    call_command("seed", "--size", "province", "--quiet-accounts", stdout=Quiet())
    figures = {"people": Person.objects.count(), "load_visits_s": round(_load_visits(), 1)}
    if figures["load_visits_s"] != 0.0:
        schedules_refresh_all()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    figures["visits"] = Visit.objects.count()
    return figures


def indicator_census() -> dict:
    """Each indicator for the province this year, as the auditor (every domain): queries
    and median milliseconds, each computed afresh (no request memo: the people groups are
    one query for all of them, so each group here pays for them all)."""
    from dataclasses import replace

    from linli.accounts.access import access_for
    from linli.accounts.models import User
    from linli.core.indicators import Period, registered
    from linli.regions.models import Region

    auditor = access_for(User.objects.get(username="duzha"))
    province, period, figures = Region.objects.get(code="63"), Period.year_to_date(), {}

    def fresh():
        return replace(auditor, memo={})

    for indicator in registered():
        with CaptureQueriesContext(connection) as captured:
            indicator.compute(fresh(), province, period)
        figures[indicator.key] = {"queries": len(captured), **timed(
            lambda i=indicator: i.compute(fresh(), province, period), rounds=5)}
    return figures


def _cold(fn, rounds: int = 3) -> dict:
    """Milliseconds with the cache emptied before each call (closed periods' figures are
    cached: a warm figure would measure the cache)."""
    from django.core.cache import cache

    def call():
        cache.clear()
        fn()
    return timed(call, rounds=rounds)


def measure_fragments() -> dict:
    """Each measure's figures fragment (what the page asks for as it is scrolled to), cold,
    server side, for the province's social-organisation and elderly bureaus, a prefecture
    and a county; the whole page shell too. Target: ≤ 500 ms a fragment."""
    from django.test import Client
    from django.test.utils import override_settings

    from linli.accounts.models import User

    figures = {}
    with override_settings(ALLOWED_HOSTS=["*"]):
        for username in ("sheng_shzz", "sheng_yanglao", "xining", "chengdong"):
            client = Client()
            client.force_login(User.objects.get(username=username))
            figures[f"{username} page"] = _cold(lambda c=client: c.get("/reports/measures/"))
            for number in range(1, 11):
                url = f"/reports/measures/figures/?measure={number}"
                assert client.get(url).status_code == 200, url
                figures[f"{username} measure {number}"] = _cold(
                    lambda c=client, u=url: c.get(u))
    return figures


def _round():
    from linli.accounts.models import User
    from linli.core.indicators import Period
    from linli.reports import rounds
    from linli.reports.models import Round

    quarter = Period.quarter_before()
    return rounds.round_open(  # a round of its own each run (reports are never deleted)
        actor=User.objects.get(username="sheng_shzz"),
        title=f"基准测试报送 {Round.objects.count() + 1}",
        period_start=quarter.start, period_end=quarter.end,
        deadline=quarter.end.replace(year=quarter.end.year + 1))


def prefill_and_compile() -> dict:
    """A round of 8 prefectures and 8 bureaus (the headline indicators): one prefecture's
    and one bureau's draft written from the live figures (target ≤ 2 s), every draft of
    the round (the background task), each report frozen as its approval leaves it, and
    the compilation built (target ≤ 30 s)."""
    from linli.accounts.models import User
    from linli.reports import annex, documents, rounds
    from linli.reports.models import Compilation, ReportStatus

    opened = _round()
    reports = list(opened.reports.select_related("round", "region"))
    figures = {"reports": len(reports), "indicators": len(opened.indicators)}
    xining = next(r for r in reports if r.region_code == "6301" and not r.bureau)
    bureau = next(r for r in reports if r.bureau == "elderly_services")
    for name, report in (("prefill 西宁市", xining), ("prefill 养老服务处", bureau)):
        started = time.perf_counter()
        rounds.report_prefill(report)
        figures[f"{name} s"] = round(time.perf_counter() - started, 2)
    figures["annex rows 西宁市"] = len(annex.live_rows(xining))
    started = time.perf_counter()
    figures["round prefill count"] = rounds.round_prefill(opened.pk)
    figures["round prefill s"] = round(time.perf_counter() - started, 1)
    started = time.perf_counter()
    frozen = 0
    for report in opened.reports.select_related("round", "region"):
        frozen += annex.freeze(report)
        report.status = ReportStatus.APPROVED
        report.save(update_fields=["status"])
    figures["freeze all s"] = round(time.perf_counter() - started, 1)
    figures["frozen rows"] = frozen
    compilation = Compilation.objects.create(round=opened, created_by=User.objects.get(
        username="sheng_shzz"))
    started = time.perf_counter()
    documents.compilation_build(compilation)
    figures["compilation s"] = round(time.perf_counter() - started, 1)
    compilation.refresh_from_db()
    figures["compilation status"] = compilation.status
    return figures


def main() -> None:
    figures = {"database": connection.vendor, "build": build(),
               "load_average": os.getloadavg()}
    if os.environ.get("BENCH_ONLY_BUILD"):
        return
    started = time.perf_counter()
    figures["indicators"] = indicator_census()
    figures["measures"] = measure_fragments()
    figures["rounds"] = prefill_and_compile()
    figures["total_s"] = round(time.perf_counter() - started, 1)
    figures["load_average_after"] = os.getloadavg()
    write("reports", figures)


if __name__ == "__main__":
    main()
