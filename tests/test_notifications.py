"""Work that finds you: notifications, the navbar badge, the home page's to-do, tabs that
open where the work is."""

import re
import uuid
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from conftest import OUR_TOWNSHIP, make_user
from linli.accounts.roles import Bureau, Role
from linli.core import notifications
from linli.core.errors import NotFound
from linli.core.models import Notification
from linli.core.notifications import notify
from linli.orgs import services as org_services
from linli.orgs.models import FilingKind
from linli.orgs.tests.conftest import community
from linli.people.tests.conftest import OLD_MAN, register
from linli.visits import services as visit_services
from linli.visits.models import Schedule
from linli.visits.seeds import ensure_policies

pytestmark = pytest.mark.django_db
HUGE = 99_999_999_999_999_999_999


def _badge(body: str) -> str | None:
    found = re.search(r'id="notification-badge">([^<]+)<', body)
    return found.group(1) if found else None


@pytest.fixture
def village_filing(personas):
    """A 成立备案 the village clerk filed with the township (the filing body)."""
    org = community(personas.village, name="北关社区银龄互助会")
    return org_services.filing_submit(actor=personas.village, organisation=org,
                                      kind=FilingKind.ESTABLISH)


@pytest.fixture
def elder(personas, django_capture_on_commit_callbacks):
    ensure_policies()
    with django_capture_on_commit_callbacks(execute=True):
        return register(personas.village, name="马福寿", id_number=OLD_MAN,
                        groups=[{"code": "elderly_alone"}])


# --- notify ---------------------------------------------------------------------------


def test_it_writes_one_unread_notification_per_active_user(personas):
    personas.county.is_active = False
    personas.county.save()
    users = [personas.village, personas.township, personas.village, personas.county]
    assert notify(users, title="待办", link="/visits/") == 2
    assert set(Notification.objects.values_list("user__username", flat=True)) == {
        "village", "township"}
    assert notify([], title="无人") == 0


def test_it_brings_an_unread_notification_of_the_same_link_up_to_date(personas):
    notify([personas.village], title="本周有 3 位对象应探访", link="/visits/?tab=week")
    notify([personas.village], title="本周有 2 位对象应探访", link="/visits/?tab=week")
    assert list(Notification.objects.values_list("title", flat=True)) == ["本周有 2 位对象应探访"]
    Notification.objects.update(read_at=timezone.now())
    notify([personas.village], title="本周有 1 位对象应探访", link="/visits/?tab=week")
    assert Notification.objects.count() == 2  # once read, the next one is new


def test_it_links_only_to_this_site(personas):
    for link in ("https://example.com/", "//example.com/x", "javascript:alert(1)"):
        with pytest.raises(ValueError):
            notify([personas.village], title="x", link=link)
    assert not Notification.objects.exists()


def test_it_cuts_a_long_title_to_the_column(personas):
    notify([personas.village], title="长" * 300)
    assert len(Notification.objects.get().title) == 100


# --- filings --------------------------------------------------------------------------


def test_a_new_filing_reaches_its_filing_body(personas, village_filing):
    note = Notification.objects.get()
    assert note.user == personas.township  # the filing body, not the village that filed it
    assert note.url == reverse("orgs:filing_detail", args=[village_filing.pk])
    assert "新的备案申请" in note.title and "北关社区银龄互助会" in note.title
    assert not note.urgent


def test_a_returned_filing_reaches_the_village_that_filed_it(personas, village_filing):
    org_services.filing_transition(actor=personas.township, filing=village_filing,
                                   action="return", comment="章程缺少负责人签字")
    note = Notification.objects.get(user=personas.village)
    assert note.url == reverse("orgs:filing_detail", args=[village_filing.pk])
    assert "北关社区银龄互助会" in note.title and "章程缺少负责人签字" in note.body
    assert note.urgent and note.read_at is None
    # not the actor: the body's notice of the new filing is settled by its own decision
    assert not Notification.objects.filter(user=personas.township, read_at__isnull=True).exists()


def test_a_rejected_filing_reaches_the_filer(personas, village_filing):
    org_services.filing_transition(actor=personas.township, filing=village_filing,
                                   action="reject", comment="名称与已备案组织重复")
    note = Notification.objects.get(user=personas.village)
    assert "不予备案" in note.title and "名称与已备案组织重复" in note.body


def test_a_corrected_filing_reaches_the_filing_body_again(personas, village_filing):
    org_services.filing_transition(actor=personas.township, filing=village_filing,
                                   action="return", comment="补充成员名册")
    org_services.filing_transition(actor=personas.village, filing=village_filing,
                                   action="resubmit")
    note = Notification.objects.get(user=personas.township, read_at__isnull=True)
    assert "重新提交" in note.title
    assert note.url == reverse("orgs:filing_detail", args=[village_filing.pk])
    assert not Notification.objects.filter(user=personas.county).exists()  # not the body


def test_an_approved_filing_needs_nobodys_action(personas, village_filing):
    org_services.filing_transition(actor=personas.township, filing=village_filing,
                                   action="approve")
    assert not Notification.objects.filter(read_at__isnull=True).exists()  # review done


def test_a_filing_past_its_due_date_reminds_its_body_each_day_once(personas, village_filing):
    from linli.orgs.notices import overdue_reviews_send

    today = village_filing.due_on + timedelta(days=3)
    assert overdue_reviews_send(today=village_filing.due_on) == 0  # due today: not late
    assert overdue_reviews_send(today=today) == 1
    assert overdue_reviews_send(today=today + timedelta(days=1)) == 1
    note = Notification.objects.get(user=personas.township)  # brought up to date, not doubled
    assert "已逾期 4 天" in note.title and note.urgent
    org_services.filing_transition(actor=personas.township, filing=village_filing,
                                   action="approve")
    assert overdue_reviews_send(today=today) == 0


def test_the_filing_reminders_command_says_how_many(personas, village_filing, capsys):
    from django.core.management import call_command

    village_filing.due_on = timezone.localdate() - timedelta(days=1)
    village_filing.save()
    call_command("filing_reminders")
    assert "逾期备案提醒 1 件" in capsys.readouterr().out


def test_a_refused_return_leaves_no_notification(personas, village_filing):
    from linli.core.errors import Invalid

    with pytest.raises(Invalid):
        org_services.filing_transition(actor=personas.township, filing=village_filing,
                                       action="return", comment=" ")
    unread = Notification.objects.filter(read_at__isnull=True)
    assert list(unread.values_list("user__username", flat=True)) == ["township"]  # the filing's


# --- the urgent visit ------------------------------------------------------------------


def test_an_urgent_visit_links_to_the_visit_on_the_persons_page(
        personas, elder, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        visit, _created = visit_services.visit_record(
            actor=personas.village, visit_id=uuid.uuid4(), person_id=elder.pk,
            visited_at=timezone.now(), mode="home", outcome="urgent", notes="老人摔倒")
    note = Notification.objects.get(user=personas.township)
    assert note.urgent
    assert note.url == reverse("people:detail", args=[elder.pk]) + f"#visit-{visit.pk}"


# --- the badge, the list, reading -----------------------------------------------------


def test_the_navbar_badge_counts_the_unread(personas, as_user):
    client = as_user(personas.village)
    assert _badge(client.get(reverse("visits:worklist")).content.decode()) is None
    for n in range(3):
        notify([personas.village], title=f"通知{n}", link=f"/orgs/filings/{n + 1}/")
    notify([personas.township], title="别人的")
    Notification.objects.filter(title="通知0").update(read_at=timezone.now())
    body = client.get(reverse("visits:worklist")).content.decode()
    assert _badge(body) == "2"
    assert reverse("core:notifications") in body


def test_the_badge_costs_one_query_shared_with_the_home_page(personas, as_user):
    notify([personas.village], title="通知")
    client = as_user(personas.village)
    for url in (reverse("visits:worklist"), reverse("core:home")):
        with CaptureQueriesContext(connection) as captured:
            body = client.get(url).content.decode()
        touching = [q["sql"] for q in captured if "core_notification" in q["sql"]]
        assert len(touching) == 1, touching
        assert _badge(body) == "1"


def test_the_list_opens_on_the_unread_and_then_on_all(personas, as_user):
    notify([personas.village], title="新的通知", link="/visits/")
    notify([personas.village], title="读过的通知", link="/people/")
    Notification.objects.filter(title="读过的通知").update(read_at=timezone.now())
    client = as_user(personas.village)
    body = client.get(reverse("core:notifications")).content.decode()
    assert "新的通知" in body and "读过的通知" not in body and "全部标为已读" in body
    body = client.get(reverse("core:notifications") + "?tab=all").content.decode()
    assert "新的通知" in body and "读过的通知" in body
    client.post(reverse("core:notifications_read_all"))
    body = client.get(reverse("core:notifications")).content.decode()
    assert "读过的通知" in body and "全部标为已读" not in body  # nothing unread: all
    assert _badge(body) is None


def test_opening_a_notification_reads_it_and_goes_to_its_object(personas, as_user,
                                                                 village_filing):
    link = reverse("orgs:filing_detail", args=[village_filing.pk])
    notify([personas.village], title="备案被退回补正", link=link)
    note = Notification.objects.get(user=personas.village)
    client = as_user(personas.village)
    body = client.get(reverse("core:notifications")).content.decode()
    opener = reverse("core:notification_open", args=[note.pk])
    assert f'href="{opener}"' in body
    response = client.get(opener)
    assert response.status_code == 302 and response["Location"] == link
    note.refresh_from_db()
    assert note.read_at is not None
    assert client.get(link).status_code == 200


def test_a_notification_without_a_link_opens_the_list(personas, as_user):
    notify([personas.village], title="系统维护通知")
    response = as_user(personas.village).get(
        reverse("core:notification_open", args=[Notification.objects.get().pk]))
    assert response["Location"] == reverse("core:notifications")


def test_another_users_notification_is_404(personas, as_user):
    notify([personas.township], title="紧急:马福寿需紧急处置", link="/people/1/")
    theirs = Notification.objects.get()
    url = reverse("core:notification_open", args=[theirs.pk])
    assert as_user(personas.village).get(url).status_code == 404
    assert Notification.objects.get(pk=theirs.pk).read_at is None
    body = as_user(personas.village).get(reverse("core:notifications") + "?tab=all")
    assert "马福寿" not in body.content.decode()
    as_user(personas.village).post(reverse("core:notifications_read_all"))
    assert Notification.objects.get(pk=theirs.pk).read_at is None
    assert as_user(personas.township).get(url).status_code == 302
    assert Notification.objects.get(pk=theirs.pk).read_at is not None
    for pk in (HUGE % 2**63, 2**63, HUGE):
        assert as_user(personas.village).get(f"/notifications/{pk}/").status_code == 404


def test_it_keeps_the_first_read_time(personas):
    notify([personas.village], title="本周有 1 位对象应探访")
    mine = Notification.objects.get()
    notifications.notification_open(actor=personas.village, pk=mine.pk)
    first = Notification.objects.get(pk=mine.pk).read_at
    notifications.notification_open(actor=personas.village, pk=mine.pk)
    assert Notification.objects.get(pk=mine.pk).read_at == first
    with pytest.raises(NotFound):
        notifications.notification_open(actor=personas.township, pk=mine.pk)


def test_reading_all_needs_a_post(personas, as_user):
    notify([personas.village], title="x")
    assert as_user(personas.village).get(reverse("core:notifications_read_all")).status_code == 405
    assert Notification.objects.get().read_at is None


def test_the_pages_need_a_sign_in(client):
    for url in (reverse("core:notifications"), reverse("core:notification_open", args=[1])):
        assert client.get(url).status_code == 302


# --- the home page: their to-do, then their bureau's figures ----------------------------


def _todo(body: str) -> str:
    return body.split('id="todo"', 1)[1].split("</section>", 1)[0]


def test_the_village_clerks_home_starts_with_the_returned_filing_and_overdue_visits(
        personas, as_user, village_filing, elder):
    org_services.filing_transition(actor=personas.township, filing=village_filing,
                                   action="return", comment="补充章程")
    Schedule.objects.filter(person=elder).update(next_due=timezone.localdate() - timedelta(3))
    todo = _todo(as_user(personas.village).get(reverse("core:home")).content.decode())
    assert "退回待补正的备案" in todo and "?tab=returned" in todo
    assert "逾期未访的对象" in todo and "?tab=overdue" in todo
    assert "未读通知" in todo  # the return's notification
    assert "待我审核的备案" not in todo  # nothing waits for the village's review


def test_the_township_reviewers_home_starts_with_the_review_queue(personas, as_user,
                                                                  village_filing):
    todo = _todo(as_user(personas.township).get(reverse("core:home")).content.decode())
    assert "待我审核的备案" in todo and "?tab=review" in todo
    assert "退回待补正的备案" not in todo
    assert "未读通知" in todo  # the new filing's notification


def test_people_left_to_complete_are_on_the_townships_to_do(personas, as_user):
    from linli.people.models import Person
    from linli.regions.models import Region

    person = register(personas.county, name="韩德海", id_number=OLD_MAN,
                      groups=[{"code": "elderly_alone"}])
    township = Region.objects.get(code=OUR_TOWNSHIP)  # where an import leaves an unknown village
    Person.objects.filter(pk=person.pk).update(region=township, region_code=township.code)
    todo = _todo(as_user(personas.township).get(reverse("core:home")).content.decode())
    assert "待补充信息的对象" in todo and "/people/?to_complete=1" in todo
    todo = _todo(as_user(personas.village).get(reverse("core:home")).content.decode())
    assert "待补充信息的对象" not in todo  # the village does not see the township's people


def test_an_empty_to_do_says_so(personas, as_user):
    todo = _todo(as_user(personas.county).get(reverse("core:home")).content.decode())
    assert "暂无待办事项" in todo


def test_the_elderly_services_bureau_sees_care_figures_not_organisation_density(
        personas, as_user, elder):
    body = as_user(personas.province_elderly).get(reverse("core:home")).content.decode()
    assert "在册关爱对象" in body and "本月探访率" in body and "本月关爱服务" in body
    assert "在册社会组织" not in body and "每月新备案社区社会组织" not in body
    assert "社工站覆盖率" not in body
    assert "逾期未访的对象" not in _todo(body)  # a province's figure, not its to-do


def test_the_social_organisations_bureau_sees_organisations_not_care(personas, as_user):
    body = as_user(personas.province).get(reverse("core:home")).content.decode()
    assert "在册社会组织" in body and "每月新备案社区社会组织" in body
    assert "在册关爱对象" not in body and "本月关爱服务" not in body


def test_the_child_welfare_bureau_sees_childrens_figures(personas, as_user, elder):
    from linli.people.tests.conftest import CHILD

    register(personas.village, name="才让东珠", id_number=CHILD,
             groups=[{"code": "left_behind_child"}])
    children = make_user("child_welfare", Role.PROVINCE_BUREAU, "63", Bureau.CHILD_WELFARE)
    body = as_user(children).get(reverse("core:home")).content.decode()
    assert "在册关爱对象" in body and "在册社会组织" not in body
    people = re.search(r"在册关爱对象.*?>([\d,]+)</a>", body, re.S).group(1)
    assert people == "1"  # the child, not the elderly man


def test_a_county_sees_every_topic(personas, as_user, elder):
    body = as_user(personas.county).get(reverse("core:home")).content.decode()
    assert "在册关爱对象" in body and "在册社会组织" in body and "本月关爱服务" in body


# --- tabs open on the first with work -------------------------------------------------


def _active_tab(body: str) -> str:
    return re.search(r'nav-link active" href="\?tab=(\w+)', body).group(1)


def test_the_filing_queue_opens_on_the_returned_tab_for_the_filer(personas, as_user,
                                                                  village_filing):
    org_services.filing_transition(actor=personas.township, filing=village_filing,
                                   action="return", comment="补充章程")
    client = as_user(personas.village)
    assert _active_tab(client.get(reverse("orgs:filings")).content.decode()) == "returned"
    asked = client.get(reverse("orgs:filings") + "?tab=review").content.decode()
    assert _active_tab(asked) == "review"  # a tab asked for is kept, empty or not


def test_the_filing_queue_opens_on_review_for_the_filing_body(personas, as_user,
                                                              village_filing):
    body = as_user(personas.township).get(reverse("orgs:filings")).content.decode()
    assert _active_tab(body) == "review" and "北关社区银龄互助会" in body


def test_the_work_list_opens_on_this_week_when_nothing_is_overdue(personas, as_user, elder):
    Schedule.objects.filter(person=elder).update(next_due=timezone.localdate() + timedelta(2),
                                                 last_visit_on=timezone.localdate())
    client = as_user(personas.village)
    body = client.get(reverse("visits:worklist")).content.decode()
    assert _active_tab(body) == "week" and "马福寿" in body
    Schedule.objects.filter(person=elder).update(next_due=timezone.localdate() - timedelta(2))
    assert _active_tab(client.get(reverse("visits:worklist")).content.decode()) == "overdue"


def test_an_empty_work_list_opens_on_its_first_tab(personas, as_user):
    body = as_user(personas.village).get(reverse("visits:worklist")).content.decode()
    assert _active_tab(body) == "overdue"


def test_first_with_work_keeps_a_known_tab_and_skips_empty_ones():
    from linli.core.tabs import first_with_work

    tabs = ("review", "returned", "overdue", "all")
    assert first_with_work(tabs, {"review": 0, "returned": 2, "all": 2}, None) == "returned"
    assert first_with_work(tabs, {"review": 0, "returned": 2}, "overdue") == "overdue"
    assert first_with_work(tabs, {"review": 0, "returned": 2}, "bogus") == "returned"
    assert first_with_work(tabs, {}, None) == "review"
