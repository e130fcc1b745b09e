"""The rows a preview checked are kept (sealed, beside the file) and committed as they were
checked, without reading the file again (issue 10: the commit of a 100,000-row roster); the
database checks run again, and a row whose place or group is no longer the actor's is
refused. Committing kept rows saves what committing the file read again saves."""

import json

import pytest
from django.db import transaction

from conftest import OTHER_TOWNSHIP, OTHER_VILLAGE
from linli.accounts.models import Membership
from linli.core import crypto, import_kept, importing
from linli.core.models import ImportJob
from linli.people.importers import PeopleImporter
from linli.people.models import Contact, GroupMembership, Person
from linli.people.tests.conftest import OLD_MAN, register
from linli.people.tests.test_import import GOOD, _preview, _xlsx
from linli.regions.models import Region

pytestmark = pytest.mark.django_db
BAD = ["错号老人", "632301194801010011", "男", "", "汉", "", "", "北关社区", "", "高龄", "", "", ""]
MISMATCH = ["晚报老人", "632301194501010013", "男", "1950.3", "汉", "", "", "北关社区", "", "高龄",
            "", "", ""]  # a warning: the typed birth date is not the number's
ROWS = [*GOOD, BAD, MISMATCH]


def _stored(job) -> bytes:
    return bytes(ImportJob.objects.values_list("content", flat=True).get(pk=job.pk))


def _saved() -> list:
    people = Person.objects.order_by("name").values_list(
        "name", "region_code", "birth_date", "sex", "id_hash", "id_masked", "phone", "address",
        "ethnicity", "living", "domain_mask", "no_id_reason", "name_pinyin", "name_initials")
    groups = GroupMembership.objects.order_by("person__name", "group__code").values_list(
        "person__name", "group__code", "criterion", "source")
    contacts = Contact.objects.order_by("person__name").values_list("person__name", "name",
                                                                     "phone", "is_guardian")
    return [list(people), list(groups), list(contacts)]


def _committed(actor, rows, *, between=lambda job: None) -> tuple:
    """What a preview and its commit save and count, undone afterwards."""
    with transaction.atomic():
        job = _preview(actor, _xlsx(rows))
        between(job)
        job = importing.import_commit(actor=actor, job=job)
        result = ((job.created_count, job.updated_count, job.unchanged_count),
                  (job.error_rows, job.errors, job.error_counts),
                  (job.warning_rows, job.warnings, job.warning_counts), _saved())
        transaction.set_rollback(True)
    return result


def _unread(monkeypatch):
    def read(*args, **kwargs):
        raise AssertionError("the file was read again")

    monkeypatch.setattr(importing, "_rows", read)


def test_it_commits_the_rows_kept_from_the_preview_as_a_commit_reading_the_file_would(
        personas, monkeypatch):
    kept = _committed(personas.township, ROWS, between=lambda job: _unread(monkeypatch))
    monkeypatch.undo()
    monkeypatch.setattr(import_kept, "KEPT_BYTES", 0)  # nothing kept: the file is read again
    assert _committed(personas.township, ROWS) == kept
    (counts, (error_rows, errors, _), (warning_rows, warnings, _), saved) = kept
    assert counts == (5, 0, 0) and len(saved[0]) == 5
    assert (error_rows, warning_rows) == (1, 1)
    assert errors[0]["values"][:2] == ["错号老人", "632301********0011"]
    assert "出生日期与身份证号不一致" in warnings[0]["reason"]


def test_the_kept_rows_are_sealed_beside_the_file_and_go_with_it(personas):
    job = _preview(personas.township, _xlsx(ROWS))
    stored = _stored(job)
    sealed_file, sealed_rows = stored.split(b"\n")
    assert crypto.is_sealed(sealed_file) and crypto.is_sealed(sealed_rows)
    assert OLD_MAN.encode() not in stored and "马福寿".encode() not in stored
    (chunk,) = import_kept.kept_chunks(stored, PeopleImporter.packing)
    assert [row[1] for row in chunk] == [4, 5, 6, 7, 9]  # the good rows, by row number
    importing.import_commit(actor=personas.township, job=job)
    assert _stored(job) == b""


def test_a_packed_row_comes_back_as_it_was_checked(personas):
    importer = importing.importer_for(actor=personas.township, kind="people")
    rows = [row for chunk in importing._checked(importer, _xlsx(ROWS)) for row in chunk]
    cleaned = [row.cleaned for row in rows if not row.errors]
    assert len(cleaned) == 5 and any(row.guardian for row in cleaned)
    assert any(row.warnings for row in cleaned) and any(not row.id_value for row in cleaned)
    back = [importer.unpack(json.loads(json.dumps(importer.pack(row)))) for row in cleaned]
    assert back == cleaned


def test_a_row_whose_village_has_left_the_actors_scope_is_refused_at_the_commit(personas,
                                                                                monkeypatch):
    job = _preview(personas.township, _xlsx(GOOD[:1]))
    Membership.objects.filter(user=personas.township).update(
        region=Region.objects.get(code=OTHER_TOWNSHIP), region_code=OTHER_TOWNSHIP)
    _unread(monkeypatch)
    job = importing.import_commit(actor=personas.township, job=job)
    assert (job.created_count, job.error_rows) == (0, 1)
    assert "不在您的辖区内" in job.errors[0]["reason"]


def test_a_number_registered_elsewhere_since_the_preview_is_refused_beside_its_errors(
        personas):
    job = _preview(personas.township, _xlsx([GOOD[0], BAD]))
    register(personas.other_county, name="马福寿", id_number=OLD_MAN, village=OTHER_VILLAGE)
    job = importing.import_commit(actor=personas.township, job=job)
    assert (job.created_count, job.error_rows) == (0, 2)
    assert [error["row"] for error in job.errors] == [5, 4]  # the preview's, then the commit's
    assert sum(job.error_counts.values()) == 2


def test_rows_packed_by_other_code_are_not_read_the_file_is(personas, monkeypatch):
    job = _preview(personas.township, _xlsx(GOOD))
    monkeypatch.setattr(PeopleImporter, "packing", "people-0")
    read = []
    rows = importing._rows
    monkeypatch.setattr(importing, "_rows", lambda *args, **kw: read.append(1) or rows(*args,
                                                                                       **kw))
    job = importing.import_commit(actor=personas.township, job=job)
    assert job.created_count == 4 and read == [1]
