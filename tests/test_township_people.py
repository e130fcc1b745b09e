"""People registered at township level (issue 10): a roster row whose village cannot be
found is placed at its township (Person.region is a 乡镇(街道), not a 村(社区)) and listed
as 待补充. Such a person must still be scoped, visited and counted correctly — and a clerk
must be able to complete their village."""

import uuid
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import OTHER_VILLAGE, OUR_COUNTY, OUR_TOWNSHIP, OUR_VILLAGE, make_user
from linli.accounts.roles import Role
from linli.care import selectors as care_selectors
from linli.care import services as care_services
from linli.core.errors import Invalid, NotFound
from linli.core.models import Notification
from linli.people import selectors, services
from linli.people.models import Person
from linli.people.tests.conftest import CHILD, OLD_MAN, WOMAN, register
from linli.regions.models import Region
from linli.visits import selectors as visit_selectors
from linli.visits import services as visit_services
from linli.visits.models import Schedule
from linli.visits.seeds import ensure_policies

pytestmark = pytest.mark.django_db
DAZHONG, YOUYI = "630102003", "630102003203"  # 大众街街道 and its 友谊村, in our county


@pytest.fixture(autouse=True)
def policies(db):
    ensure_policies()


def at_township(person: Person, code: str = OUR_TOWNSHIP) -> Person:
    """Put a person where an import leaves a row whose village it could not find."""
    township = Region.objects.get(code=code)
    Person.objects.filter(pk=person.pk).update(region=township, region_code=township.code)
    visit_services.schedules_refresh([person.pk])
    return Person.objects.get(pk=person.pk)


@pytest.fixture
def elder(personas):
    """马福寿, an 独居老人 left at 东关大街街道 by an import."""
    return at_township(register(personas.county, name="马福寿", id_number=OLD_MAN,
                                groups=[{"code": "elderly_alone"}]))


@pytest.fixture
def neighbour(personas):
    """张秀英, in 北关社区 (a village of the same township)."""
    person = register(personas.village, name="张秀英", id_number=WOMAN,
                      groups=[{"code": "elderly_alone"}])
    visit_services.schedules_refresh([person.pk])
    return person


def _visit(actor, person, **extra):
    return visit_services.visit_record(actor=actor, visit_id=uuid.uuid4(), person_id=person.pk,
                                       visited_at=timezone.now(), mode="home",
                                       outcome=extra.pop("outcome", "normal"), **extra)


# --- scope ---------------------------------------------------------------------------

def test_it_shows_a_township_person_to_the_township_and_above_not_to_a_village(
        personas, elder):
    for actor, sees in ((personas.county, True), (personas.township, True),
                        (personas.prefecture, True), (personas.village, False),
                        (personas.other_county, False)):
        assert selectors.people_list(actor=actor).filter(pk=elder.pk).exists() is sees
        assert selectors.may_see(actor, elder) is sees
    with pytest.raises(NotFound):
        selectors.person_get(actor=personas.village, pk=elder.pk)
    # left at the county's other township: the county sees them, our township does not
    other = at_township(register(personas.county, name="张秀英", id_number=WOMAN), DAZHONG)
    assert selectors.may_see(personas.county, other)
    assert not selectors.people_list(actor=personas.township).filter(pk=other.pk).exists()


def test_pages_and_api_answer_the_township_and_404_to_a_village(personas, as_user, elder):
    urls = [reverse("people:detail", args=[elder.pk]), reverse("people:edit", args=[elder.pk]),
            f"/api/v1/people/{elder.pk}"]
    for url in urls:
        assert as_user(personas.township).get(url).status_code == 200
        assert as_user(personas.village).get(url).status_code == 404
    assert "马福寿" in as_user(personas.township).get("/api/v1/people/").content.decode()
    assert "马福寿" not in as_user(personas.village).get("/api/v1/people/").content.decode()
    assert "马福寿" not in as_user(personas.village).get(
        reverse("people:options") + "?q=mfs").content.decode()


# --- completing the village ----------------------------------------------------------

def test_a_clerk_completes_the_village_on_the_edit_page(personas, as_user, elder,
                                                        django_capture_on_commit_callbacks):
    client = as_user(personas.township)
    url = reverse("people:edit", args=[elder.pk])
    page = client.get(url).content.decode()
    assert "村(社区)待补充" in page
    # the township's villages are offered to pick from, not another township's
    assert f'<option value="{OUR_VILLAGE}">' in page and YOUYI not in page
    form = {"name": elder.name, "risk": "low", "version": elder.version,
            "region_code": OUR_VILLAGE}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, form)
    assert response.status_code == 302
    elder.refresh_from_db()
    assert elder.region_code == OUR_VILLAGE and elder.region.code == OUR_VILLAGE
    assert Schedule.objects.get(person=elder).region_code == OUR_VILLAGE
    # now the village's own staff see and visit them
    assert visit_selectors.worklist(actor=personas.village, kind="all").filter(
        person=elder).exists()
    _visit(personas.village, elder)
    assert selectors.to_complete_count(actor=personas.township) == 0


def test_an_edit_that_leaves_the_township_keeps_the_person_there(personas, as_user, elder):
    client = as_user(personas.township)
    url = reverse("people:edit", args=[elder.pk])
    response = client.post(url, {"name": elder.name, "risk": "low", "version": elder.version,
                                 "region_code": OUR_TOWNSHIP, "phone": "13897000001"})
    assert response.status_code == 302
    elder.refresh_from_db()
    assert (elder.region_code, elder.phone) == (OUR_TOWNSHIP, "13897000001")


def test_the_form_places_a_new_person_in_a_village_only(personas, as_user):
    """Only an import leaves someone at the township: a clerk typing a registration picks
    the village, and is told so when they pick a township."""
    client = as_user(personas.township)
    response = client.post(reverse("people:create"), {
        "name": "韩麦", "no_id_reason": "未落户", "risk": "low", "region_code": OUR_TOWNSHIP})
    assert response.status_code == 200
    assert not Person.objects.filter(name="韩麦").exists()
    assert "请选择村(社区),不能只选“东关大街街道”" in response.content.decode()
    with pytest.raises(Invalid):
        services.person_register(actor=personas.township, name="韩麦", no_id_reason="未落户",
                                 region_code=OUR_TOWNSHIP)
    with pytest.raises(Invalid):  # nor can an edit move someone up to the township
        other = register(personas.village, name="张秀英", id_number=WOMAN)
        services.person_update(actor=personas.township, person=other, version=other.version,
                               region_code=OUR_TOWNSHIP)


def test_another_township_clerk_cannot_complete_the_village(personas, elder):
    other = make_user("dazhong", Role.TOWNSHIP_ASSISTANT, DAZHONG)
    with pytest.raises(NotFound):
        services.person_update(actor=other, person=elder, version=elder.version,
                               region_code=YOUYI)
    with pytest.raises(Invalid):  # the township's clerk: only a village of their own
        services.person_update(actor=personas.township, person=elder, version=elder.version,
                               region_code=YOUYI)


# --- visits --------------------------------------------------------------------------

def test_the_township_visits_them_and_a_village_cannot(personas, elder, neighbour):
    assert Schedule.objects.get(person=elder).region_code == OUR_TOWNSHIP
    worklist = visit_selectors.worklist(actor=personas.township, kind="all")
    assert set(worklist.values_list("person__name", flat=True)) == {"马福寿", "张秀英"}
    mine = visit_selectors.worklist(actor=personas.village, kind="all")
    assert list(mine.values_list("person__name", flat=True)) == ["张秀英"]
    assert visit_selectors.worklist_counts(actor=personas.village)["all"] == 1
    with pytest.raises(NotFound):
        _visit(personas.village, elder)
    visit, created = _visit(personas.township, elder)
    assert created and visit.region_code == OUR_TOWNSHIP
    assert Schedule.objects.get(person=elder).last_visit_on == timezone.localdate()


def test_the_visit_pages_list_them_for_the_township(personas, as_user, elder, neighbour):
    for url in (reverse("visits:worklist") + "?tab=all", reverse("visits:record"),
                reverse("visits:worklist") + f"?tab=all&region={OUR_TOWNSHIP}"):
        assert "马福寿" in as_user(personas.township).get(url).content.decode()
        assert "马福寿" not in as_user(personas.village).get(url).content.decode()
    # a village filter leaves out who is not yet in a village
    page = as_user(personas.township).get(
        reverse("visits:worklist") + f"?tab=all&region={OUR_VILLAGE}").content.decode()
    assert "马福寿" not in page and "张秀英" in page
    page = as_user(personas.township).get(reverse("visits:worklist") + "?tab=all")
    assert page.content.decode().count("村(社区)待补充") == 1  # 马福寿's row
    api = as_user(personas.township).get("/api/v1/visits/worklist?kind=all").json()
    assert {row["name"] for row in api["items"]} == {"马福寿", "张秀英"}


def test_the_visit_rate_counts_them_under_their_township(personas, elder, neighbour):
    _visit(personas.township, elder)
    county = Region.objects.get(code=OUR_COUNTY)
    rows = visit_selectors.visit_rate(actor=personas.county, region=county)
    township = next(r for r in rows if r.region.code == OUR_TOWNSHIP)
    assert (rows[0].due, rows[0].visited, township.due, township.visited) == (2, 1, 2, 1)
    rows = visit_selectors.visit_rate(actor=personas.township,
                                      region=Region.objects.get(code=OUR_TOWNSHIP))
    assert (rows[0].due, rows[0].visited) == (2, 1)
    rows = visit_selectors.visit_rate(actor=personas.village,
                                      region=Region.objects.get(code=OUR_VILLAGE))
    assert (rows[0].due, rows[0].visited) == (1, 0)


def test_an_urgent_visit_notifies_the_township(personas, elder,
                                               django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _visit(personas.township, elder, outcome="urgent")
    assert Notification.objects.filter(user=personas.township, urgent=True).exists()
    assert not Notification.objects.filter(user=personas.village).exists()


def test_the_township_hears_of_visits_due_this_week_that_no_village_sees(
        personas, elder, neighbour):
    """Village staff hear what is due in their village; the people left at the township
    are due to nobody but the township."""
    soon = timezone.localdate() + timedelta(days=2)
    Schedule.objects.filter(person__in=[elder, neighbour]).update(next_due=soon)
    visit_services.reminders_send()
    village = Notification.objects.get(user=personas.village, url="/visits/?tab=week")
    township = Notification.objects.get(user=personas.township, url="/visits/?tab=week")
    assert (village.title, township.title) == ("本周有 1 位对象应探访",
                                                "本周有 1 位村(社区)待补充的对象应探访")
    assert not Notification.objects.filter(user=personas.county, url="/visits/?tab=week")


def test_the_township_hears_nothing_due_when_everyone_has_a_village(personas, neighbour):
    soon = timezone.localdate() + timedelta(days=2)
    Schedule.objects.filter(person=neighbour).update(next_due=soon)
    visit_services.reminders_send()
    assert not Notification.objects.filter(user=personas.township).exists()


# --- care services and meals ---------------------------------------------------------

def test_services_and_meals_reach_them_through_the_township(personas, as_user, elder):
    with pytest.raises(NotFound):
        care_services.service_record(actor=personas.village, person_id=elder.pk,
                                     kind="housekeeping", served_at=timezone.now(),
                                     duration_minutes=60)
    record = care_services.service_record(actor=personas.township, person_id=elder.pk,
                                          kind="housekeeping", served_at=timezone.now(),
                                          duration_minutes=60)
    assert record.region_code == OUR_TOWNSHIP
    assert list(care_selectors.services(actor=personas.township)) == [record]
    assert not care_selectors.services(actor=personas.village).exists()
    canteen = care_services.canteen_create(actor=personas.township, name="北关社区老年幸福食堂",
                                           kind="happy", region_code=OUR_VILLAGE)
    today = timezone.localdate()
    assert care_services.meals_record(actor=personas.township, canteen=canteen,
                                      person_ids=[elder.pk], served_on=today) == 1
    with pytest.raises(NotFound):  # the village's canteen staff cannot see them yet
        care_services.meals_record(actor=personas.village, canteen=canteen,
                                   person_ids=[elder.pk], served_on=today)
    assert [m.person for m in care_selectors.meals_on(actor=personas.township, canteen=canteen,
                                                      day=today)] == [elder]
    assert not care_selectors.meals_on(actor=personas.village, canteen=canteen, day=today)
    page = as_user(personas.township).get(reverse("people:detail", args=[elder.pk]))
    assert "家政保洁" in page.content.decode() and "北关社区老年幸福食堂" in page.content.decode()


# --- organisations and volunteers ----------------------------------------------------

def test_an_organisation_of_the_county_takes_them_on_and_its_staff_visit(personas, elder,
        django_capture_on_commit_callbacks):
    from linli.orgs.tests.conftest import community

    org = community(personas.township)
    staff = make_user("staff", Role.ORG_STAFF, OUR_VILLAGE)
    staff.memberships.update(organisation=org)
    from linli.orgs import support_services

    volunteer = support_services.volunteer_create(actor=personas.township, name="韩麦",
                                                  region_code=OUR_VILLAGE)
    with django_capture_on_commit_callbacks(execute=True):
        services.person_assign(actor=personas.township, person=elder, organisation_id=org.pk,
                               volunteer_ids=[volunteer.pk])
    assert list(elder.volunteers.all()) == [volunteer]
    assert selectors.people_list(actor=staff).filter(pk=elder.pk).exists()
    assert visit_selectors.worklist(actor=staff, kind="all").filter(person=elder).exists()
    _visit(staff, elder)


# --- counts, dashboards and exports --------------------------------------------------

def test_the_to_complete_list_is_reachable_from_the_people_page_with_its_count(
        personas, as_user, elder, neighbour):
    page = as_user(personas.township).get(reverse("people:list")).content.decode()
    assert "待补充 1 人" in page and 'href="?to_complete=1"' in page
    page = as_user(personas.township).get(reverse("people:list") + "?to_complete=1")
    assert "马福寿" in page.content.decode() and "张秀英" not in page.content.decode()
    page = as_user(personas.village).get(reverse("people:list")).content.decode()
    assert "待补充" not in page and "张秀英" in page
    assert [selectors.to_complete_count(actor=a) for a in (
        personas.county, personas.township, personas.village, personas.other_county)] == [
        1, 1, 0, 0]


def test_the_dashboards_count_them_where_they_are_seen(personas, as_user, elder, neighbour):
    from linli.accounts.access import access_for
    from linli.people.cards import people_card
    from linli.visits.cards import worklist_card

    for actor, people in ((personas.township, "2"), (personas.county, "2"),
                          (personas.village, "1")):
        access = access_for(actor)
        assert people_card(access).value == people
        assert worklist_card(access).rows[-1] == ("从未探访", people)
    for actor in (personas.township, personas.county, personas.village):
        assert as_user(actor).get("/").status_code == 200


def test_exports_name_their_township(personas, as_user, elder):
    import io

    from openpyxl import load_workbook

    client = as_user(personas.township)
    for url in (reverse("people:list") + "?to_complete=1&export=xlsx",
                reverse("visits:worklist") + "?tab=all&export=xlsx"):
        sheet = load_workbook(io.BytesIO(client.get(url).content)).active
        rows = [r for r in sheet.iter_rows(values_only=True) if "马福寿" in r]
        assert len(rows) == 1 and "东关大街街道" in " ".join(str(v) for v in rows[0])


# --- household and children's director -----------------------------------------------

def test_a_household_waits_for_the_village(personas, elder, neighbour):
    """A household lives in one 村(社区): someone still at the township joins one when their
    village is known, and the clerk is told so."""
    wife = at_township(register(personas.county, name="马桂兰", id_number=WOMAN.replace(
        "0023", "0031")))
    for person, other in ((wife, elder), (elder, neighbour), (neighbour, elder)):
        with pytest.raises(Invalid, match=r"村\(社区\)待补充"):
            services.household_link(actor=personas.township, person=person, other=other,
                                    relation="配偶")
    assert not Person.objects.exclude(household=None).exists()


def test_a_child_at_the_township_gets_a_childrens_director_once_placed(personas, as_user):
    child = at_township(register(personas.county, name="才让卓玛", id_number=CHILD,
                                 groups=[{"code": "left_behind_child"}]))
    page = as_user(personas.township).get(reverse("people:detail", args=[child.pk]))
    assert "补全村(社区)后可指定儿童主任" in page.content.decode()
    with pytest.raises(Invalid):
        services.person_assign(actor=personas.township, person=child,
                               children_director_id=personas.village.pk)


def test_a_village_clerk_registering_them_again_is_sent_to_the_township(personas, as_user,
                                                                        elder):
    """The village cannot see 马福寿 yet; registering his number again is refused, naming
    the township that holds him rather than "another region"."""
    with pytest.raises(Invalid, match=r"东关大街街道.*村\(社区\)待补充") as refused:
        register(personas.village, name="马福寿", id_number=OLD_MAN)
    assert "马福寿" not in str(refused.value)
    other = make_user("other_village", Role.VILLAGE_STAFF, OTHER_VILLAGE)
    with pytest.raises(Invalid, match="已在其他地区登记"):
        register(other, name="马福寿", id_number=OLD_MAN, village=OTHER_VILLAGE)
