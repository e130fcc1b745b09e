"""List pages run a bounded number of queries: more rows, the same count."""

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from conftest import OUR_VILLAGE
from linli.care import services as care_services
from linli.orgs import services as org_services
from linli.orgs import support_services
from linli.orgs.models import FilingKind
from linli.orgs.tests.conftest import community
from linli.people.tests.conftest import register
from linli.visits import services as visit_services
from linli.visits.seeds import ensure_policies

pytestmark = pytest.mark.django_db


def _add_rows(personas, n: int, start: int) -> None:
    ensure_policies()
    for i in range(start, start + n):
        person = register(personas.village, name=f"对象{i}", id_number="", no_id_reason="未落户",
                          groups=[{"code": "elderly_alone"}])
        visit_services.schedules_refresh([person.pk])
        visit_services.visit_record(actor=personas.village, visit_id=uuid.uuid4(),
                                    person_id=person.pk, visited_at=timezone.now(),
                                    mode="home", outcome="normal")
        care_services.service_record(actor=personas.village, person_id=person.pk,
                                     kind="comfort", served_at=timezone.now(),
                                     duration_minutes=30)
        org = community(personas.township, name=f"北关社区互助小组{i}")
        org_services.filing_submit(actor=personas.township, organisation=org,
                                   kind=FilingKind.ESTABLISH)
        support_services.volunteer_create(actor=personas.township, name=f"志愿者{i}",
                                          region_code=OUR_VILLAGE, organisation_id=org.pk)


PAGES = ["visits:worklist", "care:services", "orgs:filings", "orgs:volunteers", "orgs:list",
         "people:list", "audit:log"]


@pytest.mark.parametrize("name", PAGES)
def test_list_pages_do_not_grow_with_rows(personas, as_user, name):
    user = personas.auditor if name == "audit:log" else personas.county
    url = reverse(name) + ("?tab=all" if name in ("orgs:filings", "visits:worklist") else "")

    def count() -> int:
        client = as_user(user)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    _add_rows(personas, 2, 0)
    few = count()
    _add_rows(personas, 5, 2)
    assert count() == few
