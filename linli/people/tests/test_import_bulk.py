"""A roster is saved in bulk (COPY on PostgreSQL) and still writes what a one-by-one save
writes: history for every created or changed person and membership, the guardian, the
domains, the schedule — and identity numbers encrypted in batches that the same keys read
(issue 10)."""

import base64
import hashlib
import hmac
import os

import pytest
from cryptography.fernet import Fernet

from conftest import OUR_VILLAGE
from linli.core import importing
from linli.people import identity
from linli.people.models import Contact, GroupMembership, Person
from linli.people.tests.conftest import CHILD, OLD_MAN, WOMAN
from linli.people.tests.test_import import _preview, _xlsx
from linli.visits.models import Schedule
from linli.visits.seeds import ensure_policies

pytestmark = pytest.mark.django_db
ROWS = [
    ["马福寿", OLD_MAN, "男", "1948.1", "回", "13897000001", "东关大街", "北关社区", "", "独居老人、低保",
     "独居", "", ""],
    ["才让卓玛", CHILD, "女", "", "藏族", "", "", "北关社区", "", "留守儿童", "", "旦正", "13997000002"],
    ["无证老人", "", "男", "19450305", "汉", "", "", "北关社区", "", "高龄", "", "", ""],
]


def test_a_committed_roster_writes_history_groups_guardians_and_schedules(
        personas, django_capture_on_commit_callbacks):
    ensure_policies()
    with django_capture_on_commit_callbacks(execute=True):
        job = importing.import_commit(actor=personas.township,
                                      job=_preview(personas.township, _xlsx(ROWS)))
    assert job.created_count == 3
    for person in Person.objects.all():
        (created,) = person.history.all()
        assert (created.history_type, created.history_user, created.history_change_reason) == (
            "+", personas.township, "花名册导入")
        assert (created.name, created.region_code) == (person.name, OUR_VILLAGE)
        assert person.name_pinyin and person.domain_mask
        for membership in person.group_memberships.all():
            assert membership.history.get().history_type == "+"
            assert membership.source == "花名册导入"
    elder = Person.objects.get(name="马福寿")
    assert identity.decrypt(elder.id_encrypted) == OLD_MAN
    assert (elder.id_hash, elder.id_masked) == (identity.lookup_hash(OLD_MAN),
                                                identity.mask(OLD_MAN))
    assert elder.created_at and elder.updated_at and elder.status == "active" and elder.version == 1
    assert set(elder.group_memberships.values_list("group__code", flat=True)) == {
        "elderly_alone", "dibao"}
    guardian = Contact.objects.get()
    assert (guardian.person.name, guardian.name, guardian.phone, guardian.is_guardian) == (
        "才让卓玛", "旦正", "13997000002", True)
    assert Schedule.objects.filter(person__in=Person.objects.all()).count() == 3
    assert not Person.objects.get(name="无证老人").id_encrypted


def test_a_reimport_that_changes_a_person_writes_an_update_to_history(personas):
    importing.import_commit(actor=personas.township, job=_preview(personas.township, _xlsx(ROWS)))
    changed = [[*ROWS[0][:5], "13897000009", *ROWS[0][6:]], ROWS[1], ROWS[2]]
    job = importing.import_commit(actor=personas.township,
                                  job=_preview(personas.township, _xlsx(changed)))
    assert (job.created_count, job.updated_count, job.unchanged_count) == (0, 1, 2)
    elder = Person.objects.get(name="马福寿")
    assert elder.phone == "13897000009" and elder.version == 2
    assert list(elder.history.values_list("history_type", flat=True)) == ["~", "+"]
    assert GroupMembership.objects.filter(person=elder).count() == 2


def test_a_corrected_name_is_saved_with_its_pinyin_and_the_rest_left_alone(personas):
    importing.import_commit(actor=personas.township, job=_preview(personas.township, _xlsx(ROWS)))
    before = {p.name: (p.version, p.updated_at) for p in Person.objects.all()}
    corrected = [["马永寿", *ROWS[0][1:]], ROWS[1], ROWS[2]]
    job = importing.import_commit(actor=personas.township,
                                  job=_preview(personas.township, _xlsx(corrected)))
    assert (job.created_count, job.updated_count, job.unchanged_count) == (0, 1, 2)
    elder = Person.objects.get(id_hash=identity.lookup_hash(OLD_MAN))
    assert (elder.name, elder.name_pinyin, elder.name_initials, elder.version) == (
        "马永寿", "mayongshou", "mys", 2)
    assert elder.history.first().name == "马永寿"
    for person in Person.objects.exclude(pk=elder.pk):
        assert (person.version, person.updated_at) == before[person.name]


def test_a_chunk_is_saved_whole_or_not_at_all(personas, monkeypatch):
    """A failure while a chunk is written leaves none of its people half saved."""
    from linli.people import bulk

    real = bulk.insert

    def failing(model, rows, **kwargs):
        if model is GroupMembership:
            raise RuntimeError("the disk is full")
        return real(model, rows, **kwargs)

    monkeypatch.setattr(bulk, "insert", failing)
    job = _preview(personas.township, _xlsx(ROWS))
    with pytest.raises(RuntimeError):
        importing.import_commit(actor=personas.township, job=job)
    assert not Person.objects.exists()


def test_numbers_encrypted_in_a_batch_are_the_tokens_fernet_makes_with_the_same_key(
        monkeypatch, settings):
    numbers = [OLD_MAN, WOMAN, "11010519491231002X"]
    iv = bytes(range(16))
    monkeypatch.setattr(os, "urandom", lambda n: iv * (n // 16))
    monkeypatch.setattr(identity.time, "time", lambda: 1_700_000_000)
    key = hmac.new(settings.LINLI_DATA_KEY, b"linli:id-number:encrypt", hashlib.sha256).digest()
    fernet = Fernet(base64.urlsafe_b64encode(key))
    assert identity.encrypt_many(numbers) == [
        fernet.encrypt_at_time(n.encode(), 1_700_000_000).decode() for n in numbers]
    monkeypatch.undo()
    tokens = identity.encrypt_many(numbers)
    assert len(set(tokens)) == 3 and [identity.decrypt(t) for t in tokens] == numbers
    assert identity.encrypt_many([]) == []


def test_a_chunk_of_numbers_is_looked_up_at_once_and_a_blank_one_matches_nobody(personas):
    """check_batch and the commit find registered people by a chunk's keyed hashes (one
    array on PostgreSQL), never the people without a number."""
    from linli.people import bulk
    from linli.people.tests.conftest import register

    woman = register(personas.village, name="张秀英", id_number=WOMAN)
    register(personas.village, name="无证老人", id_number="", no_id_reason="未办理")
    hashes = {woman.id_hash, "", identity.lookup_hash(OLD_MAN)}
    assert bulk.values_where(Person, "id_hash", hashes, ["id_hash", "region_code"]) == [
        (woman.id_hash, OUR_VILLAGE)]
    assert bulk.values_where(Person, "id_hash", [woman.id_hash], ["id", "name", "version"]) == [
        (woman.pk, "张秀英", 1)]
    assert bulk.values_where(Person, "id_hash", set(), ["id_hash"]) == []
    assert bulk.values_where(Person, "id_hash", [""], ["id"]) == []


def test_a_table_with_a_column_binary_copy_does_not_take_is_copied_as_text(
        personas, monkeypatch):
    """COPY goes in the binary format for the column types it knows, else as text: both
    write the same people."""
    from django.db import connection

    from linli.core import pgcopy

    if connection.vendor != "postgresql":
        pytest.skip("COPY is PostgreSQL's")
    monkeypatch.setattr(pgcopy, "BINARY_TYPES", frozenset({"bigint"}))
    job = importing.import_commit(actor=personas.township,
                                  job=_preview(personas.township, _xlsx(ROWS)))
    assert job.created_count == 3
    elder = Person.objects.get(name="马福寿")
    assert identity.decrypt(elder.id_encrypted) == OLD_MAN
    assert (str(elder.birth_date), elder.sex, elder.version, elder.status) == (
        "1948-01-01", "M", 1, "active")
    assert elder.history.get().history_type == "+"
    assert Contact.objects.get().is_guardian
