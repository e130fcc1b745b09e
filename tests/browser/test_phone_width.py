"""Every page fits a 390 px phone, for each persona (issue 11, "The phone").

Each persona signs in with a 390×844 viewport and opens every page of PAGES it may open
(the others answer 403/404 and are measured too: an error page must fit as well). A page
fits when the document does not scroll sideways (``scrollWidth <= innerWidth``) and no box
inside it scrolls sideways either (a ``.table-responsive`` that hides an 900 px table in a
scroll box fits the first test but not the phone). Every list on a page that opened has at
least one row, so the table is really drawn. All failures are reported at once.

PAGES is held against the URL confs: every pattern of linli/*/urls.py is either opened by
some persona or named in NOT_PAGES with the reason, so a new page is not left out.
"""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.utils import timezone

from conftest import OUR_COUNTY, OUR_TOWNSHIP, OUR_VILLAGE, PASSWORD, make_user
from linli.accounts.roles import Bureau, Role
from linli.core.indicators import Period

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 768}

# The personas that have pages (linli/accounts/roles.py); the system administrator signs
# in with a second factor, so the second step of the login is measured too.
PERSONAS = [
    ("cunwei", Role.VILLAGE_STAFF, OUR_VILLAGE, ""),
    ("zhuli", Role.TOWNSHIP_ASSISTANT, OUR_TOWNSHIP, ""),
    ("xian", Role.COUNTY_BUREAU, OUR_COUNTY, ""),
    ("yanglao", Role.PROVINCE_BUREAU, "63", Bureau.ELDERLY_SERVICES),
    ("guanli", Role.SYSADMIN, "63", ""),
]

# Every page, with the records of _records() filled in ({token} is the persona's own).
PAGES = [
    "/", "/notifications/",
    "/accounts/me/", "/accounts/me/password/", "/accounts/me/second-factor/",
    "/accounts/me/tokens/{token}/revoke/",
    "/accounts/users/", "/accounts/users/new/", "/accounts/users/{user}/",
    "/accounts/users/{user}/memberships/{membership}/revoke/",
    "/accounts/users/{user}/deactivate/",
    "/audit/",
    "/regions/", "/regions/63/", f"/regions/{OUR_COUNTY}/", f"/regions/{OUR_TOWNSHIP}/",
    "/people/", "/people/new/", "/people/{person}/", "/people/{person}/edit/",
    "/people/{person}/groups/{group}/end/", "/people/{person}/close/",
    "/visits/", "/visits/rate/", "/visits/record/", "/visits/policies/",
    "/visits/policies/new/", "/visits/policies/{policy}/",
    "/care/services/", "/care/canteens/", "/care/canteens/{canteen}/", "/care/facilities/",
    "/care/circle/", "/care/map/", "/regions/map/",
    "/orgs/", "/orgs/new/", "/orgs/{org}/", "/orgs/{org}/edit/", "/orgs/{org}/status/",
    "/orgs/{org}/filings/?kind=deregister",
    "/orgs/filings/", "/orgs/filings/{filing}/", "/orgs/filings/{filing}/reject/",
    "/orgs/stations/", f"/orgs/stations/{OUR_TOWNSHIP}/",
    "/orgs/incubation/", "/orgs/incubation/{base}/", "/orgs/tax/",
    "/orgs/volunteers/", "/orgs/volunteers/new/", "/orgs/volunteers/{volunteer}/",
    "/orgs/indicators/",
    "/imports/people/", "/imports/orgs/", "/imports/job/{job}/",
    "/imports/job/{job}/errors/full/",
    "/reports/documents/templates/", "/reports/documents/compilations/{compilation}/",
    "/reports/rounds/", "/reports/rounds/new/", "/reports/rounds/{round}/",
    "/reports/report/{report}/", "/reports/report/{report}/submit/",
    "/reports/report/{report}/approve/", "/reports/report/{report}/return/",
    "/reports/measures/", "/reports/measures/?period=year",
    "/reports/measures/figures/?measure=8", "/reports/measures/trends/?measure=8", "/reports/measures/new/", "/reports/measures/8/",
    "/reports/targets/", "/reports/targets/new/", "/reports/targets/{target}/",
    "/reports/targets/{target}/deactivate/", "/reports/manual/", "/reports/manual/new/",
    "/reports/manual/{manual}/", "/reports/manual/{manual}/values/",
    "/reports/manual/values/{value}/",
    "/appeals/", "/appeals/?tab=all", "/appeals/new/", "/appeals/{appeal}/",
    "/appeals/statistics/", "/appeals/poster/", "/appeals/household/{person}/",
    "/appeals/household/{person}/survey/",
]
SIGNED_OUT = ["/accounts/login/", "/accounts/login/verify/",
              f"/public/appeals/{OUR_VILLAGE}/", "/public/appeals/track/"]

# Lists a persona opens empty by right (they are measured all the same).
EMPTY_BY_SCOPE = {
    # the system administrator sees no personal data and no organisations (ROLE_DOMAINS)
    "guanli": {"/people/", "/visits/", "/care/services/", "/orgs/", "/orgs/filings/",
               "/orgs/incubation/", "/orgs/tax/", "/orgs/volunteers/", "/appeals/",
               "/appeals/?tab=all", "/appeals/statistics/"},
    # the elderly bureau sees the elderly appeal, not the assistance one's referral nor the
    # household's economic survey (社会救助 data)
    "yanglao": {"/appeals/statistics/", "/appeals/household/{person}/"},
    # the social-work station is the township's and the incubation base the county's
    "cunwei": {"/orgs/stations/", "/orgs/incubation/", "/reports/rounds/"},
    "zhuli": {"/orgs/incubation/", "/reports/rounds/"},  # no report of their own
}

# Patterns of linli/*/urls.py that are not pages, and why the walk leaves them out.
NOT_PAGES = {
    "core:pick": "HTMX fragment: the picker's options",
    "orgs:options": "HTMX fragment: <option> elements",
    "people:options": "HTMX fragment: <option> elements",
    "regions:options": "HTMX fragment: <option> elements",
    "core:notification_open": "marks read and redirects to the notification's object",
    "core:import_errors": "an .xlsx download",
    "orgs:certificate": "a .docx download",
    "orgs:certificate_pdf": "a .pdf download",
    "orgs:attachment": "a filing attachment's download",
    "orgs:attachment_upload": "POST",
    "orgs:attachment_remove": "a confirmation page on a filing's attachment (test_attachments.py)",
    "visits:service_worker": "JavaScript",
    "visits:manifest": "JSON",
    "visits:photo": "a visit's photo (JPEG or PNG)",
    "visits:offline": "the service worker's offline page (test_offline_visit.py opens it)",
    # POST only: they redirect, or answer 405 to a GET
    "accounts:logout": "POST", "accounts:token_create": "POST",
    "core:notifications_read_all": "POST", "core:import_commit": "POST",
    "core:import_rechoose": "POST", "core:import_abandon": "POST",
    "core:import_report_build": "POST",
    "people:reveal": "POST", "people:group_add": "POST", "people:contact_add": "POST",
    "people:consent_add": "POST", "people:household_link": "POST", "people:assign": "POST",
    "orgs:tax_add": "POST",
    "reports:report_docx": "a report's .docx download", "reports:report_pdf": "a .pdf download",
    "reports:report_xlsx": "an .xlsx download",
    "reports:compilation_download": "a .docx download", "reports:compilation_annex": "an .xlsx",
    "reports:template_download": "a .docx download", "reports:compilation_start": "POST",
    "reports:template_restore": "a confirmation page (reports/tests/test_documents_templates.py)",
    "reports:measures_export": "an .xlsx download",
    "reports:round_close": "a confirmation page (reports/tests/test_rounds_pages.py)",
    "reports:round_reopen": "a confirmation page (reports/tests/test_rounds_pages.py)",
    "appeals:step": "POST", "appeals:note": "POST", "appeals:case_note": "POST",
    "appeals:survey_refer": "POST", "appeals:documents": "POST (multipart)",
    "appeals:document": "a document's download",
}

# The page's width, the boxes that scroll sideways inside it, the elements that stick out
# of the screen (to say where to look) and the lists drawn without a row.
MEASURE = """() => {
  const name = (e) => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "")
    + (typeof e.className === "string" && e.className ? "." + e.className.trim().split(/\\s+/).join(".") : "");
  const all = [...document.querySelectorAll("body *")];
  const scrolling = all.filter((e) => e.scrollWidth > e.clientWidth + 1
    && ["auto", "scroll"].includes(getComputedStyle(e).overflowX));
  const out = all.filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1
    && ![...e.children].some((c) => c.getBoundingClientRect().right > window.innerWidth + 1));
  const empty = [...document.querySelectorAll("main table")].filter((t) => {
    const rows = t.querySelectorAll("tbody tr");
    return rows.length === 0 || (rows.length === 1 && rows[0].querySelector("td[colspan]"));
  });
  return {width: document.documentElement.scrollWidth, inner: window.innerWidth,
          scrolling: scrolling.map((e) => name(e) + " " + e.scrollWidth + "px"),
          out: out.slice(0, 3).map((e) => name(e) + " → " + Math.round(e.getBoundingClientRect().right) + "px"),
          empty: empty.map(name)};
}"""


def _patterns(resolver=None, namespace=""):
    """(url name, pattern) of every view of linli/*/urls.py."""
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            module = getattr(entry.urlconf_module, "__name__", "")
            if module.startswith("linli.") and module.endswith(".urls"):
                yield from _patterns(entry, entry.namespace or namespace)
        elif isinstance(entry, URLPattern) and namespace:
            yield f"{namespace}:{entry.name}", str(entry.pattern)


def _url_name(path: str) -> str:
    match = resolve(path.split("?")[0])
    return f"{match.namespace}:{match.url_name}"


def test_the_walk_opens_every_page_of_the_url_confs():
    dummy = {key: 1 for key in ("token", "user", "membership", "person", "group", "policy",
                                "canteen", "org", "filing", "base", "volunteer", "job",
                                "compilation", "round", "report", "target", "manual",
                                "value", "appeal")}
    opened = {_url_name(path.format(**dummy)) for path in PAGES + SIGNED_OUT}
    every = dict(_patterns())
    assert len(every) > 60  # the URL confs were read
    assert not set(NOT_PAGES) & opened, "a page both walked and excluded"
    assert set(NOT_PAGES) <= set(every), "an exclusion names no pattern"
    left_out = {name: pattern for name, pattern in every.items()
                if name not in opened and name not in NOT_PAGES}
    assert left_out == {}, "pages neither walked nor excluded (add them to PAGES or NOT_PAGES)"


def _roster() -> bytes:
    from linli.people.tests.test_import import GOOD, _xlsx

    bad = ["错行", "632301198001010024", "", "", "", "", "", "北关社区", "", "", "", "", ""]
    return _xlsx([*GOOD, bad])


def _records(users: dict) -> dict:
    """One record or more on every list, written through the services as a clerk would."""
    from linli.accounts.services import api_token_create
    from linli.care import services as care
    from linli.core import importing
    from linli.core.notifications import notify
    from linli.orgs import services as orgs
    from linli.orgs import support_services as support
    from linli.orgs.models import FilingKind
    from linli.orgs.tests.conftest import community, filed
    from linli.people.tests.conftest import OLD_MAN, register
    from linli.visits.models import VisitPolicy
    from linli.visits.seeds import ensure_policies
    from linli.visits.services import schedules_refresh, visit_record

    village, township, county = users["cunwei"], users["zhuli"], users["xian"]
    ensure_policies()
    elder = register(village, name="马福寿", id_number=OLD_MAN,
                     address="东关大街街道北关社区北关街12号院3单元402室(儿子在外地务工)",
                     groups=[{"code": "elderly_alone", "source": "村委会摸排"}])
    schedules_refresh([elder.pk])
    now = timezone.now()
    visit_record(actor=village, visit_id="7d4c1f9e-0000-4000-8000-000000000001",
                 person_id=elder.pk, visited_at=now - timedelta(days=3), mode="home",
                 outcome="attention", notes="老人腿脚不便,冬季取暖煤不足,已联系社区协调送煤上门",
                 needs="送煤、代购药品")
    org = filed(township, township, name="北关社区夕阳红志愿服务队")
    pending = community(township, name="北关社区银龄互助会")
    filing = orgs.filing_submit(actor=township, organisation=pending,
                                kind=FilingKind.ESTABLISH)
    care.service_record(actor=village, person_id=elder.pk, kind="housekeeping",
                        served_at=now - timedelta(days=1), duration_minutes=90,
                        organisation_id=org.pk)
    canteen = care.canteen_create(actor=county, name="北关社区老年幸福食堂", kind="happy",
                                  region_code=OUR_VILLAGE, seats=40, operator_id=org.pk)
    care.meals_record(actor=county, canteen=canteen, person_ids=[elder.pk],
                      served_on=timezone.localdate())
    care.facility_create(actor=county, name="北关社区日间照料中心", level="village",
                         kind="日间照料中心", region_code=OUR_VILLAGE,
                         latitude=Decimal("36.618000"), longitude=Decimal("101.800000"), beds=12)
    care.location_set(actor=county, region_code=OUR_VILLAGE, latitude=Decimal("36.618500"),
                      longitude=Decimal("101.800500"))
    support.station_save(actor=county, region_code=OUR_TOWNSHIP, established=True,
                         operator_id=org.pk, staff_count=3, opened_on=date(2023, 5, 1))
    base = support.incubation_base_create(actor=county, name="城东区社区社会组织孵化基地",
                                          region_code=OUR_COUNTY)
    support.incubation_add(actor=county, base=base, organisation_id=org.pk,
                           started_on=date(2024, 3, 1), services=["policy", "training"])
    support.tax_qualification_add(actor=township, organisation=org, kind="exempt",
                                  valid_from=date.today() - timedelta(days=300),
                                  valid_until=date.today() + timedelta(days=30),
                                  document_number="宁财税〔2024〕18号")
    volunteer = support.volunteer_create(actor=township, name="韩晓燕", region_code=OUR_VILLAGE,
                                         skills="陪伴聊天、理发、测量血压、帮助老人使用智能手机",
                                         organisation_id=org.pk)
    job = importing.import_preview(actor=township, kind="people", filename="北关社区花名册.xlsx",
                                   content=_roster())
    notify(users.values(), title="马福寿的探访发现需求:送煤、代购药品",
           body="北关社区 · 老人腿脚不便,冬季取暖煤不足,已联系社区协调送煤上门",
           link=f"/people/{elder.pk}/")
    tokens = {name: api_token_create(actor=user, name="民政数据对接")[0].pk
              for name, user in users.items()}
    compilation = _compilations(users["yanglao"])
    opened = _round(users["yanglao"])
    target, manual = _measures(county)
    appeal = _appeal(village, elder)
    return {"appeal": appeal.pk, "target": target.pk, "manual": manual.indicator_id, "value": manual.pk,
            "person": elder.pk, "group": elder.group_memberships.first().pk, "org": org.pk,
            "filing": filing.pk, "canteen": canteen.pk, "base": base.pk,
            "volunteer": volunteer.pk, "job": job.pk, "compilation": compilation.pk,
            "round": opened.pk, "report": opened.reports.get(region_code=OUR_COUNTY).pk,
            "policy": VisitPolicy.objects.order_by("pk").first().pk,
            "user": village.pk, "membership": village.memberships.first().pk, "tokens": tokens}


def _measures(county):
    """城东区's own target and its training sessions of this month, entered by hand."""
    from linli.reports.measures import manual_value_enter, target_set
    from linli.reports.models import ManualIndicator

    target = target_set(actor=county, indicator="training_sessions", region_code=OUR_COUNTY,
                        value=5, source="城东区民政局2026年度工作要点")
    month = Period.this_month()
    value, _created = manual_value_enter(
        actor=county, indicator=ManualIndicator.objects.get(code="training_sessions"),
        region_code=OUR_COUNTY, period_start=month.start, period_end=month.end, value=3)
    return target, value


def _appeal(village, elder):
    """The need found on the visit, taken in and referred to the county."""
    from linli.appeals.services import appeal_create, appeal_transition

    appeal = appeal_create(actor=village, channel="visit", category="temporary",
                           person_id=elder.pk, description="冬季取暖煤不足,申请临时救助",
                           visit_id="7d4c1f9e-0000-4000-8000-000000000001",
                           consent_basis="consent", consent_note="本人口头同意,村委会记录")
    appeal_transition(actor=village, appeal=appeal, action="accept")
    appeal_transition(actor=village, appeal=appeal, action="refer", assistance="temporary",
                      to_region_code=OUR_COUNTY, note="请县局核定临时救助")
    # the household's economic survey, under its consent
    from linli.appeals.surveys import survey_record
    from linli.people.services import consent_record

    consent_record(actor=village, person=elder, purpose="家庭经济状况调查授权核对",
                   given_by=elder.name, relation="本人", given_on=timezone.localdate())
    survey_record(actor=village, person_id=elder.pk, surveyed_on=timezone.localdate(), members_count=2,
                  cause="illness", income_wage="12000", income_business="0",
                  income_property="0", income_transfer="2400", deposits="1000",
                  expense_medical="20000", expense_education="0")
    # and a resident's request at the window, waiting to be taken in (the list's first tab)
    appeal_create(actor=village, channel="office", category="elderly_care",
                  requester_name="王大爷", requester_phone="13800971001",
                  region_code=elder.region_code, description="老伴卧床,希望有人定期上门助浴")
    return appeal


def _compilations(owner):
    """A round the 养老服务处 owns, compiled twice (the page lists the earlier one)."""
    from linli.reports.models import Compilation, CompilationStatus, Round

    made = Round.objects.create(title="2026年“邻里守望”关爱行动总结报告",
                                period_start=date(2026, 1, 1), period_end=date(2026, 10, 31),
                                deadline=date(2026, 11, 10), opened_by=owner,
                                owner_bureau=Bureau.ELDERLY_SERVICES)
    done = {"status": CompilationStatus.DONE, "progress": 100, "finished_at": timezone.now(),
            "missing": ["海南藏族自治州民政局", "果洛藏族自治州民政局"]}
    Compilation.objects.create(round=made, created_by=owner, **done)
    return Compilation.objects.create(round=made, created_by=owner, **done)


def _round(owner):
    """A round the 养老服务处 opens with the counties: 城东区's report among them."""
    from linli.reports.rounds import round_open

    today = timezone.localdate()
    return round_open(actor=owner, title="2026年“邻里守望”关爱行动总结报告(各县)",
                      period_start=date(today.year, 1, 1), period_end=today,
                      deadline=today + timedelta(days=20), report_counties=True,
                      indicators=["station_coverage", "visit_rate", "training_sessions"])


def _sign_in(page, username: str, device=None) -> list:
    """Sign in on the phone; the login pages are measured on the way."""
    from django_otp.oath import TOTP

    page.context.clear_cookies()
    seen = [_measure(page, "/accounts/login/")]
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    if device is not None:
        page.wait_for_url("**/accounts/login/verify/")
        seen.append(("/accounts/login/verify/", 200, page.evaluate(MEASURE)))
        code = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token()
        page.fill("#id_token", str(code).zfill(6))
        page.click("main button[type=submit]")
    page.wait_for_url("**/")
    return seen


def _measure(page, path: str) -> tuple[str, int, dict]:
    response = page.goto(path)
    return path, response.status, page.evaluate(MEASURE)


def _problems(path: str, status: int, found: dict, empty_by_scope=()) -> list[str]:
    problems = []
    if found["width"] > found["inner"]:
        problems.append(f"{path}: {found['width']}px wide ({', '.join(found['out'])})")
    problems += [f"{path}: scrolls sideways inside {box}" for box in found["scrolling"]]
    if status == 200 and path not in empty_by_scope:
        problems += [f"{path}: the list {table} has no row" for table in found["empty"]]
    return problems


@pytest.fixture
def walkers(regions):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    users = {name: make_user(name, role, code, bureau) for name, role, code, bureau in PERSONAS}
    device = TOTPDevice.objects.create(user=users["guanli"], name="phone", confirmed=True)
    return users, device


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_every_page_fits_a_phone_for_each_persona(page, walkers):
    users, device = walkers
    records = _records(users)
    page.set_viewport_size(PHONE)
    problems, opened = [], set()
    for username, *_ in PERSONAS:
        seen = _sign_in(page, username, device if username == "guanli" else None)
        values = {**records, "token": records["tokens"][username]}
        seen += [_measure(page, path.format(**values)) for path in PAGES]
        for path, status, found in seen:
            problems += [f"{username} {problem}" for problem in
                         _problems(path, status, found, {
                             empty.format(**values) for empty in EMPTY_BY_SCOPE.get(username, ())})]
            if status == 200:
                opened.add(_url_name(path))
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems)
    never = {_url_name(path.format(**records, token=0)) for path in PAGES} - opened
    assert never == set(), "pages no persona could open: the walk did not measure them"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_visit_policies_fit_a_desktop(page, walkers):
    from linli.visits.seeds import ensure_policies

    ensure_policies()
    page.set_viewport_size(DESKTOP)
    _sign_in(page, "xian")
    path, status, found = _measure(page, "/visits/policies/")
    assert status == 200 and page.locator("main table tbody tr").count() >= 3
    assert page.evaluate("document.querySelector('main table').scrollWidth") <= DESKTOP["width"]
    assert _problems(path, status, found) == []
    # a desktop still shows a table: the column headings are on screen, one row per line
    assert page.locator("main table thead").is_visible()

