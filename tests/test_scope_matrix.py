"""Every page and endpoint is either proven scoped here or exempted with a reason.

When an app adds a URL, the completeness test fails until the URL is listed: scoped
URLs get the "another county's user gets 404 / sees nothing" check for free.
"""

import uuid
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from conftest import (
    OTHER_COUNTY,
    OTHER_TOWNSHIP,
    OTHER_VILLAGE,
    OUR_COUNTY,
    OUR_TOWNSHIP,
    OUR_VILLAGE,
)
from linli.api import api
from linli.care import services as care_services
from linli.orgs import attachments, services, support_services
from linli.orgs.models import Filing, FilingKind, IncubationBase, Organisation, Volunteer
from linli.orgs.tests.conftest import community
from linli.people.tests.conftest import OLD_MAN, register
from linli.visits.seeds import ensure_policies
from linli.visits.services import schedules_refresh, visit_record
from linli.visits.tests.images import JPEG

pytestmark = pytest.mark.django_db

DETAIL, LIST = "detail", "list"
ORG = "北关社区夕阳红志愿服务队"
# name → (URL inside 城东区, text only its own users may see, kind). Another county's
# user gets 404 from a detail and a list without that text. {org} {filing} {base} {person}
# are filled from the records the `ours` fixture makes.
SCOPED = {
    "regions:detail": (f"/regions/{OUR_TOWNSHIP}/", "东关大街街道", DETAIL),
    "regions:index": ("/regions/", "城东区", LIST),  # redirects into the user's own subtree
    "regions:options": ("/regions/options/?q=东关", OUR_TOWNSHIP, LIST),
    "core:home": ("/", "城东区下辖村(社区)分布", LIST),
    "core:pick": ("/pick/people/?q=mfs", "马福寿", LIST),  # every kind: core/tests/test_pickers
    "api-1.0.0:get_region": (f"/api/v1/regions/{OUR_COUNTY}", OUR_COUNTY, DETAIL),
    "api-1.0.0:list_regions": ("/api/v1/regions/?q=东关", OUR_TOWNSHIP, LIST),
    "orgs:list": ("/orgs/", ORG, LIST),
    "orgs:options": ("/orgs/options/?q=北关", ORG, LIST),
    "orgs:detail": ("/orgs/{org}/", ORG, DETAIL),
    "orgs:edit": ("/orgs/{org}/edit/", ORG, DETAIL),
    "orgs:certificate": ("/orgs/{filed}/certificate.docx", "", DETAIL),  # a binary .docx
    "orgs:certificate_pdf": ("/orgs/{filed}/certificate.pdf", "", DETAIL),  # a binary PDF
    "orgs:attachment": ("/orgs/attachments/{attachment}/", "", DETAIL),  # a filed document
    "orgs:filings": ("/orgs/filings/?tab=all", ORG, LIST),
    "orgs:filing_detail": ("/orgs/filings/{filing}/", ORG, DETAIL),
    "orgs:stations": ("/orgs/stations/", "东关大街街道", LIST),
    "orgs:station_edit": (f"/orgs/stations/{OUR_TOWNSHIP}/", "东关大街街道", DETAIL),
    "orgs:incubation": ("/orgs/incubation/", "城东区孵化基地", LIST),
    "orgs:incubation_detail": ("/orgs/incubation/{base}/", "城东区孵化基地", DETAIL),
    "orgs:tax": ("/orgs/tax/", "城东区慈善协会", LIST),
    "orgs:volunteers": ("/orgs/volunteers/", "才让卓玛", LIST),
    "orgs:volunteer_detail": ("/orgs/volunteers/{person}/", "才让卓玛", DETAIL),
    "orgs:indicators": ("/orgs/indicators/", "东关大街街道", LIST),
    "api-1.0.0:list_organisations": ("/api/v1/orgs/", ORG, LIST),
    "api-1.0.0:get_organisation": ("/api/v1/orgs/{org}", ORG, DETAIL),
    "api-1.0.0:hsds_organizations": ("/api/v1/orgs/hsds/organizations", "北关社区文艺队", LIST),
    "api-1.0.0:list_filings": ("/api/v1/orgs/filings/?tab=all", ORG, LIST),
    "api-1.0.0:get_filing": ("/api/v1/orgs/filings/{filing}", ORG, DETAIL),
    "api-1.0.0:station_coverage": (f"/api/v1/orgs/stations/coverage?region={OUR_COUNTY}",
                                   OUR_COUNTY, DETAIL),
    "people:list": ("/people/", "马福寿", LIST),
    "people:detail": ("/people/{person_in_care}/", "马福寿", DETAIL),
    "people:edit": ("/people/{person_in_care}/edit/", "马福寿", DETAIL),
    "people:options": ("/people/options/?q=mfs", "马福寿", LIST),
    "api-1.0.0:list_people": ("/api/v1/people/", "马福寿", LIST),
    "api-1.0.0:get_person": ("/api/v1/people/{person_in_care}", "马福寿", DETAIL),
    "visits:worklist": ("/visits/?tab=all", "马福寿", LIST),
    "visits:record": ("/visits/record/", "马福寿", LIST),
    "visits:photo": ("/visits/photos/{visit_photo}/", "", DETAIL),  # a JPEG
    "visits:rate": (f"/visits/rate/?region={OUR_COUNTY}", "城东区", DETAIL),
    "api-1.0.0:worklist": ("/api/v1/visits/worklist?kind=all", "马福寿", LIST),
    "api-1.0.0:visit_rate": (f"/api/v1/visits/rate?region={OUR_COUNTY}", OUR_COUNTY, DETAIL),
    "care:services": ("/care/services/", "马福寿", LIST),
    "care:canteens": ("/care/canteens/", "北关社区老年幸福食堂", LIST),
    "care:canteen": ("/care/canteens/{canteen}/", "北关社区老年幸福食堂", DETAIL),
    "care:facilities": ("/care/facilities/", "北关社区日间照料中心", LIST),
    "care:circle": (f"/care/circle/?region={OUR_COUNTY}", "城东区", DETAIL),
    "care:map": (f"/care/map/?region={OUR_COUNTY}", "北关社区日间照料中心", DETAIL),
    "regions:map": ("/regions/map/?area=6301&figure=people_in_care", "城东区", DETAIL),
    "api-1.0.0:service_circle": (f"/api/v1/care/circle?region={OUR_COUNTY}", OUR_COUNTY, DETAIL),
    "reports:measures": (f"/reports/measures/?region={OUR_COUNTY}", "城东区", DETAIL),
    "reports:measures_export": (f"/reports/measures/export/?region={OUR_COUNTY}", "", DETAIL),
    "reports:measure_figures": (f"/reports/measures/figures/?region={OUR_COUNTY}&measure=8",
                                "东关大街街道", DETAIL),
    "reports:measure_trends": (f"/reports/measures/trends/?region={OUR_COUNTY}&measure=8", "",
                               DETAIL),
    "reports:targets": ("/reports/targets/", "城东区年度计划", LIST),
    "reports:target_edit": ("/reports/targets/{target}/", "城东区年度计划", DETAIL),
    "reports:manual": ("/reports/manual/", "城东区", LIST),
    "reports:manual_value": ("/reports/manual/values/{manual_value}/", "城东区", DETAIL),
    "reports:report": ("/reports/report/{report}/", "城东区", DETAIL),
    "reports:report_docx": ("/reports/documents/report/{report}.docx", "", DETAIL),
    "reports:report_pdf": ("/reports/documents/report/{report}.pdf", "", DETAIL),
    "reports:report_xlsx": ("/reports/documents/report/{report}-annex.xlsx", "", DETAIL),
    "api-1.0.0:list_reports": ("/api/v1/reports/reports", "城东区", LIST),
    "api-1.0.0:get_report": ("/api/v1/reports/reports/{report}", "城东区", DETAIL),
    "api-1.0.0:indicator_values": (
        f"/api/v1/reports/indicators/training_sessions?region={OUR_COUNTY}", OUR_COUNTY, DETAIL),
    "api-1.0.0:list_manual_values": ("/api/v1/reports/manual", OUR_COUNTY, LIST),
    "api-1.0.0:list_measures": (f"/api/v1/reports/measures?region={OUR_COUNTY}", OUR_COUNTY,
                                DETAIL),
    "appeals:list": ("/appeals/?tab=all", "李大姐", LIST),
    "appeals:detail": ("/appeals/{appeal}/", "李大姐", DETAIL),
    "appeals:statistics": (f"/appeals/statistics/?region={OUR_COUNTY}", "城东区", DETAIL),
    "appeals:household": ("/appeals/household/{person_in_care}/", "马福寿", DETAIL),
    "api-1.0.0:get_household": ("/api/v1/appeals/households/{person_in_care}", "马福寿",
                                DETAIL),
    "appeals:survey_new": ("/appeals/household/{person_in_care}/survey/", "马福寿", DETAIL),
    "api-1.0.0:appeal_statistics": (f"/api/v1/appeals/statistics?region={OUR_COUNTY}",
                                    OUR_COUNTY, DETAIL),
    "api-1.0.0:list_appeals": ("/api/v1/appeals/?tab=all", "李大姐", LIST),
    "api-1.0.0:get_appeal": ("/api/v1/appeals/{appeal}", "李大姐", DETAIL),
}
# Writes answer 404 to another county too (tested beside each write in its app's tests).
WRITES = {
    "orgs:create": "needs EDIT; the region is checked by organisation_create (tested)",
    "orgs:status": "REVIEW over the filing body (tested through organisation_set_status)",
    "orgs:filing_create": "another county gets 404 (orgs/tests/test_pages.py)",
    "orgs:filing_action": "another county gets 404; only the filing body reviews (tested)",
    "orgs:attachment_upload": "the filing fetched through the scoped selector; EDIT over the "
                              "organisation (orgs/tests/test_attachments.py: another county 404)",
    "orgs:attachment_remove": "scoped as its filing (attachment_get); another county gets 404 "
                              "(orgs/tests/test_attachments.py)",
    "orgs:tax_add": "EDIT over the organisation (support_services)",
    "orgs:volunteer_create": "EDIT over the region (support_services)",
    "api-1.0.0:create_organisation": "region checked by organisation_create (tested)",
    "api-1.0.0:submit_filing": "organisation fetched through the scoped selector",
    "api-1.0.0:transition_filing": "another county gets 404 (orgs/tests/test_api.py)",
    "core:import_upload": "the importer reads only regions in the user's scope (tested)",
    "core:import_job": "the uploader's own jobs only (tested: another user 404)",
    "core:import_commit": "the uploader's own jobs only",
    "core:import_errors": "the uploader's own jobs only",
    "core:import_report_build": "the uploader's own jobs only (tested: another user 404)",
    "core:import_abandon": "the uploader's own jobs only (import_job_get: another user 404)",
    "core:import_errors_reveal": "the uploader's own jobs only, and REVEAL_ID (access-logged)",
    "core:import_rechoose": "the uploader's own jobs only (tested: another user 404)",
    "api-1.0.0:upload": "the importer reads only regions in the user's scope (tested over "
                        "the API: another county's village refused without naming it)",
    "api-1.0.0:get_job": "the uploader's own jobs only (tested: another user 404)",
    "api-1.0.0:commit": "the uploader's own jobs only (tested: another user 404)",
    "api-1.0.0:errors_report": "the uploader's own jobs only (masked report)",
    "api-1.0.0:choices": "the uploader's own jobs only (tested: another user 404); the default "
                         "region is read by the importer in the user's scope (probed)",
    "api-1.0.0:abandon": "the uploader's own jobs only (tested: another user 404)",
    "people:create": "region checked by person_register (tested)",
    "people:reveal": "another county gets 404 (people/tests/test_pages.py)",
    "people:group_add": "person fetched through the scoped selector",
    "people:group_end": "person fetched through the scoped selector",
    "people:contact_add": "person fetched through the scoped selector",
    "people:consent_add": "person fetched through the scoped selector",
    "people:close": "another county gets 404 (people/tests/test_pages.py)",
    "people:household_link": "another county gets 404 (people/tests/test_pages.py)",
    "people:assign": "person fetched through the scoped selector; the organisation and volunteers too",
    "api-1.0.0:reveal": "person fetched through the scoped selector (tested)",
    "api-1.0.0:record_visit": "person fetched through the scoped selector (tested: 404)",
    "api-1.0.0:record_service": "person fetched through the scoped selector (tested: 404)",
    "visits:service_worker": "static script of the visit page",
    "visits:manifest": "static web-app manifest",
    "visits:offline": "the service worker's offline page, no data",
    "visits:policies": "province-wide policy list, no personal data",
    "visits:policy_create": "province reviewers only (tested: a county's user gets 404)",
    "visits:policy_edit": "province reviewers only (tested: a county's user gets 404)",
    "reports:measure_add": "the province's measures: province bureaus only (tested)",
    "reports:measure_edit": "the province's measures: province bureaus only (tested)",
    "reports:target_add": "the region checked by target_set (probed over the API)",
    "reports:target_deactivate": "target_get: another county's target 404 (target_edit above)",
    "reports:manual_indicator_add": "province bureaus only (reports/tests/test_measures_forms)",
    "reports:manual_indicator_edit": "province bureaus only (reports/tests/test_measures_forms)",
    "reports:manual_enter": "a province-wide definition; the region checked on entry (probed)",
    "reports:round_new": "province bureaus only (reports/tests/test_rounds_pages)",
    "reports:round_close": "the round's owner bureau only (test_rounds_pages)",
    "reports:round_reopen": "the round's owner bureau only (test_rounds_pages)",
    "api-1.0.0:change_round": "the round's owner bureau only (test_rounds_api)",
    "reports:report_submit": "report_get as reports:report (another county 404)",
    "reports:report_approve": "report_get as reports:report; the reviewer only (tested)",
    "reports:report_return": "report_get as reports:report; the reviewer only (tested)",
    "reports:compilation_start": "the round's owner bureau only (test_documents_compilation)",
    "reports:template_restore": "province administrators only (test_documents_templates)",
    "appeals:new": "the region checked by appeal_create (probed over the API)",
    "appeals:case_note": "person fetched through the scoped selector (appeals/tests)",
    "appeals:documents": "appeal_get as appeals:detail (appeals/tests/test_documents)",
    "appeals:document": "document_get through the appeal's scope (appeals/tests/"
                        "test_documents: another county 404)",
    "api-1.0.0:add_case_note": "person fetched through the scoped selector (appeals/tests)",
    "api-1.0.0:create_survey": "person fetched through the scoped selector; 社会救助 domain "
                               "only (appeals/tests/test_surveys)",
    "api-1.0.0:get_survey": "survey_get through the scoped selector (appeals/tests/test_api: "
                            "another county 404, the elderly bureau 404)",
    "api-1.0.0:refer_survey": "survey_get as get_survey",
    "appeals:survey_refer": "survey_get through the scoped selector (appeals/tests: "
                            "another county 404)",
    "appeals:poster": "the village picked in the scope (appeals/tests/test_public: another "
                      "county's village is not drawn)",
    "appeals:step": "appeal_get as appeals:detail (appeals/tests/test_pages: another county 404)",
    "appeals:note": "appeal_get as appeals:detail (appeals/tests/test_pages: another county 404)",
    "api-1.0.0:create_appeal": "the region checked by appeal_create (probed)",
    "api-1.0.0:appeal_step": "appeal_get as get_appeal; a referral's office checked (probed)",
    "api-1.0.0:add_note": "appeal_get as get_appeal (appeals/tests/test_api: another county 404)",
}
# name → why it needs no region check
EXEMPT = {
    "accounts:login": "sign-in", "accounts:verify": "sign-in, second step",
    "accounts:logout": "sign-out", "accounts:profile": "the user's own account",
    "accounts:password_change": "the user's own account",
    "accounts:second_factor": "the user's own account",
    "accounts:token_create": "the user's own tokens",
    "core:notifications": "the user's own notifications",
    "core:notification_open": "the user's own notifications (tested: another user's is 404)",
    "core:notifications_read_all": "the user's own notifications",
    "accounts:token_revoke": "the user's own tokens (tested: another user's token is 404)",
    "accounts:user_list": "system administrators only (tested: everyone else 404)",
    "accounts:user_create": "system administrators only (tested)",
    "accounts:user_detail": "system administrators only (tested)",
    "accounts:membership_revoke": "system administrators only (tested)",
    "accounts:user_action": "system administrators only (tested)",
    "audit:log": "administrators and auditors only (tested: everyone else 404)",
    "api-1.0.0:me": "the caller's own account",
    "api-1.0.0:api-root": "index of the API", "api-1.0.0:openapi-json": "schema",
    "api-1.0.0:openapi-view": "interactive docs",
    # A round is shared by every unit it calls (another county has its own report in it);
    # each unit sees only its own report (reports:report above).
    "reports:rounds": "every unit called sees the round; its own report only (test_rounds_pages)",
    "reports:round": "every unit called sees the round; its own report only (test_rounds_pages)",
    "reports:compilation": "the owner bureau and the province's auditors only "
                           "(test_documents_compilation: a county 404)",
    "reports:compilation_download": "as reports:compilation",
    "reports:compilation_annex": "as reports:compilation",
    "reports:templates": "province administrators only (test_documents_templates)",
    "reports:template_download": "province administrators only (test_documents_templates)",
    "api-1.0.0:list_rounds": "every unit called sees the round (reports/tests/test_rounds_api)",
    "api-1.0.0:get_round": "every unit called sees the round (reports/tests/test_rounds_api)",
    "api-1.0.0:open_round": "province bureaus only (reports/tests/test_rounds_api)",
    "api-1.0.0:save_report_sections": "report_get as get_report (another county 404)",
    "api-1.0.0:transition_report": "report_get as get_report (another county 404)",
    "api-1.0.0:list_targets": "targets set inside or above the scope (test_measures_api)",
    "api-1.0.0:add_target": "region outside the scope refused (probed)",
    "api-1.0.0:change_target": "another county's target 404 (test_measures_api)",
    "api-1.0.0:deactivate_target": "another county's target 404 (test_measures_api)",
    "api-1.0.0:enter_manual_value": "region outside the scope refused (probed)",
    "set_language": "language switch",
}
OWN_APPS = ("core", "regions", "accounts", "audit", "orgs", "people", "visits", "care",
            "reports", "appeals", "api-1.0.0")


def _names(resolver=None, namespace=""):
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _names(entry, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}"


def test_it_lists_every_page_and_endpoint():
    names = {n for n in _names() if n.split(":")[0] in OWN_APPS or n == "set_language"}
    unlisted = names - set(SCOPED) - set(EXEMPT) - set(WRITES)
    assert not unlisted, f"add these to SCOPED (with a 404 check) or EXEMPT: {unlisted}"


@pytest.fixture
def ours(personas, settings, tmp_path):
    """One record of every kind in 城东区."""
    settings.DATA_DIR = tmp_path  # where the filing's attachment is stored
    org = community(personas.township, name=ORG)
    filing = services.filing_submit(actor=personas.township, organisation=org,
                                    kind=FilingKind.ESTABLISH)
    [attachment] = attachments.attachments_add(
        actor=personas.township, filing=filing, kind="charter",
        files=[SimpleUploadedFile("章程.pdf", b"%PDF-1.7\n%%EOF\n")])
    filed = community(personas.township, name="北关社区文艺队")
    services.filing_transition(actor=personas.township, action="approve",
                               filing=services.filing_submit(actor=personas.township,
                                                             organisation=filed,
                                                             kind=FilingKind.ESTABLISH))
    charity = community(personas.county, name="城东区慈善协会", kind="social_group",
                        authority=OUR_COUNTY, credit_code="51630000MJY000001W")
    today = timezone.localdate()
    support_services.tax_qualification_add(actor=personas.county, organisation=charity,
                                           kind="exempt", valid_from=today,
                                           valid_until=today + timedelta(days=10))
    support_services.station_save(actor=personas.county, region_code=OUR_TOWNSHIP,
                                  established=True, opened_on=today)
    base = support_services.incubation_base_create(actor=personas.county, name="城东区孵化基地",
                                                   region_code=OUR_COUNTY)
    person = support_services.volunteer_create(actor=personas.county, name="才让卓玛",
                                               region_code=OUR_VILLAGE)
    assert IncubationBase.objects.count() == 1
    ensure_policies()
    elder = register(personas.village, name="马福寿", id_number=OLD_MAN,
                     groups=[{"code": "elderly_alone"}])
    schedules_refresh([elder.pk])
    photographed, _new = visit_record(actor=personas.village, visit_id=uuid.uuid4(),
                                      person_id=elder.pk, visited_at=timezone.now(),
                                      mode="home", outcome="normal", photo=JPEG)
    care_services.service_record(actor=personas.village, person_id=elder.pk, kind="comfort",
                                 served_at=timezone.now(), duration_minutes=30)
    canteen = care_services.canteen_create(actor=personas.county, name="北关社区老年幸福食堂",
                                           kind="happy", region_code=OUR_VILLAGE)
    care_services.facility_create(actor=personas.county, name="北关社区日间照料中心",
                                  level="village", kind="日间照料中心", region_code=OUR_VILLAGE,
                                  latitude="36.62", longitude="101.78")
    return {"canteen": canteen.pk, "org": org.pk, "filing": filing.pk, "filed": filed.pk, "base": base.pk,
            "person": person.pk, "person_in_care": elder.pk, "attachment": attachment.pk,
            "visit_photo": photographed.pk, **_reporting(personas),
            "appeal": _appeal(personas).pk}


def _appeal(personas):
    from linli.appeals.services import appeal_create

    return appeal_create(actor=personas.village, channel="office", category="temporary",
                         description="家中失火", requester_name="李大姐",
                         region_code=OUR_VILLAGE, consent_basis="consent")


def _reporting(personas) -> dict:
    """城东区's target, hand-entered figure and report of a round that calls the counties."""
    from linli.core.indicators import Period
    from linli.reports import measures, rounds
    from linli.reports.models import ManualIndicator, Report

    target = measures.target_set(actor=personas.county, indicator="training_sessions",
                                 region_code=OUR_COUNTY, value=6, source="城东区年度计划")
    quarter = Period.quarter_before()
    value, _created = measures.manual_value_enter(
        actor=personas.county, indicator=ManualIndicator.objects.get(code="exemplary_cases"),
        region_code=OUR_COUNTY, period_start=quarter.start, period_end=quarter.end, value=2)
    opened = rounds.round_open(
        actor=personas.province_elderly, title="季度报告", period_start=quarter.start,
        period_end=quarter.end, deadline=timezone.localdate() + timedelta(days=10),
        report_counties=True, report_bureaus=False)
    report = Report.objects.get(round=opened, region_code=OUR_COUNTY)
    return {"target": target.pk, "manual_value": value.pk, "report": report.pk}


@pytest.mark.parametrize("name", sorted(SCOPED))
def test_it_shows_our_county_its_own_records(personas, as_user, ours, name):
    url, marker, _kind = SCOPED[name]
    response = as_user(personas.county).get(url.format(**ours), follow=True)
    assert response.status_code == 200
    if marker:
        assert marker in response.content.decode()


@pytest.mark.parametrize("name", sorted(SCOPED))
def test_it_gives_another_county_404_or_nothing(personas, as_user, ours, name):
    url, marker, kind = SCOPED[name]
    response = as_user(personas.other_county).get(url.format(**ours), follow=True)
    assert response.status_code == (404 if kind == DETAIL else 200)
    if marker:
        assert marker not in response.content.decode()


# --- writes that take a region ----------------------------------------------------------
# Another county's region — or the province, or another county, as 登记管理机关 — given on
# create or on edit is refused and changes nothing. A region typed as a value is public
# reference data, so the refusal names the field (422 from the API; the page form shown
# again with the error); the record being edited, if not yours, is still 404 (above).
# name → probe(client, ours) returning (response, whether nothing changed). Every API
# write whose body carries a region must have a probe (completeness test below).
REGION_PROBES = {}
SCOPE_MESSAGE = "应在您的辖区内"
IMPORT_SCOPE_MESSAGE = "不在您的辖区内"  # the importers' wording, for a file's default region
NEW_ORG = {"name": "北关社区银龄互助会", "kind": "community", "category": "life_service",
           "region_code": OUR_VILLAGE, "authority_region_code": OUR_TOWNSHIP,
           "leader_name": "马秀兰", "members_count": 12}
NEW_CHARITY = {**NEW_ORG, "name": "城东区助老协会", "kind": "social_group",
               "credit_code": "51630102MJ00000028", "authority_region_code": OUR_COUNTY}


def probe(name):
    def register_probe(function):
        REGION_PROBES[name] = function
        return function

    return register_probe


def _no_new_org():
    return not Organisation.objects.filter(name__in=[NEW_ORG["name"],
                                                     NEW_CHARITY["name"]]).exists()


def _org_where(pk):
    org = Organisation.objects.get(pk=pk)
    return org.region_code, org.authority_region_code, org.version


def _edit_form(org, **changes):
    data = {f: getattr(org, f) for f in ("name", "kind", "category", "credit_code",
                                         "leader_name", "members_count")}
    data.update({"region_code": org.region_code, "version": org.version, **changes})
    return data


@probe("orgs:create · 活动地域 in another county")
def _create_page_region(client, ours):
    data = {**NEW_ORG, "region_code": OTHER_VILLAGE}
    return client.post("/orgs/new/", data), _no_new_org()


@probe("orgs:create · 登记管理机关 another county")
def _create_page_authority(client, ours):
    return client.post("/orgs/new/", {**NEW_CHARITY, "authority_region_code": OTHER_COUNTY}), \
        _no_new_org()


@probe("orgs:create · 登记管理机关 the province")
def _create_page_province(client, ours):
    return client.post("/orgs/new/", {**NEW_CHARITY, "authority_region_code": "63"}), \
        _no_new_org()


@probe("api-1.0.0:create_organisation · 活动地域 in another county")
def _create_api_region(client, ours):
    response = client.post("/api/v1/orgs/", {**NEW_ORG, "region_code": OTHER_VILLAGE},
                           content_type="application/json")
    return response, _no_new_org()


@probe("api-1.0.0:create_organisation · 备案机关 in another county")
def _create_api_filing_body(client, ours):
    data = {**NEW_ORG, "region_code": OUR_VILLAGE, "authority_region_code": OTHER_TOWNSHIP}
    return client.post("/api/v1/orgs/", data, content_type="application/json"), _no_new_org()


@probe("api-1.0.0:create_organisation · 登记管理机关 the province")
def _create_api_province(client, ours):
    response = client.post("/api/v1/orgs/", {**NEW_CHARITY, "authority_region_code": "63"},
                           content_type="application/json")
    return response, _no_new_org()


@probe("orgs:edit · a registered organisation moved to another county")
def _edit_registered(client, ours):
    org = Organisation.objects.get(pk=ours["charity"])
    before = _org_where(org.pk)
    response = client.post(f"/orgs/{org.pk}/edit/", _edit_form(org, region_code=OTHER_VILLAGE))
    return response, _org_where(org.pk) == before


@probe("orgs:edit · a community organisation moved to another county")
def _edit_community(client, ours):
    org = Organisation.objects.get(pk=ours["org"])
    before = _org_where(org.pk)
    response = client.post(f"/orgs/{org.pk}/edit/", _edit_form(org, region_code=OTHER_VILLAGE))
    return response, _org_where(org.pk) == before


def _no_change_filing(pk):
    return not Filing.objects.filter(organisation_id=pk, kind=FilingKind.CHANGE).exists()


@probe("orgs:filing_create · 变更备案 into another county")
def _change_page(client, ours):
    response = client.post(f"/orgs/{ours['filed']}/filings/",
                           {"kind": "change", "region_code": OTHER_VILLAGE})
    return response, _no_change_filing(ours["filed"])


@probe("api-1.0.0:submit_filing · 变更备案 into another county")
def _change_api(client, ours):
    response = client.post("/api/v1/orgs/filings/", {
        "organisation_id": ours["filed"], "kind": "change",
        "changes": {"region_code": OTHER_VILLAGE}}, content_type="application/json")
    return response, _no_change_filing(ours["filed"])


@probe("api-1.0.0:transition_filing · resubmitted into another county")
def _resubmit_api(client, ours):
    org = Organisation.objects.get(pk=ours["filed"])
    reviewer = Filing.objects.filter(organisation=org).first().decided_by
    filing = services.filing_submit(actor=reviewer, organisation=org, kind=FilingKind.CHANGE,
                                    changes={"leader_name": "韩永福"})
    services.filing_transition(actor=reviewer, filing=filing, action="return", comment="补正")
    response = client.post(f"/api/v1/orgs/filings/{filing.pk}/resubmit",
                           {"changes": {"region_code": OTHER_VILLAGE}},
                           content_type="application/json")
    filing.refresh_from_db()
    return response, filing.changes == {"leader_name": "韩永福"} and filing.status == "returned"


@probe("orgs:incubation · a base in another county")
def _base_page(client, ours):
    response = client.post("/orgs/incubation/", {"name": "乐都区孵化基地",
                                                 "region_code": OTHER_COUNTY})
    return response, IncubationBase.objects.count() == 1


@probe("orgs:volunteer_create · a volunteer in another county")
def _volunteer_page(client, ours):
    response = client.post("/orgs/volunteers/new/", {"name": "韩麦", "region_code": OTHER_VILLAGE,
                                                     "role": "volunteer"})
    return response, not Volunteer.objects.filter(name="韩麦").exists()


@probe("people:create · a person in another county")
def _person_create(client, ours):
    from linli.people.models import Person
    from linli.people.tests.conftest import WOMAN

    response = client.post("/people/new/", {"name": "张秀英", "id_number": WOMAN,
                                            "region_code": OTHER_VILLAGE, "risk": "low"})
    return response, not Person.objects.filter(name="张秀英").exists()


@probe("people:edit · a person moved to another county")
def _person_edit(client, ours):
    from linli.people.models import Person

    person = Person.objects.get(pk=ours["person_in_care"])
    response = client.post(f"/people/{person.pk}/edit/", {
        "name": person.name, "region_code": OTHER_VILLAGE, "risk": person.risk,
        "version": person.version})
    after = Person.objects.get(pk=person.pk)
    return response, (after.region_code, after.version) == (person.region_code, person.version)


@probe("api-1.0.0:measures_add_target · a target for another county")
def _target_region(client, ours):
    from linli.reports.models import Target

    response = client.post("/api/v1/reports/targets", {
        "indicator": "training_sessions", "region_code": OTHER_COUNTY, "value": 4,
        "source": "县局年度计划"}, content_type="application/json")
    return response, not Target.objects.filter(region_code=OTHER_COUNTY).exists()


@probe("api-1.0.0:measures_enter_manual_value · a figure for another county")
def _manual_value_region(client, ours):
    from linli.reports.models import ManualValue

    response = client.post("/api/v1/reports/manual", {
        "indicator": "exemplary_cases", "region_code": OTHER_COUNTY,
        "period_start": "2026-01-01", "period_end": "2026-03-31", "value": 2},
        content_type="application/json")
    return response, not ManualValue.objects.filter(region__code=OTHER_COUNTY).exists()


@probe("api-1.0.0:create_appeal · an appeal in another county's village")
def _appeal_region(client, ours):
    from linli.appeals.models import Appeal

    response = client.post("/api/v1/appeals/", {
        "channel": "office", "category_code": "temporary", "description": "x",
        "requester_name": "王", "region_code": OTHER_VILLAGE}, content_type="application/json")
    return response, not Appeal.objects.filter(region_code=OTHER_VILLAGE).exists()


@probe("api-1.0.0:appeal_step · a referral to another county's office")
def _referral_region(client, ours):
    from linli.appeals.models import Appeal, Referral

    appeal = Appeal.objects.get(pk=ours["appeal"])
    client.post(f"/api/v1/appeals/{appeal.pk}/accept", {}, content_type="application/json")
    response = client.post(f"/api/v1/appeals/{appeal.pk}/refer", {
        "assistance": "temporary", "to_region_code": OTHER_COUNTY},
        content_type="application/json")
    return response, not Referral.objects.filter(appeal=appeal).exists()


@probe("api-1.0.0:choices · a checked roster's default region in another county")
def _import_choices_region(client, ours):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from openpyxl import Workbook

    from linli.core.models import ImportJob, ImportStatus

    book, content = Workbook(), io.BytesIO()
    book.active.append(["姓名", "人员类别"])
    book.active.append(["马福寿", "高龄"])
    book.save(content)
    job = client.post("/api/v1/imports/people/", {
        "file": SimpleUploadedFile("名册.xlsx", content.getvalue())}).json()
    response = client.post(f"/api/v1/imports/{job['id']}/choices",
                           {"options": {"region": OTHER_TOWNSHIP}},
                           content_type="application/json")
    after = ImportJob.objects.get(pk=job["id"])
    return response, (after.status, after.options) == (ImportStatus.PREVIEWED, {})


@pytest.fixture
def ours_with_charity(ours):
    charity = Organisation.objects.get(name="城东区慈善协会")
    return {**ours, "charity": charity.pk}


@pytest.mark.parametrize("name", sorted(REGION_PROBES))
def test_it_refuses_another_countys_region_on_create_and_edit(personas, as_user,
                                                              ours_with_charity, name):
    response, unchanged = REGION_PROBES[name](as_user(personas.county), ours_with_charity)
    assert unchanged, "the write went through"
    body = response.content.decode()
    if name.startswith("api-"):
        assert response.status_code == 422, body
        error = response.json()["error"]
        assert SCOPE_MESSAGE in error["message"] or IMPORT_SCOPE_MESSAGE in error["message"], body
        assert error["details"], body
    else:  # the form again, the reason on it (or the error page of a form-less POST)
        assert response.status_code in (200, 422), body
        assert SCOPE_MESSAGE in body


def _region_fields(schema, components, seen=()) -> bool:
    """Whether a request body schema has a field naming a region, at any depth."""
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        return name not in seen and _region_fields(components[name], components, (*seen, name))
    nested = [*schema.get("allOf", []), *schema.get("anyOf", []), *schema.get("oneOf", [])]
    nested += [v for k, v in schema.items() if k in ("items", "additionalProperties")
               and isinstance(v, dict)]
    for key, value in schema.get("properties", {}).items():
        if "region" in key:
            return True
        nested.append(value)
    return any(_region_fields(s, components, seen) for s in nested)


def test_it_probes_every_api_write_that_takes_a_region():
    document = api.get_openapi_schema()
    components = document.get("components", {}).get("schemas", {})
    writes = set()
    for operations in document["paths"].values():
        for method, operation in operations.items():
            body = operation.get("requestBody", {}).get("content", {})
            schema = body.get("application/json", {}).get("schema", {})
            if method in ("post", "put", "patch") and _region_fields(schema, components):
                writes.add("api-1.0.0:" + operation["operationId"].split("_api_", 1)[-1])
    probed = {name.split(" · ")[0] for name in REGION_PROBES}
    assert writes, "the walk found no region field at all: it is broken"
    assert writes <= probed, f"add a REGION_PROBES entry for: {writes - probed}"
