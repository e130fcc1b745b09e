"""Reads of minors and sensitive groups, through the API and on pages, are logged: one row
for a file opened, one row per list request (who, filter, count), never one per person."""

import pytest

from linli.accounts.services import api_token_create
from linli.audit.models import AccessLog, Action
from linli.people.tests.conftest import OLD_MAN, register

pytestmark = pytest.mark.django_db


@pytest.fixture
def bearer(personas):
    _token, raw = api_token_create(actor=personas.county, name="接口")
    return {"Authorization": f"Bearer {raw}"}


def _views():
    return AccessLog.objects.filter(action=Action.VIEW)


def test_it_logs_opening_a_minors_file_through_the_api(client, child, bearer):
    assert client.get(f"/api/v1/people/{child.pk}", headers=bearer).status_code == 200
    row = _views().get()
    assert (row.object_type, row.object_id, row.username) == ("people.person", str(child.pk),
                                                              "county")


def test_it_does_not_log_an_adult_outside_sensitive_groups(client, elder, bearer):
    assert client.get(f"/api/v1/people/{elder.pk}", headers=bearer).status_code == 200
    assert not _views().exists()
    assert client.get("/api/v1/people/", headers=bearer).json()["count"] == 1
    assert not _views().exists()


def test_it_logs_a_list_holding_minors_once_per_request(client, personas, child, bearer):
    register(personas.village, name="马福寿", id_number=OLD_MAN)
    answer = client.get("/api/v1/people/?q=才让", headers=bearer)
    assert answer.json()["count"] == 1
    client.get("/api/v1/people/", headers=bearer)
    rows = list(_views().order_by("id"))
    assert len(rows) == 2  # one per request, not one per person
    assert "q=%E6%89%8D%E8%AE%A9" in rows[0].reason and "1" in rows[0].object_repr
    assert "2 人" in rows[1].object_repr and rows[1].object_repr.startswith("/api/v1/people/")


def test_it_logs_a_visit_worklist_holding_minors(client, child, bearer):
    from linli.visits.seeds import ensure_policies
    from linli.visits.services import schedules_refresh

    ensure_policies()
    schedules_refresh([child.pk])
    answer = client.get("/api/v1/visits/worklist?kind=all", headers=bearer)
    assert answer.json()["count"] == 1
    assert _views().get().object_repr.startswith("/api/v1/visits/worklist")


def test_it_logs_the_people_list_page_holding_minors_once(personas, as_user, child):
    client = as_user(personas.county)
    assert "才让卓玛" in client.get("/people/").content.decode()
    assert _views().get().object_repr.startswith("/people/")
    client.get("/people/?q=马")  # nobody sensitive on this page
    assert _views().count() == 1


def test_it_logs_the_visit_worklist_page_holding_minors(personas, as_user, child):
    from linli.visits.seeds import ensure_policies
    from linli.visits.services import schedules_refresh

    ensure_policies()
    schedules_refresh([child.pk])
    assert "才让卓玛" in as_user(personas.county).get("/visits/?tab=all").content.decode()
    assert _views().get().object_repr.startswith("/visits/")
