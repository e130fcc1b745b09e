"""Every page and endpoint is either proven scoped here or exempted with a reason.

When an app adds a URL, the completeness test fails until the URL is listed: scoped
URLs get the "another county's user gets 404 / sees nothing" check for free.
"""

from datetime import timedelta

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from conftest import OUR_COUNTY, OUR_TOWNSHIP, OUR_VILLAGE
from linli.care import services as care_services
from linli.orgs import services, support_services
from linli.orgs.models import FilingKind, IncubationBase
from linli.orgs.tests.conftest import community
from linli.people.tests.conftest import OLD_MAN, register
from linli.visits.seeds import ensure_policies
from linli.visits.services import schedules_refresh

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
    "api-1.0.0:get_region": (f"/api/v1/regions/{OUR_COUNTY}", OUR_COUNTY, DETAIL),
    "api-1.0.0:list_regions": ("/api/v1/regions/?q=东关", OUR_TOWNSHIP, LIST),
    "orgs:list": ("/orgs/", ORG, LIST),
    "orgs:options": ("/orgs/options/?q=北关", ORG, LIST),
    "orgs:detail": ("/orgs/{org}/", ORG, DETAIL),
    "orgs:edit": ("/orgs/{org}/edit/", ORG, DETAIL),
    "orgs:certificate": ("/orgs/{filed}/certificate.docx", "", DETAIL),  # a binary .docx
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
    "visits:rate": (f"/visits/rate/?region={OUR_COUNTY}", "城东区", DETAIL),
    "api-1.0.0:worklist": ("/api/v1/visits/worklist?kind=all", "马福寿", LIST),
    "api-1.0.0:visit_rate": (f"/api/v1/visits/rate?region={OUR_COUNTY}", OUR_COUNTY, DETAIL),
    "care:services": ("/care/services/", "马福寿", LIST),
    "care:canteens": ("/care/canteens/", "北关社区老年幸福食堂", LIST),
    "care:canteen": ("/care/canteens/{canteen}/", "北关社区老年幸福食堂", DETAIL),
    "care:facilities": ("/care/facilities/", "北关社区日间照料中心", LIST),
    "care:circle": (f"/care/circle/?region={OUR_COUNTY}", "城东区", DETAIL),
    "api-1.0.0:service_circle": (f"/api/v1/care/circle?region={OUR_COUNTY}", OUR_COUNTY, DETAIL),
}
# Writes answer 404 to another county too (tested beside each write in its app's tests).
WRITES = {
    "orgs:create": "needs EDIT; the region is checked by organisation_create (tested)",
    "orgs:status": "REVIEW over the filing body (tested through organisation_set_status)",
    "orgs:filing_create": "another county gets 404 (orgs/tests/test_pages.py)",
    "orgs:filing_action": "another county gets 404; only the filing body reviews (tested)",
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
    "visits:policies": "province-wide policy list, no personal data",
    "visits:policy_create": "province reviewers only (tested: a county's user gets 404)",
    "visits:policy_edit": "province reviewers only (tested: a county's user gets 404)",
    "visits:notifications": "the user's own notifications",
    "visits:notification_read": "the user's own notifications",
}
# name → why it needs no region check
EXEMPT = {
    "accounts:login": "sign-in", "accounts:verify": "sign-in, second step",
    "accounts:logout": "sign-out", "accounts:profile": "the user's own account",
    "accounts:password_change": "the user's own account",
    "accounts:second_factor": "the user's own account",
    "accounts:token_create": "the user's own tokens",
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
    "set_language": "language switch",
}
OWN_APPS = ("core", "regions", "accounts", "audit", "orgs", "people", "visits", "care",
            "api-1.0.0")


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
def ours(personas):
    """One record of every kind in 城东区."""
    org = community(personas.township, name=ORG)
    filing = services.filing_submit(actor=personas.township, organisation=org,
                                    kind=FilingKind.ESTABLISH)
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
    care_services.service_record(actor=personas.village, person_id=elder.pk, kind="comfort",
                                 served_at=timezone.now(), duration_minutes=30)
    canteen = care_services.canteen_create(actor=personas.county, name="北关社区老年幸福食堂",
                                           kind="happy", region_code=OUR_VILLAGE)
    care_services.facility_create(actor=personas.county, name="北关社区日间照料中心",
                                  level="village", kind="日间照料中心", region_code=OUR_VILLAGE,
                                  latitude="36.62", longitude="101.78")
    return {"canteen": canteen.pk, "org": org.pk, "filing": filing.pk, "filed": filed.pk, "base": base.pk,
            "person": person.pk, "person_in_care": elder.pk}


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
