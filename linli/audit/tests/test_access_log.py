from datetime import timedelta

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from linli.audit.models import AccessLog, Action
from linli.audit.services import access_log_record
from linli.core.errors import Forbidden

pytestmark = pytest.mark.django_db


def test_it_records_who_when_what_and_why(personas, rf):
    request = rf.get("/", REMOTE_ADDR="10.1.2.3")
    membership = personas.village.memberships.get()  # any record that carries region_code
    log = access_log_record(actor=personas.county, action=Action.REVEAL, obj=membership,
                            reason="核对低保申请", request=request)
    assert (log.user, log.username, log.object_type, log.object_id) == (
        personas.county, "county", "accounts.membership", str(membership.pk))
    assert (log.region_code, log.reason, log.ip) == ("630102001001", "核对低保申请", "10.1.2.3")
    assert timezone.now() - log.at < timedelta(seconds=5)


def test_it_refuses_edits_and_deletes_through_the_application(personas):
    log = access_log_record(actor=personas.county, action=Action.VIEW, reason="x")
    log.reason = "changed"
    with pytest.raises(Forbidden):
        log.save()
    with pytest.raises(Forbidden):
        log.delete()
    with pytest.raises(Forbidden):
        AccessLog.objects.filter(pk=log.pk).update(reason="changed")
    with pytest.raises(Forbidden):
        AccessLog.objects.all().delete()
    assert AccessLog.objects.get(pk=log.pk).reason == "x"


def test_it_refuses_an_update_in_the_database_itself(personas):
    log = access_log_record(actor=personas.county, action=Action.VIEW, reason="x")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_accesslog SET reason = 'forged' WHERE id = %s", [log.pk])
    assert AccessLog.objects.get(pk=log.pk).reason == "x"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row DELETE trigger is PostgreSQL's")
def test_it_refuses_a_delete_in_the_database_itself(personas):
    log = access_log_record(actor=personas.county, action=Action.VIEW, reason="x")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_accesslog WHERE id = %s", [log.pk])
    assert AccessLog.objects.filter(pk=log.pk).exists()


@pytest.mark.parametrize("persona", ["admin", "auditor"])
def test_it_shows_the_log_to_administrators_and_auditors(personas, as_user, persona):
    access_log_record(actor=personas.county, action=Action.EXPORT, reason="月报导出")
    body = as_user(getattr(personas, persona)).get(reverse("audit:log")).content.decode()
    assert "月报导出" in body and "county" in body


@pytest.mark.parametrize("persona", ["county", "other_county", "province", "township",
                                     "outsider"])
def test_it_hides_the_log_from_everyone_else(personas, as_user, persona):
    assert as_user(getattr(personas, persona)).get(reverse("audit:log")).status_code == 404


def test_it_filters_by_user_record_and_time(personas, as_user):
    access_log_record(actor=personas.county, action=Action.REVEAL, object_type="people.person",
                      object_id="77", object_repr="张秀英", reason="入户核查")
    access_log_record(actor=personas.township, action=Action.EXPORT, reason="导出名单")
    client = as_user(personas.auditor)
    by_user = client.get(reverse("audit:log"), {"username": "township"}).content.decode()
    assert "导出名单" in by_user and "入户核查" not in by_user
    by_record = client.get(reverse("audit:log"), {"record": "77"}).content.decode()
    assert "入户核查" in by_record and "导出名单" not in by_record
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    later = client.get(reverse("audit:log"), {"since": tomorrow}).content.decode()
    assert "入户核查" not in later and "没有符合条件的记录" in later
