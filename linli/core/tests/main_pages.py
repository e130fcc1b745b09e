"""The main pages, with a record behind each, for the checks that walk them (page titles in
test_titles.py, accessibility in tests/browser/test_axe.py).

The records are written through the services as a clerk would: a person in care with a
visit and a service, an organisation, a volunteer, and a checked people roster of each
persona's own (an import job is its uploader's page).
"""

from datetime import timedelta

from django.utils import timezone

from conftest import OUR_VILLAGE

# {person}, {volunteer} and {job} are filled in by main_paths().
MAIN_PAGES = (
    "/", "/people/", "/people/{person}/", "/visits/", "/care/services/", "/orgs/",
    "/orgs/filings/", "/orgs/stations/", "/orgs/volunteers/", "/orgs/volunteers/{volunteer}/",
    "/accounts/me/", "/imports/people/", "/imports/job/{job}/",
)


def main_records(village, township, uploaders) -> dict:
    """Records for MAIN_PAGES; ``uploaders`` each check a roster of their own."""
    from linli.care import services as care
    from linli.core import importing
    from linli.orgs import support_services as support
    from linli.orgs.tests.conftest import filed
    from linli.people.tests.conftest import OLD_MAN, register
    from linli.people.tests.test_import import GOOD, _xlsx
    from linli.visits.seeds import ensure_policies
    from linli.visits.services import schedules_refresh, visit_record

    ensure_policies()
    elder = register(village, name="马福寿", id_number=OLD_MAN, address="北关街12号院",
                     groups=[{"code": "elderly_alone", "source": "村委会摸排"}])
    schedules_refresh([elder.pk])
    now = timezone.now()
    visit_record(actor=village, visit_id="7d4c1f9e-0000-4000-8000-0000000000a1",
                 person_id=elder.pk, visited_at=now - timedelta(days=3), mode="home",
                 outcome="attention", notes="冬季取暖煤不足", needs="送煤")
    org = filed(township, township, name="北关社区夕阳红志愿服务队")
    care.service_record(actor=village, person_id=elder.pk, kind="housekeeping",
                        served_at=now - timedelta(days=1), duration_minutes=90,
                        organisation_id=org.pk)
    volunteer = support.volunteer_create(actor=township, name="韩晓燕", region_code=OUR_VILLAGE,
                                         skills="陪伴聊天、理发", organisation_id=org.pk)
    jobs = {user.pk: importing.import_preview(actor=user, kind="people",
                                              filename="北关社区花名册.xlsx",
                                              content=_xlsx(GOOD)).pk
            for user in uploaders}
    return {"person": elder.pk, "volunteer": volunteer.pk, "jobs": jobs}


def main_paths(records: dict, user) -> list[str]:
    """MAIN_PAGES for one persona (the import job is the one they uploaded)."""
    values = {"person": records["person"], "volunteer": records["volunteer"],
              "job": records["jobs"][user.pk]}
    return [path.format(**values) for path in MAIN_PAGES]
