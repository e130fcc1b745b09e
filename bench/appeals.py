"""Appeals (诉求与转介) at province scale, on PostgreSQL: the province data set (regions,
one staff account per region, 300,000 people: ``linli seed --size province``) plus
100,000 appeals at every step, ~30,000 referrals, their events (~490,000) and 20,000
household economic surveys with their consents, bulk-inserted with every field the
services fill (its own database ``linli_bench_appeals``).

Measures (figures to bench/results/appeals-postgresql.json, each with the load average):
- server time (median and p95 of 20 requests through Django's test client, logged in) of
  the work list ``/appeals/?tab=pending|overdue|all`` and ``GET /api/v1/appeals/?tab=pending``
  for a county (chengdong, 630102), a prefecture (xining) and the province (社会救助处
  sheng_jiuzhu; the auditor duzha, every domain) — targets ≤ 50 ms at the county,
  ≤ 100 ms above it;
- the statistics page ``/appeals/statistics/`` (this month) and ``?period=year``, and
  ``GET /api/v1/appeals/statistics``, for the same users — target ≤ 300 ms;
- the selectors alone: ``work_list(actor, tab)[:50]`` evaluated and ``statistics()``;
- for a figure over its target, EXPLAIN ANALYZE of the request's slowest queries (printed,
  and kept in the JSON under ``explain``).

    ../.venv/bin/python -m linli collectstatic --noinput -v0   # pages name hashed files
    psql -h 127.0.0.1 -U postgres -d test -c "CREATE DATABASE linli_bench_appeals"
    cd bench && LINLI_DATABASE_URL=postgres://postgres@127.0.0.1:5432/linli_bench_appeals \\
        ../.venv/bin/python appeals.py

The build is skipped when the appeals (and surveys) are there already; BENCH_ONLY_MEASURE=1
re-measures without even checking the seed (the build figures of the last run are kept).
"""

import json
import os
import random
import subprocess
import time
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from common import RESULTS, Quiet, time_pages, timed, write
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import timezone

from linli.accounts.models import Membership, User
from linli.accounts.roles import DOMAIN_BITS, Domain, Role
from linli.appeals import selectors, services, surveys
from linli.appeals.models import (
    Appeal,
    AppealAction,
    AppealEvent,
    AppealStatus,
    Category,
    Channel,
    ConsentBasis,
    DueRule,
    HardshipCause,
    Referral,
    ReferralStatus,
    Satisfaction,
    Survey,
    Threshold,
    Urgency,
)
from linli.appeals.seeds import DEMO_THRESHOLDS
from linli.appeals.statistics import statistics
from linli.core.names import person_name
from linli.people.models import Consent, Person
from linli.regions.models import Level, Region

APPEALS = 100_000
SURVEYS = 20_000
ROUNDS = 20
BATCH = 10_000
S, A = AppealStatus, AppealAction

# the final status of the appeals (most of them finished, a tenth waiting for acceptance)
STATUS_SHARES = {S.PENDING: 10, S.ACCEPTED: 5, S.REFERRED: 3, S.TAKEN: 3, S.IN_PROGRESS: 7,
                 S.DONE: 7, S.FOLLOWED_UP: 25, S.CLOSED: 35, S.REJECTED: 5}
CHANNEL_SHARES = {Channel.VISIT: 35, Channel.OFFICE: 25, Channel.HOTLINE: 15,
                  Channel.WORKER: 10, Channel.SURVEY: 5, Channel.PUBLIC: 10}
# the actions leading to each final status (REFER/TAKE put in when the case went out)
PATHS = {S.PENDING: [], S.REJECTED: [A.REJECT], S.ACCEPTED: [A.ACCEPT],
         S.REFERRED: [A.ACCEPT, A.REFER], S.TAKEN: [A.ACCEPT, A.REFER, A.TAKE],
         S.IN_PROGRESS: [A.ACCEPT, A.START], S.DONE: [A.ACCEPT, A.START, A.FINISH],
         S.FOLLOWED_UP: [A.ACCEPT, A.START, A.FINISH, A.FOLLOW_UP],
         S.CLOSED: [A.ACCEPT, A.START, A.FINISH, A.FOLLOW_UP, A.CLOSE]}
REFERRED_SHARE = 0.35  # of the appeals handled, those referred to a county office first
# hours an action takes after the one before it: (normal, urgent) ranges
ACTION_HOURS = {A.ACCEPT: ((0.2, 30), (0.1, 3)), A.REJECT: ((0.2, 30), (0.1, 3)),
                A.REFER: ((0.5, 48), (0.1, 4)), A.TAKE: ((0.5, 60), (0.2, 5)),
                A.START: ((0, 24), (0, 4)), A.FINISH: ((24, 380), (4, 80)),
                A.FOLLOW_UP: ((2, 190), (2, 55)), A.CLOSE: ((0, 48), (0, 24))}
SATISFACTION = [Satisfaction.SATISFIED] * 7 + [Satisfaction.FAIR] * 2 + [Satisfaction.UNSATISFIED]

# the users measured: county, prefecture, the province's 社会救助处, the auditor (every domain)
COUNTY, PREFECTURE, PROVINCE, AUDITOR = "chengdong", "xining", "sheng_jiuzhu", "duzha"
USERS = (COUNTY, PREFECTURE, PROVINCE, AUDITOR)
LIST_TARGET = {COUNTY: 50, PREFECTURE: 100, PROVINCE: 100, AUDITOR: 100}
STATISTICS_TARGET = 300
LIST_URLS = ["/appeals/?tab=pending", "/appeals/?tab=overdue", "/appeals/?tab=all",
             "/api/v1/appeals/?tab=pending"]
STATISTICS_URLS = ["/appeals/statistics/", "/appeals/statistics/?period=year",
                   "/api/v1/appeals/statistics"]


def _load() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def _code() -> str:
    """The commit measured (and whether the appeals' code in the working tree differed)."""
    here = Path(__file__).resolve().parent
    head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=here, text=True,
                          capture_output=True, check=False).stdout.strip()
    dirty = subprocess.run(["git", "status", "--porcelain", "--", "../linli/appeals",
                            "../linli/people/selectors.py"], cwd=here, text=True,
                           capture_output=True, check=False).stdout.strip()
    return f"{head}+changes" if dirty else head


# --- the data set -------------------------------------------------------------------------------

def _staff(role: str) -> dict[str, int]:
    """region code → the user id of the province-size staff account there."""
    return dict(Membership.objects.filter(role=role, user__username__regex=r"^[pctv]\d+$")
                .values_list("region_code", "user_id"))


def _due_rules() -> dict[tuple, int]:
    return {(r.category_id, r.urgency, r.step): r.hours for r in DueRule.objects.all()}


def _hours(rules, step: str, category_id: int, urgency: str) -> int | None:
    """selectors.due_hours without a query each: the most specific rule wins."""
    for key in ((category_id, urgency), (category_id, ""), (None, urgency), (None, "")):
        if (*key, step) in rules:
            return rules[(*key, step)]
    return None


def _sample_people(rng, n: int) -> list[tuple]:
    ids = rng.sample(list(Person.objects.values_list("pk", flat=True)), n)
    fields = ("pk", "name", "phone", "region_id", "region_code", "organisation_id",
              "domain_mask", "birth_date", "household_id")
    rows = {}
    for start in range(0, len(ids), 20_000):
        rows.update((row[0], row) for row in Person.objects.filter(
            pk__in=ids[start:start + 20_000]).values_list(*fields))
    return [rows[pk] for pk in ids]


class Builder:
    """One appeal's life as the services would have written it: the actions of its path,
    each one's time, the step timing _stamp_due keeps, the events and the referral."""

    def __init__(self, rng, now):
        self.rng, self.now, self.rules = rng, now, _due_rules()
        self.categories = list(Category.objects.filter(is_active=True))
        self.assistance = [c for c in self.categories if c.is_assistance]
        self.villages = list(Region.objects.filter(level=Level.VILLAGE).values_list(
            "pk", "code"))
        self.counties = dict(Region.objects.filter(level=Level.COUNTY).values_list("code", "pk"))
        self.village_staff = _staff(Role.VILLAGE_STAFF)
        self.county_staff = _staff(Role.COUNTY_BUREAU)

    def _after(self, action: str, urgency: str) -> timedelta:
        low, high = ACTION_HOURS[action][urgency == Urgency.URGENT]
        return timedelta(hours=self.rng.uniform(low, high))

    def appeal(self, person: tuple | None, status: str):
        rng = self.rng
        category = rng.choice(self.categories)
        urgency = Urgency.URGENT if rng.random() < 0.1 else Urgency.NORMAL
        channel = rng.choices(list(CHANNEL_SHARES), list(CHANNEL_SHARES.values()))[0]
        if channel == Channel.PUBLIC:
            person = None
        path = list(PATHS[status])
        referred = status in (S.REFERRED, S.TAKEN) or (
            A.START in path and rng.random() < REFERRED_SHARE)
        if referred and A.START in path:
            path[1:1] = [A.REFER, A.TAKE]
        # the times: the path's steps, then (open appeals) the current step so far
        gaps = [self._after(action, urgency) for action in path]
        current = services.STATUS_STEP.get(status)
        tail = timedelta(hours=rng.uniform(0, 1.4 * _hours(self.rules, current, category.pk,
                                                           urgency))) if current else \
            timedelta(hours=rng.uniform(0, 24))
        chain = sum(gaps, timedelta()) + tail
        if current:  # open: recent (its current step has run for `tail`)
            created = self.now - chain
        else:  # finished: any time in the last twelve months
            created = self.now - chain - timedelta(seconds=rng.uniform(
                0, max(0.0, (timedelta(days=365) - chain).total_seconds())))
        if person is not None:
            _pk, name, phone, region_id, code, organisation, mask, birth, _h = person
        else:
            region_id, code = rng.choice(self.villages)
            name, phone, organisation, mask, birth = person_name(rng)[0], \
                f"1{rng.randint(3000000000, 9999999999)}", None, 0, None
        clerk = self.village_staff.get(code)
        appeal = Appeal(
            channel=channel, category=category, urgency=urgency,
            description=f"{category.name}:基准测试诉求", person_id=person and person[0],
            requester_name=name, requester_phone=phone or "", region_id=region_id,
            region_code=code, domain_mask=DOMAIN_BITS[category.domain] | mask, birth_date=birth,
            organisation_id=organisation if channel == Channel.WORKER else None,
            created_by_id=None if channel == Channel.PUBLIC else clerk, created_at=created,
            consent_basis=ConsentBasis.CONSENT if referred else "",
            consent_note="本人同意" if referred else "", status=S.PENDING)
        # the events, with the step timing of services._stamp_due
        state = {"step": services.STATUS_STEP[S.PENDING], "started": created,
                 "due": self._due(services.STATUS_STEP[S.PENDING], category, urgency, created)}
        events = [AppealEvent(action=A.CREATE, from_status="", to_status=S.PENDING,
                              actor_id=appeal.created_by_id, at=created)]
        at, referral, county = created, None, self.counties.get(code[:6])
        for action, gap in zip(path, gaps, strict=True):
            at += gap
            before, after = appeal.status, services.TRANSITIONS[action][1]
            record = {}
            if services.ACTION_STEP.get(action) and state["started"] is not None:
                record = {"step": services.ACTION_STEP[action],
                          "step_seconds": max(0, int((at - state["started"]).total_seconds())),
                          "on_time": state["due"] is None or at <= state["due"]}
            step = services.STATUS_STEP.get(after)
            if services.STATUS_STEP.get(before) != step:
                state = {"step": step, "started": at if step else None,
                         "due": self._due(step, category, urgency, at) if step else None}
            appeal.status = after
            by_unit = referral is not None and action in (A.TAKE, A.START, A.FINISH)
            events.append(AppealEvent(
                action=action, from_status=before, to_status=after, at=at,
                actor_id=self.county_staff.get(code[:6]) if by_unit else clerk, **record))
            if action == A.REFER:
                kind = category if category.is_assistance else rng.choice(self.assistance)
                referral = Referral(assistance=kind, to_region_id=county,
                                    to_region_code=code[:6], referred_by_id=clerk, referred_at=at,
                                    note="请县民政局核办", status=ReferralStatus.WAITING)
            elif action == A.TAKE:
                referral.status, referral.answered_at = ReferralStatus.TAKEN, at
            elif action == A.FINISH:
                appeal.result = "已协调解决,诉求人认可"
                if referral is not None:
                    referral.status = ReferralStatus.DONE
            elif action == A.FOLLOW_UP:
                appeal.satisfaction = rng.choice(SATISFACTION)
            elif action in (A.CLOSE, A.REJECT):
                appeal.closed_at = at
        appeal.step_started_at, appeal.due_at = state["started"], state["due"]
        return appeal, events, referral

    def _due(self, step, category, urgency, at):
        hours = _hours(self.rules, step, category.pk, urgency)
        return at + timedelta(hours=hours) if hours is not None else None


def _load_appeals(rng, now) -> dict:
    if Appeal.objects.count() >= APPEALS:
        return {"appeals_s": 0.0}
    started = time.perf_counter()
    builder = Builder(rng, now)
    people = _sample_people(rng, int(APPEALS * 0.8))
    statuses = rng.choices(list(STATUS_SHARES), list(STATUS_SHARES.values()), k=APPEALS)
    built = [builder.appeal(people[i] if i < len(people) and rng.random() < 0.95 else None,
                            statuses[i]) for i in range(APPEALS)]
    built.sort(key=lambda b: b[0].created_at)  # ids in the order they were registered
    with transaction.atomic():  # all or nothing: a stopped run leaves no appeals behind
        for start in range(0, APPEALS, BATCH):
            part = built[start:start + BATCH]
            Appeal.objects.bulk_create([b[0] for b in part], batch_size=2000)
            referrals, events = [], []
            for appeal, appeal_events, referral in part:
                for event in appeal_events:
                    event.appeal_id = appeal.pk
                events += appeal_events
                if referral is not None:
                    referral.appeal_id = appeal.pk
                    referrals.append(referral)
            Referral.objects.bulk_create(referrals, batch_size=5000)
            AppealEvent.objects.bulk_create(events, batch_size=5000)
    return {"appeals_s": round(time.perf_counter() - started, 1)}


def _thresholds(year: int) -> None:
    """The demo's example standards (not the official figures), in force since last year, so
    that every survey of the last twelve months is read against them."""
    if Threshold.objects.exists():
        return
    regions = {r.code: r for r in Region.objects.filter(code__in={t[0] for t in
                                                                  DEMO_THRESHOLDS})}
    for code, kind, area, amount, per in DEMO_THRESHOLDS:
        Threshold.objects.create(region=regions[code], kind=kind, area=area,
                                 amount=Decimal(amount), per=per, valid_from=date(year - 1, 1, 1),
                                 source="基准测试数据(非正式标准)")


def _money(value: float) -> Decimal:
    return Decimal(str(round(value, 2))).quantize(Decimal("0.01"))


def _load_surveys(rng, now) -> dict:
    if Survey.objects.count() >= SURVEYS:
        return {"surveys_s": 0.0}
    started = time.perf_counter()
    today = timezone.localdate(now)
    _thresholds(today.year)
    people = _sample_people(rng, SURVEYS)
    villages = {r.pk: r for r in Region.objects.filter(level=Level.VILLAGE)}
    township_staff = _staff(Role.TOWNSHIP_ASSISTANT)
    fallback = User.objects.get(username="dongguan").pk
    standards: dict[tuple, dict] = {}
    causes = list(HardshipCause.values)
    with transaction.atomic():
        rows = []
        for pk, name, _phone, region_id, code, organisation, _mask, birth, household in people:
            village = villages[region_id]
            surveyor = township_staff.get(code[:9], fallback)
            surveyed_on = today - timedelta(days=rng.randint(0, 364))
            consent = Consent(person_id=pk, purpose="家庭经济状况调查", given_by=name,
                              given_on=surveyed_on - timedelta(days=rng.randint(0, 20)),
                              recorded_by_id=surveyor)
            members = rng.choices([1, 2, 3, 4, 5, 6], [25, 25, 20, 15, 10, 5])[0]
            income = members * 12 * rng.uniform(150, 2600)  # a year's, the household's
            shares = [rng.random() for _ in range(4)]
            wage, business, prop, transfer = (_money(income * s / sum(shares)) for s in shares)
            key = (code[:6], village.village_kind)
            if key not in standards:
                standards[key] = {kind: row.monthly for kind, row in surveys.thresholds_at(
                    village, surveyed_on).items()}
            survey = Survey(
                person_id=pk, household_id=household, region_id=region_id, region_code=code,
                organisation_id=organisation, domain_mask=DOMAIN_BITS[Domain.ASSISTANCE],
                birth_date=birth, members_count=members, members_note="基准测试家庭",
                income_wage=wage, income_business=business, income_property=prop,
                income_transfer=transfer, deposits=_money(rng.uniform(0, 60000)),
                housing_count=rng.choice([0, 1, 1, 1, 2]), vehicles_count=rng.choice([0, 0, 1]),
                expense_medical=_money(rng.choice([0, 0, rng.uniform(0, 80000)])),
                expense_education=_money(rng.choice([0, 0, 0, rng.uniform(0, 20000)])),
                cause=rng.choice(causes), no_work_ability=rng.random() < 0.2,
                no_supporter=rng.random() < 0.1, surveyor_id=surveyor, surveyed_on=surveyed_on,
                created_at=timezone.make_aware(datetime.combine(surveyed_on, datetime.min.time()))
                + timedelta(hours=rng.uniform(8, 18)))
            survey.per_capita_monthly = (survey.income_total / 12 / members).quantize(
                Decimal("0.01"))
            survey.thresholds = {k: str(v) for k, v in standards[key].items()}
            survey.flags = surveys.flags_for(
                per_capita_monthly=survey.per_capita_monthly, members=members,
                no_work_ability=survey.no_work_ability, no_supporter=survey.no_supporter,
                thresholds=standards[key])
            rows.append((consent, survey))
        Consent.objects.bulk_create([c for c, _s in rows], batch_size=5000)
        for consent, survey in rows:
            survey.consent_id = consent.pk
        Survey.objects.bulk_create([s for _c, s in rows], batch_size=5000)
    return {"surveys_s": round(time.perf_counter() - started, 1)}


def build() -> dict:
    figures = {"load_average_before": _load()}
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    call_command("seed", "--size", "province", "--quiet-accounts", stdout=Quiet())
    figures["migrate_seed_s"] = round(time.perf_counter() - started, 1)
    rng, now = random.Random("bench-appeals"), timezone.now()
    figures |= _load_appeals(rng, now)
    figures |= _load_surveys(rng, now)
    if figures["appeals_s"] or figures["surveys_s"]:
        started = time.perf_counter()
        with connection.cursor() as cursor:
            for table in ("appeals_appeal", "appeals_referral", "appeals_appealevent",
                          "appeals_survey", "people_consent"):
                cursor.execute(f"VACUUM ANALYZE {table}")
        figures["analyze_s"] = round(time.perf_counter() - started, 1)
    figures["load_average_after"] = _load()
    return figures


def rows() -> dict:
    figures = {"people": Person.objects.count(), "appeals": Appeal.objects.count(),
               "referrals": Referral.objects.count(), "events": AppealEvent.objects.count(),
               "step_events": AppealEvent.objects.exclude(step="").count(),
               "surveys": Survey.objects.count(), "consents": Consent.objects.count(),
               "users": User.objects.count()}
    now = timezone.now()
    figures["by_status"] = dict(Appeal.objects.values_list("status").annotate(
        n=Count("pk")).order_by("status"))
    figures["overdue"] = Appeal.objects.filter(status__in=list(selectors.OPEN_STATUSES),
                                               due_at__lt=now).count()
    figures["county 630102 appeals"] = Appeal.objects.filter(
        region_code__startswith="630102").count()
    return figures


# --- the measures -------------------------------------------------------------------------------

def _explain(statements: list[str], top: int = 2) -> list[dict]:
    """EXPLAIN ANALYZE of each SELECT, the slowest ``top`` with their plans."""
    found = []
    with connection.cursor() as cursor:
        for sql in statements:
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
            plan = "\n".join(row[0] for row in cursor.fetchall())
            ms = float(plan.rsplit("Execution Time:", 1)[1].split()[0])
            found.append({"execution_ms": ms, "sql": sql, "plan": plan})
    found.sort(key=lambda f: -f["execution_ms"])
    return found[:top]


def _captured(work) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        work()
    return [q["sql"] for q in captured.captured_queries]


def _page(username: str, url: str, target: int) -> dict:
    figure = time_pages({username: [url]})[f"{username} GET {url}"]
    figure["load_average"] = _load()
    with override_settings(ALLOWED_HOSTS=["*"]):
        client = Client()
        client.force_login(User.objects.get(username=username))
        statements = _captured(lambda: client.get(url))
        figure["queries"] = len(statements)
        figure["sql_ms"] = round(sum(e["execution_ms"] for e in _explain(statements, 99)), 2)
        figure |= _verdict(figure, target, statements)
    return figure


def _verdict(figure: dict, target: int, statements: list[str]) -> dict:
    met = figure["median_ms"] <= target
    extra = {"target_ms": target, "met": met}
    if not met:
        extra["slowest"] = _explain(statements)
    return extra


def measure_pages() -> dict:
    figures = {}
    for username in USERS:
        for url in LIST_URLS:
            figures[f"{username} GET {url}"] = _page(username, url, LIST_TARGET[username])
        for url in STATISTICS_URLS:
            figures[f"{username} GET {url}"] = _page(username, url, STATISTICS_TARGET)
    return figures


def measure_selectors() -> dict:
    from linli.core.indicators import Period
    from linli.regions.selectors import region_or_root
    from linli.reports.figures import YEAR, period_for

    figures = {}
    periods = {"month": Period.this_month(), "year": period_for(YEAR)}
    for username in USERS:
        user = User.objects.get(username=username)
        for tab in (selectors.Tab.PENDING, selectors.Tab.OVERDUE, selectors.Tab.ALL):
            def work(u=user, t=tab):
                return list(selectors.work_list(actor=u, tab=t)[:50])
            figure = timed(work, rounds=ROUNDS) | {"load_average": _load()}
            statements = _captured(work)
            figure["sql_ms"] = round(sum(e["execution_ms"] for e in _explain(statements, 99)), 2)
            figures[f"{username} work_list({tab})[:50]"] = figure | _verdict(
                figure, LIST_TARGET[username], statements)
        region = region_or_root(actor=user)
        for name, period in periods.items():
            def work(u=user, r=region, p=period):
                return statistics(actor=u, region=r, period=p)
            figure = timed(work, rounds=ROUNDS) | {"load_average": _load()}
            statements = _captured(work)
            figure["queries"] = len(statements)
            figure["sql_ms"] = round(sum(e["execution_ms"] for e in _explain(statements, 99)), 2)
            figures[f"{username} statistics({region.code}, {name})"] = figure | _verdict(
                figure, STATISTICS_TARGET, statements)
    return figures


def _table(figures: dict) -> None:
    print(f"\n{'figure':<62} {'median':>8} {'p95':>8} {'target':>7} {'met':>4} {'load':>5}")
    for part in ("pages", "selectors"):
        for name, f in figures[part].items():
            print(f"{name:<62} {f['median_ms']:>8.1f} {f['p95_ms']:>8.1f} "
                  f"{f['target_ms']:>7} {'yes' if f['met'] else 'NO':>4} "
                  f"{f['load_average'][0]:>5.2f}")
    for part in ("pages", "selectors"):
        for name, f in figures[part].items():
            for slow in f.get("slowest", [])[:1]:
                print(f"\n--- {name}: slowest query {slow['execution_ms']:.1f} ms\n{slow['sql']}"
                      f"\n{slow['plan']}")


def main() -> None:
    earlier = RESULTS / f"appeals-{connection.vendor}.json"
    if os.environ.get("BENCH_ONLY_MEASURE") and earlier.exists():
        built = json.loads(earlier.read_text()).get("build", {})
    else:
        built = build()
        print("build:", json.dumps(built), flush=True)
    figures = {"database": connection.vendor, "code": _code(), "cpus": os.cpu_count(),
               "build": built, "rows": rows(), "load_average_before": _load()}
    started = time.perf_counter()
    figures["pages"] = measure_pages()
    figures["selectors"] = measure_selectors()
    figures["measure_s"] = round(time.perf_counter() - started, 1)
    figures["load_average_after"] = _load()
    write("appeals", figures)
    _table(figures)


if __name__ == "__main__":
    main()
