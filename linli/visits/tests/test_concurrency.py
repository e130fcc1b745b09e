"""Exactly once under real concurrency: the same visit sent at the same moment from
several connections (a double tap and retries racing each other) is one visit."""

import threading
import uuid

import pytest
from django.db import connection, connections
from django.utils import timezone

from linli.people.tests.conftest import OLD_MAN, register
from linli.visits import services
from linli.visits.models import Schedule, Visit
from linli.visits.seeds import ensure_policies

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="concurrent writers need PostgreSQL (SQLite serialises them)"),
]


def test_a_visit_sent_eight_times_at_once_is_recorded_once(regions, personas):
    ensure_policies()
    elder = register(personas.village, name="马福寿", id_number=OLD_MAN,
                     groups=[{"code": "elderly_alone"}])
    services.schedules_refresh([elder.pk])
    visit_id, results, errors = uuid.uuid4(), [], []
    start = threading.Barrier(8)

    def send():
        try:
            start.wait()
            results.append(services.visit_record(
                actor=personas.village, visit_id=visit_id, person_id=elder.pk,
                visited_at=timezone.now(), mode="home", outcome="normal",
                duration_minutes=30)[1])
        except Exception as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert sorted(results) == [False] * 7 + [True]
    assert Visit.objects.filter(pk=visit_id).count() == 1 == Visit.objects.count()
    assert Schedule.objects.get(person=elder).last_visit_on == timezone.localdate()
