import uuid
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from conftest import OUR_TOWNSHIP, OUR_VILLAGE, make_user
from linli.accounts.roles import Role
from linli.core.errors import Conflict, NotFound
from linli.core.models import Notification
from linli.people import services as people_services
from linli.people.models import Group
from linli.people.tests.conftest import CHILD, OLD_MAN, register
from linli.visits import selectors, services, sms
from linli.visits.models import Schedule, Tightening, Visit, VisitPolicy
from linli.visits.seeds import ensure_policies

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def policies(db, settings):
    settings.LINLI_SMS_BACKEND = "linli.visits.sms.MemoryBackend"
    sms.MemoryBackend.outbox.clear()
    ensure_policies()


@pytest.fixture
def elder(personas, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return register(personas.village, name="马福寿", id_number=OLD_MAN,
                        groups=[{"code": "elderly_alone"}])


def _visit(actor, person, *, outcome="normal", days_ago=0, visit_id=None, **extra):
    return services.visit_record(
        actor=actor, visit_id=visit_id or uuid.uuid4(), person_id=person.pk,
        visited_at=timezone.now() - timedelta(days=days_ago), mode="home", outcome=outcome,
        **extra)


def test_it_schedules_monthly_visits_for_special_elderly(elder):
    schedule = Schedule.objects.get(person=elder)
    assert schedule.interval_days == 30 and schedule.last_visit_on is None
    assert schedule.next_due == timezone.localdate() + timedelta(days=30)


def test_it_uses_the_tighter_policy_for_high_risk(personas, elder,
                                                  django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        people_services.person_update(actor=personas.village, person=elder,
                                      version=elder.version, risk="high")
    assert Schedule.objects.get(person=elder).interval_days == 7


def test_it_has_no_schedule_without_a_policy(personas, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        worker = register(personas.village, name="韩麦", groups=[{"code": "migrant_worker"}])
    assert not Schedule.objects.filter(person=worker).exists()


def test_it_records_a_visit_once_and_moves_the_due_date(personas, elder):
    visit_id = uuid.uuid4()
    visit, created = _visit(personas.village, elder, visit_id=visit_id, days_ago=2)
    again, created_again = _visit(personas.village, elder, visit_id=visit_id, days_ago=2)
    assert created and not created_again and again.pk == visit.pk
    assert Visit.objects.count() == 1
    schedule = Schedule.objects.get(person=elder)
    assert schedule.last_visit_on == timezone.localdate() - timedelta(days=2)
    assert schedule.next_due == schedule.last_visit_on + timedelta(days=30)
    _visit(personas.village, elder, days_ago=9, offline=True)  # synced late: older
    assert Schedule.objects.get(person=elder).next_due == schedule.next_due


def test_it_refuses_a_reused_id_for_someone_else(personas, elder):
    visit_id = uuid.uuid4()
    _visit(personas.village, elder, visit_id=visit_id)
    other = register(personas.village, name="张秀英", id_number="", no_id_reason="未落户")
    with pytest.raises(Conflict):
        _visit(personas.village, other, visit_id=visit_id)


def test_it_refuses_visits_outside_the_scope(personas, elder):
    with pytest.raises(NotFound):
        _visit(personas.other_county, elder)


def test_an_urgent_outcome_notifies_township_and_organisation(personas, elder,
                                                              django_capture_on_commit_callbacks):
    from linli.orgs.tests.conftest import community

    org = community(personas.township)
    staff = make_user("staff", Role.ORG_STAFF, OUR_VILLAGE, phone="13800000001")
    staff.memberships.update(organisation=org)
    elder.organisation = org
    elder.save()
    personas.township.phone = "13800000002"
    personas.township.save()
    with django_capture_on_commit_callbacks(execute=True):
        _visit(personas.village, elder, outcome="urgent", notes="老人摔倒,无法起身")
    notified = set(Notification.objects.filter(urgent=True).values_list("user__username",
                                                                        flat=True))
    assert notified == {"township", "staff"}
    assert {phone for phone, _ in sms.MemoryBackend.outbox} == {"13800000001", "13800000002"}


def test_it_lists_overdue_due_this_week_and_never_visited(personas, elder):
    Schedule.objects.filter(person=elder).update(next_due=timezone.localdate() - timedelta(5))
    assert list(selectors.worklist(actor=personas.county, kind="overdue")) == [
        Schedule.objects.get(person=elder)]
    assert selectors.worklist(actor=personas.county, kind="never").count() == 1
    assert not selectors.worklist(actor=personas.other_county, kind="overdue").exists()
    assert not selectors.worklist(actor=personas.province_elderly, kind="week").exists()


def test_it_keeps_childrens_schedules_from_the_elderly_bureau(personas,
                                                               django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        register(personas.village, name="才让卓玛", id_number=CHILD,
                 groups=[{"code": "left_behind_child"}])
    assert selectors.worklist(actor=personas.county, kind="all").count() == 1
    assert selectors.worklist(actor=personas.province_elderly, kind="all").count() == 0


def test_it_computes_the_monthly_visit_rate(personas, elder,
                                            django_capture_on_commit_callbacks):
    from linli.regions.models import Region

    with django_capture_on_commit_callbacks(execute=True):
        register(personas.village, name="张秀英", id_number="", no_id_reason="未落户",
                 groups=[{"code": "elderly_empty_nest"}])
    _visit(personas.village, elder)
    county = Region.objects.get(code="630102")
    rows = selectors.visit_rate(actor=personas.county, region=county)
    assert (rows[0].due, rows[0].visited, rows[0].rate) == (2, 1, 0.5)
    township = next(r for r in rows if r.region.code == OUR_TOWNSHIP)
    assert (township.due, township.visited) == (2, 1)


def test_tightening_shortens_every_interval(personas, elder, django_capture_on_commit_callbacks):
    province_staff = make_user("sheng", Role.PROVINCE_BUREAU, "63", "elderly_services")
    today = timezone.localdate()
    with django_capture_on_commit_callbacks(execute=True):
        services.tightening_start(actor=province_staff, reason="寒潮暴雪", starts_on=today,
                                  ends_on=today + timedelta(days=10))
    assert Schedule.objects.get(person=elder).interval_days == 7
    with pytest.raises(NotFound):
        services.tightening_start(actor=personas.county, reason="x", starts_on=today,
                                  ends_on=today)


def test_the_daily_reminders(personas, elder, capsys):
    Schedule.objects.filter(person=elder).update(next_due=timezone.localdate() + timedelta(2))
    call_command("visit_reminders")
    assert Notification.objects.filter(user=personas.village, title__contains="本周有 1 位").exists()
    Schedule.objects.filter(person=elder).update(next_due=timezone.localdate() - timedelta(2))
    personas.township.phone = "13800000002"
    personas.township.save()
    call_command("visit_reminders")
    assert Notification.objects.filter(user=personas.township,
                                       title__contains="1 位对象逾期未访").exists()
    assert sms.MemoryBackend.outbox[-1][0] == "13800000002"


def test_pages_and_api(personas, as_user, elder):
    client = as_user(personas.village)
    Schedule.objects.filter(person=elder).update(next_due=timezone.localdate() - timedelta(3))
    body = client.get(reverse("visits:worklist")).content.decode()
    assert "马福寿" in body and "逾期" in body
    assert "马福寿" not in as_user(personas.other_county).get(
        reverse("visits:worklist")).content.decode()
    client = as_user(personas.village)
    payload = {"id": str(uuid.uuid4()), "person_id": elder.pk, "mode": "call",
               "visited_at": timezone.now().isoformat(), "outcome": "attention",
               "checklist": {"health": "血压偏高", "unknown": "x"}}
    unknown = client.post("/api/v1/visits/", payload, content_type="application/json")
    assert unknown.status_code == 422  # a checklist point the platform does not know
    payload["checklist"] = {"health": "血压偏高"}
    first = client.post("/api/v1/visits/", payload, content_type="application/json")
    second = client.post("/api/v1/visits/", payload, content_type="application/json")
    assert (first.status_code, second.status_code) == (201, 200)
    assert Visit.objects.get().checklist == {"health": "血压偏高"}
    page = client.get(reverse("people:detail", args=[elder.pk])).content.decode()
    assert "电话视频" in page and "需关注" in page
    rate = client.get("/api/v1/visits/rate").json()
    assert rate[0]["visited"] == 1
    record = client.get(reverse("visits:record")).content.decode()
    assert "马福寿" in record and "sw.js" in record
    assert client.get(reverse("visits:service_worker"))["Service-Worker-Allowed"] == "/visits/"
    other = as_user(personas.other_county).post("/api/v1/visits/", {
        **payload, "id": str(uuid.uuid4())}, content_type="application/json")
    assert other.status_code == 404


def test_a_token_client_writes_and_a_session_write_needs_csrf(personas, elder):
    from django.test import Client

    from linli.accounts.services import api_token_create

    _token, raw = api_token_create(actor=personas.village, name="手机端")
    payload = {"id": str(uuid.uuid4()), "person_id": elder.pk, "mode": "home",
               "visited_at": timezone.now().isoformat(), "outcome": "normal"}
    client = Client(enforce_csrf_checks=True)
    response = client.post("/api/v1/visits/", payload, content_type="application/json",
                           HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 201
    client.force_login(personas.village)
    refused = client.post("/api/v1/visits/", {**payload, "id": str(uuid.uuid4())},
                          content_type="application/json")
    assert refused.status_code == 403 and "CSRF" in refused.json()["error"]["message"]


def test_the_province_edits_a_policy_and_schedules_follow(personas, as_user, elder,
                                                          django_capture_on_commit_callbacks):
    province = make_user("sheng", Role.PROVINCE_BUREAU, "63", "elderly_services")
    policy = VisitPolicy.objects.get(name__startswith="特殊困难老年人")
    form = {"name": policy.name, "groups": list(policy.groups.values_list("pk", flat=True)),
            "risk": "", "interval_days": "14", "tightened_interval_days": "7",
            "modes": ["home", "call"], "is_active": "on"}
    with django_capture_on_commit_callbacks(execute=True):
        response = as_user(province).post(reverse("visits:policy_edit", args=[policy.pk]), form)
    assert response.status_code == 302
    policy.refresh_from_db()
    assert (policy.interval_days, policy.modes) == (14, "home,call")
    assert Schedule.objects.get(person=elder).interval_days == 14
    assert policy.history.first().history_user == province
    page = as_user(province).get(reverse("visits:policies")).content.decode()
    assert "上门入户、电话视频" in page and reverse("visits:policy_create") in page


def test_a_policy_with_a_longer_tightened_interval_is_refused_in_chinese(personas, as_user):
    province = make_user("sheng", Role.PROVINCE_BUREAU, "63", "elderly_services")
    group = Group.objects.get(code="disabled")
    response = as_user(province).post(reverse("visits:policy_create"), {
        "name": "残疾人探访", "groups": [group.pk], "interval_days": "30",
        "tightened_interval_days": "60", "modes": ["home"]})
    assert response.status_code == 200
    assert "加密探访间隔应至少 1 天,且不长于平时间隔" in response.content.decode()
    assert not VisitPolicy.objects.filter(name="残疾人探访").exists()


def test_only_the_province_sets_policies(personas, as_user):
    policy = VisitPolicy.objects.first()
    for url in (reverse("visits:policy_create"), reverse("visits:policy_edit", args=[policy.pk])):
        assert as_user(personas.county).get(url).status_code == 404
        assert as_user(personas.county).post(url, {"name": "x"}).status_code == 404
    assert reverse("visits:policy_create") not in as_user(personas.county).get(
        reverse("visits:policies")).content.decode()
    with pytest.raises(NotFound):
        services.policy_save(actor=personas.county, policy=policy, name="x", groups=[],
                             interval_days=1, tightened_interval_days=1, modes=["home"])


def test_the_daily_job_starts_and_ends_a_planned_tightening(personas, elder):
    today = timezone.localdate()
    province = make_user("sheng", Role.PROVINCE_BUREAU, "63", "elderly_services")
    Tightening.objects.create(reason="春节", starts_on=today + timedelta(days=1),
                              ends_on=today + timedelta(days=3), created_by=province)
    assert services.reminders_send(today=today)["refreshed"] == 0
    tomorrow = today + timedelta(days=1)
    assert services.reminders_send(today=tomorrow)["refreshed"] == 1
    assert Schedule.objects.get(person=elder).interval_days == 7
    assert services.reminders_send(today=tomorrow)["refreshed"] == 0  # already in step
    assert services.reminders_send(today=today + timedelta(days=4))["refreshed"] == 1
    assert Schedule.objects.get(person=elder).interval_days == 30


def test_a_refresh_that_changes_nothing_writes_nothing(elder):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert services.schedules_refresh_all() == 1
    writes = [q["sql"] for q in queries if q["sql"].startswith(("INSERT", "UPDATE", "DELETE"))]
    assert writes == []


def test_the_full_refresh_drops_a_closed_persons_schedule(elder):
    from linli.people.models import Person, PersonStatus

    Person.objects.filter(pk=elder.pk).update(status=PersonStatus.CLOSED)  # no signal sent
    assert services.schedules_refresh_all() == 0
    assert not Schedule.objects.filter(person=elder).exists()
