import pytest
from django.db import connection

from conftest import OTHER_VILLAGE, OUR_VILLAGE
from linli.audit.models import AccessLog, Action
from linli.core.errors import Conflict, Forbidden, IllegalTransition, Invalid, NotFound
from linli.people import selectors, services
from linli.people.models import Person, PersonStatus
from linli.people.tests.conftest import CHILD, OLD_MAN, WOMAN, register

pytestmark = pytest.mark.django_db


def test_it_registers_once_per_identity_number(personas):
    person = register(personas.village)
    assert (person.sex, str(person.birth_date), person.id_masked) == (
        "F", "1980-01-01", "632301********0023")
    assert (person.name_pinyin, person.name_initials) == ("zhangxiuying", "zxy")
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_encrypted, id_hash FROM people_person")
        stored = " ".join(cursor.fetchone())
    assert WOMAN not in stored  # encrypted at rest, found through the keyed hash
    with pytest.raises(Invalid, match="已登记为“张秀英”"):
        register(personas.township, name="张秀英", id_number=f" {WOMAN.lower()} ")


def test_it_does_not_reveal_another_regions_record(personas):
    register(personas.other_county, name="祁文斌", id_number=OLD_MAN, village=OTHER_VILLAGE)
    with pytest.raises(Invalid) as refused:
        register(personas.village, name="马福寿", id_number=OLD_MAN)
    assert "已在其他地区登记" in refused.value.message and "祁" not in refused.value.message


def test_it_warns_when_a_typed_birth_date_disagrees(personas):
    from datetime import date

    result = services.person_register(actor=personas.village, name="张秀英", id_number=WOMAN,
                                      region_code=OUR_VILLAGE, birth_date=date(1981, 1, 1))
    assert str(result.person.birth_date) == "1980-01-01"
    assert "不一致" in result.warnings[0]


def test_it_registers_people_without_a_number_flagged(personas):
    with pytest.raises(Invalid, match="须说明原因"):
        register(personas.village, id_number="")
    person = register(personas.village, id_number="", no_id_reason="未落户")
    assert not person.has_id_number and person.no_id_reason == "未落户"


def test_it_refuses_a_stale_second_save(personas):
    person = register(personas.village)
    services.person_update(actor=personas.village, person=person, version=person.version,
                           phone="13897000001")
    with pytest.raises(Conflict, match="已被他人修改"):
        services.person_update(actor=personas.township, person=person, version=person.version,
                               phone="13897000002")
    assert Person.objects.get(pk=person.pk).phone == "13897000001"


def test_it_closes_and_never_deletes(personas, elder):
    services.person_close(actor=personas.village, person=elder, reason="deceased")
    elder.refresh_from_db()
    assert elder.status == PersonStatus.CLOSED and elder.close_reason == "deceased"
    assert not elder.group_memberships.filter(ended_on__isnull=True).exists()
    with pytest.raises(IllegalTransition):
        services.person_update(actor=personas.village, person=elder, version=elder.version,
                               phone="1")


def test_it_keeps_group_history(personas, elder):
    membership = elder.group_memberships.get()
    services.group_end(actor=personas.village, membership=membership)
    services.group_add(actor=personas.village, person=elder, code="tekun", source="民政认定")
    rows = set(elder.group_memberships.values_list("group__code", "ended_on"))
    assert rows == {("elderly_alone", membership.started_on), ("tekun", None)}
    with pytest.raises(Invalid, match="须注明认定情形"):
        services.group_add(actor=personas.village, person=elder, code="de_facto_unsupported")


def test_it_hides_childrens_files_from_the_elderly_bureau(personas, elder, child):
    elderly = set(selectors.visible_people(personas.province_elderly))
    assert elder in elderly and child not in elderly
    with pytest.raises(NotFound):
        selectors.person_get(actor=personas.province_elderly, pk=child.pk)
    assert child in set(selectors.visible_people(personas.county))


def test_it_treats_every_minor_as_sensitive(personas):
    toddler = register(personas.village, name="小卓玛", id_number=CHILD, groups=[])
    assert toddler not in set(selectors.visible_people(personas.province_elderly))
    from conftest import make_user
    from linli.accounts.roles import Role

    child_bureau = make_user("ertong", Role.PROVINCE_BUREAU, "63", "child_welfare")
    assert toddler in set(selectors.visible_people(child_bureau))


def test_it_keeps_sensitive_domains_to_their_roles(personas):
    patient = register(personas.county, name="韩永福",
                       groups=[{"code": "mental_disorder", "source": "卫健部门"}])
    assert patient not in set(selectors.visible_people(personas.province_elderly))
    from conftest import make_user
    from linli.accounts.roles import Role
    from linli.orgs.tests.conftest import community

    staff = make_user("staff", Role.ORG_STAFF, OUR_VILLAGE)
    staff.memberships.update(organisation=community(personas.township))
    Person.objects.filter(pk=patient.pk).update(organisation=staff.memberships.get().organisation)
    assert patient not in set(selectors.visible_people(staff))  # org staff lack this domain
    patient.refresh_from_db()
    with pytest.raises(Forbidden, match="您的权限不包括"):
        services.group_add(actor=staff, person=patient, code="community_correction")


def test_it_scopes_by_region(personas, elder):
    assert elder not in set(selectors.visible_people(personas.other_county))
    with pytest.raises(Invalid, match="应在您的辖区内"):  # the village typed: named, 422
        register(personas.other_county, name="x", id_number="", no_id_reason="x")
    with pytest.raises(NotFound):  # the person acted on: hidden, 404
        services.contact_add(actor=personas.other_county, person=elder, name="x", relation="x")


def test_it_requires_a_guardians_consent_under_14(personas, child):
    from datetime import date

    with pytest.raises(Invalid, match="须由监护人同意"):
        services.consent_record(actor=personas.village, person=child, purpose="关爱服务",
                                given_by=child.name, relation="本人", given_on=date.today())
    consent = services.consent_record(actor=personas.village, person=child, purpose="关爱服务",
                                      given_by="旦正", relation="父亲", given_on=date.today())
    assert consent.recorded_by == personas.village


def test_it_reveals_a_number_only_with_permission_and_a_logged_reason(personas, elder):
    with pytest.raises(Forbidden):
        services.id_number_reveal(actor=personas.village, person=elder, reason="核对")
    with pytest.raises(Invalid, match="查看事由"):
        services.id_number_reveal(actor=personas.township, person=elder, reason=" ")
    number = services.id_number_reveal(actor=personas.township, person=elder, reason="低保复核")
    assert number == OLD_MAN
    log = AccessLog.objects.get(action=Action.REVEAL)
    assert (log.user, log.object_id, log.reason) == (personas.township, str(elder.pk), "低保复核")


def test_may_see_agrees_with_visible_for_every_persona_and_kind_of_person(personas):
    """The write paths' one-row check (may_see) and the scoped query (visible) are one rule."""
    from conftest import make_user
    from linli.accounts.roles import Role
    from linli.orgs.tests.conftest import community

    staff = make_user("staff", Role.ORG_STAFF, OUR_VILLAGE)
    organisation = community(personas.township)
    staff.memberships.update(organisation=organisation)
    child_bureau = make_user("ertong", Role.PROVINCE_BUREAU, "63", "child_welfare")
    people = [
        register(personas.village, name="马福寿", id_number=OLD_MAN,
                 groups=[{"code": "elderly_alone"}]),
        register(personas.village, name="才让卓玛", id_number=CHILD,
                 groups=[{"code": "left_behind_child"}]),
        register(personas.village, name="小卓玛", id_number="630102201903040019",
                 groups=[{"code": "disabled"}]),  # a minor in a non-children domain
        register(personas.village, name="马德清", id_number="", no_id_reason="未登记",
                 groups=[{"code": "elderly_alone"}, {"code": "mental_disorder"}]),
        register(personas.county, name="韩永福", id_number="",
                 no_id_reason="未登记", groups=[{"code": "mental_disorder"}]),
        register(personas.county, name="张秀英", id_number=WOMAN,
                 groups=[{"code": "women_left_behind"}]),
        register(personas.other_county, name="李桂兰", id_number="", no_id_reason="未登记",
                 village=OTHER_VILLAGE, groups=[{"code": "elderly_alone"}]),
    ]
    Person.objects.filter(pk__in=[people[0].pk, people[2].pk, people[4].pk, people[6].pk]).update(
        organisation=organisation)
    volunteer = make_user("zhiyuanzhe", Role.VOLUNTEER, OUR_VILLAGE)
    volunteer.memberships.update(organisation=organisation)
    unattached = make_user("zhiyuanzhe2", Role.VOLUNTEER, OUR_VILLAGE)  # no organisation yet
    actors = [*vars(personas).values(), staff, child_bureau, volunteer, unattached]
    for actor in actors:
        seen = set(selectors.visible_people(actor).values_list("pk", flat=True))
        for person in Person.objects.all():
            assert selectors.may_see(actor, person) == (person.pk in seen), (actor, person)
    assert any(selectors.may_see(staff, p) for p in Person.objects.all())
