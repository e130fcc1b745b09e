"""On PostgreSQL a roster of several chunks is saved by several connections at once
(``core.import_writers``): it saves what saving the chunks in turn saves, with history and
schedules, counts the same, and a chunk that fails fails the job without hanging it or
leaving connections open. (Transactional tests: the writers' connections must see the rows
the test made.)"""

import pytest
from django.db import connection

from linli.core import import_writers, importing
from linli.core.models import ImportStatus
from linli.people.models import GroupMembership, Person
from linli.people.tests.test_import import _preview, _xlsx
from linli.visits.models import Schedule
from linli.visits.seeds import ensure_policies

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="several connections at once: PostgreSQL's (SQLite's tests hold one)"),
]
ROWS = [[f"对象{i}", "", "男", f"1950.{i % 12 + 1}", "汉", "", "", "北关社区", "",
         "独居老人" if i % 3 else "低保", "", "", ""] for i in range(40)]


@pytest.fixture
def small_chunks(monkeypatch):
    monkeypatch.setattr(importing, "CHUNK", 4)  # 40 rows: ten chunks


def _backends() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()")
        return cursor.fetchone()[0]


def test_it_saves_a_roster_at_once_as_it_would_in_turn(regions, personas, small_chunks,
                                                       monkeypatch):
    ensure_policies()
    saving, at_once = [], import_writers._at_once
    monkeypatch.setattr(import_writers, "_at_once",
                        lambda *args: saving.append(1) or at_once(*args))
    job = importing.import_commit(actor=personas.township,
                                  job=_preview(personas.township, _xlsx(ROWS)))
    assert saving == [1]
    assert (job.status, job.created_count, job.processed_rows) == (ImportStatus.COMMITTED, 40, 40)
    people = Person.objects.filter(name__startswith="对象")
    assert people.count() == 40
    assert GroupMembership.objects.filter(person__in=people).count() == 40
    # 独居老人 are visited, 低保 alone are not
    assert Schedule.objects.filter(person__in=people).count() == 26
    assert all(p.history.count() == 1 for p in people)
    monkeypatch.setattr(importing, "_at_once", lambda job: False)  # in turn, the same file
    again = importing.import_commit(actor=personas.township,
                                    job=_preview(personas.township, _xlsx(ROWS)))
    assert (again.created_count, again.unchanged_count) == (0, 40)


def test_a_chunk_that_fails_fails_the_job_and_closes_the_writers(regions, personas,
                                                                 small_chunks, monkeypatch):
    before = _backends()
    saved = importing._saved

    def failing(importer, chunk):
        if chunk[0].cleaned.fields["name"] == "对象12":
            raise RuntimeError("the disk is full")
        return saved(importer, chunk)

    monkeypatch.setattr(importing, "_saved", failing)
    job = _preview(personas.township, _xlsx(ROWS))
    with pytest.raises(RuntimeError):
        importing.import_commit(actor=personas.township, job=job)
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED and bytes(job.content) == b""
    assert 12 <= Person.objects.filter(name__startswith="对象").count() < 40
    assert _backends() == before
