"""How a refresh writes the schedules (issue 10: a 100,000-row import refreshes 100,000 of
them): computed as rows, not model instances; on PostgreSQL written by one upsert from
arrays per chunk, elsewhere by the ORM's bulk_create — and both write the same rows."""

import uuid
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from conftest import make_user
from linli.accounts.roles import Role
from linli.people.models import Person, PersonStatus
from linli.people.tests.conftest import CHILD, OLD_MAN, WOMAN, register
from linli.visits import services
from linli.visits.models import Schedule, Tightening
from linli.visits.seeds import ensure_policies

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(personas) -> list[int]:
    """People whose schedules differ in every way a refresh can: a plain and a high-risk
    elder, a child, someone no policy covers and a closed person."""
    ensure_policies()
    made = [register(personas.village, name="马福寿", id_number=OLD_MAN,
                     groups=[{"code": "elderly_alone"}]),
            register(personas.village, name="张秀英", id_number=WOMAN, risk="high",
                     groups=[{"code": "elderly_alone"}]),
            register(personas.village, name="才让卓玛", id_number=CHILD,
                     groups=[{"code": "left_behind_child"}]),
            register(personas.village, name="韩麦", id_number="", no_id_reason="未落户",
                     groups=[{"code": "migrant_worker"}]),
            register(personas.village, name="李桂兰", id_number="", no_id_reason="未落户",
                     groups=[{"code": "elderly_alone"}])]
    Person.objects.filter(pk=made[-1].pk).update(status=PersonStatus.CLOSED)
    return [p.pk for p in made]


def _stored() -> list[tuple]:
    return sorted(Schedule.objects.values_list(*services._SCHEDULE_ROW))


def _refreshes(personas, ids: list[int]) -> list[list[tuple]]:
    """The schedules after each of three refreshes — new, tightened, then after a visit
    and a person closed — undone afterwards, so that another writer can do the same."""
    elder, risky, child = ids[:3]
    today = timezone.localdate()
    seen = []
    with transaction.atomic():
        Schedule.objects.all().delete()
        services.schedules_refresh(ids)
        seen.append(_stored())
        Tightening.objects.create(reason="寒潮", starts_on=today, ends_on=today,
                                  created_by=make_user("sheng", Role.PROVINCE_BUREAU, "63"))
        services.schedules_refresh(ids)
        seen.append(_stored())
        services.visit_record(actor=personas.village, visit_id=uuid.uuid4(), person_id=risky,
                              visited_at=timezone.now() - timedelta(days=2), mode="home",
                              outcome="normal")
        Person.objects.filter(pk=child).update(status=PersonStatus.CLOSED)
        services.schedules_refresh([elder, risky, child])
        seen.append(_stored())
        transaction.set_rollback(True)
    return seen


def test_it_computes_each_kind_of_schedule(personas, people):
    new, tightened, later = _refreshes(personas, people)
    elder, risky, child = people[:3]
    today = timezone.localdate()
    assert [(row[0], row[3], row[5]) for row in new] == [
        (elder, 30, today + timedelta(days=30)), (risky, 7, today + timedelta(days=7)),
        (child, 30, today + timedelta(days=30))]
    assert [row[3] for row in tightened] == [7, 3, 14]
    visited = today - timedelta(days=2)
    assert [(row[0], row[4], row[5]) for row in later] == [
        (elder, None, today + timedelta(days=7)), (risky, visited, visited + timedelta(days=3))]


@pytest.mark.skipif(connection.vendor != "postgresql",
                    reason="the upsert from arrays is PostgreSQL's; elsewhere the ORM writes")
def test_the_upsert_and_the_orm_write_the_same_rows(personas, people, monkeypatch):
    fast = _refreshes(personas, people)
    monkeypatch.setattr(services, "_schedules_upsert", services._schedules_bulk_create)
    assert _refreshes(personas, people) == fast
    assert len(fast[0]) == 3


def test_a_chunk_is_written_in_one_statement(people):
    with CaptureQueriesContext(connection) as queries:
        assert services.schedules_refresh(people) == 3
    writes = [q["sql"] for q in queries if q["sql"].startswith(("INSERT", "UPDATE"))]
    assert len(writes) == 1
