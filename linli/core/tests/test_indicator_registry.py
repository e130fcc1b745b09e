"""Every registered figure (core.indicators): a bounded number of queries for the province
and all its children, the value a direct count gives on a small data set made through the
services, and the stock-at-the-end / flow-within-the-period semantics."""

import uuid
from datetime import datetime, time, timedelta

import pytest
from django.db.models import Sum
from django.utils import timezone

from conftest import OTHER_TOWNSHIP, OTHER_VILLAGE, OUR_COUNTY, OUR_TOWNSHIP, OUR_VILLAGE, make_user
from linli.accounts.access import Access
from linli.accounts.roles import ALL_DOMAINS, Perm, Role
from linli.care import services as care
from linli.care.models import Meal, ServiceKind, ServiceRecord
from linli.core.figures import children_of
from linli.core.indicator_census import census, query_counts
from linli.core.indicators import COUNT, Period, registered
from linli.orgs import services as orgs
from linli.orgs import support_services
from linli.orgs.models import (
    Category,
    Filing,
    FilingKind,
    FilingStatus,
    Incubation,
    IncubationBase,
    Kind,
    Organisation,
    SocialWorkStation,
    Status,
    TaxQualification,
    Volunteer,
)
from linli.orgs.tests.conftest import VALID_CODE, community, filed
from linli.people import services as people
from linli.people.models import Group, GroupMembership, Person
from linli.people.tests.conftest import CHILD, OLD_MAN, WOMAN, register
from linli.regions.models import Region
from linli.visits import services as visits
from linli.visits.models import Schedule, Visit
from linli.visits.seeds import ensure_policies

pytestmark = pytest.mark.django_db

MAX_QUERIES = 4  # children + one or two grouped queries; the 15-minute circle reads three
THIS_MONTH = Period.this_month()
LAST_MONTH = THIS_MONTH.previous()
LONG_AGO = THIS_MONTH.start - timedelta(days=120)


def everything() -> Access:
    """The province in every domain, as a 民政局's report computes it (a fresh memo)."""
    return Access(user_id=None, region_codes=("63",), domains=ALL_DOMAINS,
                  permissions=frozenset({Perm.VIEW}))


def at(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(10)))


def backdate(model, pk: int, day, **fields) -> None:
    """Make a record (and its history) as if it had been written on ``day``."""
    model.objects.filter(pk=pk).update(**fields)
    if hasattr(model, "history"):
        model.history.model.objects.filter(id=pk).update(history_date=at(day))


@pytest.fixture
def data(personas):
    """A little of everything in 城东区 (and one organisation in 乐都区)."""
    ensure_policies()
    township, county = personas.township, personas.county
    active = filed(township, township)  # 社区社会组织, 正常 since today
    community(township, name="北关社区书画社", category=Category.CULTURE_SPORTS,
              target_groups=["elderly", "children"], focus_special_groups=True)  # 待备案
    registered_org = community(county, name="城东区慈善协会", kind=Kind.SOCIAL_GROUP,
                               authority=OUR_COUNTY, credit_code=VALID_CODE, is_hub=True,
                               is_social_work_agency=True)
    their_township = make_user("other_township", Role.TOWNSHIP_ASSISTANT, OTHER_TOWNSHIP)
    filed(personas.other_county, their_township, name="朝阳山社区邻里互助会",
          village=OTHER_VILLAGE, authority=OTHER_TOWNSHIP)
    late = orgs.filing_submit(actor=township, organisation=community(
        township, name="北关社区棋牌队"), kind=FilingKind.ESTABLISH)
    Filing.objects.filter(pk=late.pk).update(due_on=timezone.localdate() - timedelta(days=3))
    support_services.station_save(actor=county, region_code=OUR_TOWNSHIP, established=True,
                                  opened_on=LONG_AGO)
    base = support_services.incubation_base_create(actor=county, name="城东区孵化基地",
                                                   region_code=OUR_COUNTY,
                                                   operator_id=registered_org.pk)
    support_services.incubation_add(actor=county, base=base, organisation_id=active.pk,
                                    started_on=LONG_AGO)
    support_services.tax_qualification_add(actor=county, organisation=registered_org,
                                           kind="exempt", valid_from=LONG_AGO,
                                           valid_until=THIS_MONTH.end + timedelta(days=300))
    support_services.volunteer_create(actor=county, name="李志愿", region_code=OUR_VILLAGE)
    support_services.volunteer_create(actor=county, name="王社工", region_code=OUR_VILLAGE,
                                      certification="assistant")
    elder = register(personas.village, name="马福寿", id_number=OLD_MAN, risk="high",
                     groups=[{"code": "elderly_alone"}])
    child = register(personas.village, name="才让卓玛", id_number=CHILD,
                     groups=[{"code": "left_behind_child"}])
    register(personas.village, name="张秀英", id_number=WOMAN, risk="medium",
             groups=[{"code": "dibao"}, {"code": "women_left_behind"}])
    visits.schedules_refresh([elder.pk, child.pk])
    visits.visit_record(actor=personas.village, visit_id=uuid.uuid4(), person_id=elder.pk,
                        visited_at=timezone.now(), mode="home", outcome="normal")
    for kind, minutes in (("comfort", 30), ("housekeeping", 90), ("employment", 60)):
        care.service_record(actor=personas.village, person_id=elder.pk, kind=kind,
                            served_at=timezone.now(), duration_minutes=minutes)
    canteen = care.canteen_create(actor=county, name="北关社区老年幸福食堂", kind="happy",
                                  region_code=OUR_VILLAGE)
    care.meals_record(actor=county, canteen=canteen, person_ids=[elder.pk],
                      served_on=timezone.localdate())
    return personas


# The value each figure should have for the province this month, counted directly.
def _in_group(code: str) -> int:
    codes = {code, *Group.objects.filter(parent__code=code).values_list("code", flat=True)}
    return GroupMembership.objects.filter(group__code__in=codes, ended_on__isnull=True,
                                          person__status="active").values(
        "person").distinct().count()


def _expected(key: str) -> float | None:
    today, active = timezone.localdate(), Organisation.objects.filter(status=Status.ACTIVE)
    start = at(THIS_MONTH.start) - timedelta(hours=10)
    fixed = {
        "orgs_active": active.count(),
        "social_work_agencies": active.filter(is_social_work_agency=True).count(),
        "hub_orgs": active.filter(is_hub=True).count(),
        "filings_approved": Filing.objects.filter(kind=FilingKind.ESTABLISH,
                                                  status=FilingStatus.APPROVED).count(),
        "filings_overdue": Filing.objects.filter(status=FilingStatus.SUBMITTED,
                                                 due_on__lt=today).count(),
        "incubation_bases": IncubationBase.objects.count(),
        "orgs_incubating": Incubation.objects.filter(ended_on__isnull=True).count(),
        "incubations_started": 0,  # started long ago
        "tax_exempt": TaxQualification.objects.filter(kind="exempt").count(),
        "tax_deduction": 0,
        "volunteers": Volunteer.objects.filter(is_active=True).count(),
        "certified_social_workers": Volunteer.objects.exclude(certification="").count(),
        "people_in_care": Person.objects.filter(status="active").count(),
        "people_high_risk": Person.objects.filter(status="active", risk="high").count(),
        "people_medium_risk": Person.objects.filter(status="active", risk="medium").count(),
        "visits_overdue": Schedule.objects.filter(next_due__lt=today).count(),
        "visits_recorded": Visit.objects.filter(visited_at__gte=start).count(),
        "services": ServiceRecord.objects.count(),
        "service_hours": round(ServiceRecord.objects.aggregate(
            m=Sum("duration_minutes"))["m"] / 60, 1),
        "meals": Meal.objects.aggregate(n=Sum("count"))["n"],
        "station_coverage": round(100 * SocialWorkStation.objects.count() / Region.objects.filter(
            level=4).count(), 1),
    }
    if key in fixed:
        return fixed[key]
    family, _sep, rest = key.partition("_")
    if key.startswith("orgs_for_"):
        return active.filter(target_groups__code=key.removeprefix("orgs_for_")).count()
    if key.startswith("orgs_focus_"):
        return active.filter(**{key.removeprefix("orgs_"): True}).count()
    if family == "orgs" and rest in Kind.values:
        return active.filter(kind=rest).count()
    if family == "orgs" and rest in Category.values:
        return active.filter(category=rest).count()
    if family == "services" and rest in ServiceKind.values:
        return ServiceRecord.objects.filter(kind=rest).count()
    if family == "people" and Group.objects.filter(code=rest).exists():
        return _in_group(rest)
    return None  # a figure of another app (hand-entered ones), or a ratio checked elsewhere


def test_every_figure_computes_the_province_in_a_few_queries_and_counts_right(
        data, django_assert_max_num_queries):
    checked = 0
    for indicator in registered():
        province = Region.objects.get(code="63")
        with django_assert_max_num_queries(MAX_QUERIES):
            own, *children = indicator.compute(everything(), province, THIS_MONTH)
        assert len(children) == 8, indicator.key  # the eight prefectures
        expected = _expected(indicator.key)
        if expected is not None:
            assert own.value == pytest.approx(expected), indicator.key
            checked += 1
        if indicator.kind == COUNT and own.value is not None:  # the province is its parts
            assert sum(c.value or 0 for c in children) == pytest.approx(own.value), indicator.key
    assert checked >= 90


def test_the_counts_land_in_the_right_prefecture(data):
    xining, haidong = "6301", "6302"
    province = Region.objects.get(code="63")
    for key, ours, theirs in (("orgs_active", 2, 1), ("people_in_care", 3, 0),
                              ("services", 3, 0), ("filings_approved", 1, 1)):
        values = {v.region.code: v.value
                  for v in _get(key).compute(everything(), province, THIS_MONTH)}
        assert (values[xining], values[haidong]) == (ours, theirs), key


def test_a_county_actor_counts_only_its_own(data):
    county = Region.objects.get(code=OUR_COUNTY)
    own, *townships = _get("orgs_active").compute(data.county, county, THIS_MONTH)
    assert own.value == 2 and len(townships) == 10
    other = Region.objects.get(code="630202")
    assert _get("orgs_active").at(data.county, other, THIS_MONTH).value == 0


def test_the_query_count_does_not_grow_with_rows(data):
    before = query_counts(everything())
    for i in range(3):
        filed(data.township, data.township, name=f"北关社区互助组{i}")
        person = register(data.village, name=f"对象{i}", id_number="", no_id_reason="未落户",
                          groups=[{"code": "elderly_alone"}])
        care.service_record(actor=data.village, person_id=person.pk, kind="rescue",
                            served_at=timezone.now(), duration_minutes=10)
    assert query_counts(everything()) == before
    assert max(before.values()) <= MAX_QUERIES and len(before) == len(registered())


def test_the_census_names_every_figure_the_actor_may_use(data):
    keys = [row.key for row in census(data.province)]  # 社会组织管理局: no people's figures
    assert "orgs_active" in keys and "station_coverage" in keys
    assert "people_in_care" not in keys and "visit_rate" not in keys


def _get(key: str):
    return next(i for i in registered() if i.key == key)


# --- stock at the end of the period, flow within it --------------------------------------------

def test_organisations_stand_as_they_did_at_the_end_of_the_period(personas):
    township = personas.township
    old = filed(township, township, name="北关社区老年协会")
    backdate(Organisation, old.pk, LONG_AGO, filed_on=LONG_AGO)
    Filing.objects.filter(organisation=old).update(decided_at=at(LONG_AGO))
    gone = filed(township, township, name="北关社区旧舞蹈队")
    backdate(Organisation, gone.pk, LONG_AGO, filed_on=LONG_AGO)
    orgs.filing_transition(actor=township, filing=orgs.filing_submit(
        actor=township, organisation=gone, kind=FilingKind.DEREGISTER, reason="活动停止"),
        action="approve")
    seeded = filed(township, township, name="北关社区秧歌队")  # entered without history
    backdate(Organisation, seeded.pk, LONG_AGO, filed_on=LONG_AGO)
    Organisation.history.model.objects.filter(id=seeded.pk).delete()
    paused = filed(township, township, name="北关社区篮球队")  # paused then, active again now
    orgs.organisation_set_status(actor=township, organisation=paused, status=Status.SUSPENDED,
                                 reason="场地维修")
    backdate(Organisation, paused.pk, LONG_AGO, filed_on=LONG_AGO)
    orgs.organisation_set_status(actor=township, organisation=paused, status=Status.ACTIVE,
                                 reason="恢复活动")
    filed(township, township, name="北关社区新合唱团")  # filed today
    county = Region.objects.get(code=OUR_COUNTY)
    figure = _get("orgs_active")
    assert figure.at(personas.county, county, THIS_MONTH).value == 4  # old, paused, seeded, new
    assert figure.at(personas.county, county, LAST_MONTH).value == 3  # old, gone, seeded
    assert _get("orgs_per_urban").at(personas.county, county, LAST_MONTH).parts[0] == 3
    approved = _get("filings_approved")
    assert approved.at(personas.county, county, THIS_MONTH).value == 4  # all but old
    assert approved.at(personas.county, county, LAST_MONTH).value == 0


def test_people_in_a_group_stand_as_they_did_at_the_end_of_the_period(personas):
    village = personas.village
    stayed = register(village, name="马福寿", id_number=OLD_MAN, groups=[
        {"code": "elderly_alone", "started_on": LONG_AGO}])
    left = register(village, name="李桂兰", id_number="", no_id_reason="未落户", groups=[
        {"code": "elderly_empty_nest", "started_on": LONG_AGO}])
    closed = register(village, name="王大爷", id_number="", no_id_reason="未落户", groups=[
        {"code": "elderly_alone", "started_on": LONG_AGO}])
    for person in (stayed, left, closed):
        backdate(Person, person.pk, LONG_AGO, created_at=at(LONG_AGO))
    people.group_end(actor=village, membership=left.group_memberships.get(),
                     ended_on=THIS_MONTH.start)
    people.person_close(actor=village, person=Person.objects.get(pk=closed.pk),
                        reason="moved", on=THIS_MONTH.start)
    register(village, name="新登记", id_number="", no_id_reason="未落户",
             groups=[{"code": "elderly_alone"}])  # registered today
    county = Region.objects.get(code=OUR_COUNTY)
    special, alone = _get("people_special_elderly"), _get("people_elderly_alone")
    assert special.at(everything(), county, LAST_MONTH).value == 3  # its sub-groups, each once
    assert alone.at(everything(), county, LAST_MONTH).value == 2  # stayed, closed
    assert alone.at(everything(), county, THIS_MONTH).value == 2  # stayed, registered today
    assert special.at(everything(), county, THIS_MONTH).value == 2  # left ended its group
    assert _get("people_in_care").at(everything(), county, LAST_MONTH).value == 3
    assert _get("people_in_care").at(everything(), county, THIS_MONTH).value == 3


def test_a_measures_groups_are_counted_in_one_query_a_request(personas,
                                                               django_assert_num_queries):
    """One grouped query answers all the groups of a measure for a region and a day
    (measure 五's nine were nine queries); each group's numbers are those of its own count."""
    village = personas.village
    register(village, name="马福寿", id_number=OLD_MAN,
             groups=[{"code": "elderly_alone"}, {"code": "elderly_advanced_age"}])
    register(village, name="才让卓玛", id_number=CHILD, groups=[{"code": "left_behind_child"}])
    county, access = Region.objects.get(code=OUR_COUNTY), everything()
    groups = [i for i in registered() if i.key.startswith("people_")
              and i.key not in ("people_in_care", "people_high_risk", "people_medium_risk")]
    children_of(county)  # read once a region object
    elderly = [i for i in groups if i.measure == 5]
    assert len(elderly) == 9
    with django_assert_num_queries(1):
        values = {i.key: i.compute(access, county, THIS_MONTH) for i in elderly}
    with django_assert_num_queries(len({i.measure for i in groups}) - 1):
        values.update({i.key: i.compute(access, county, THIS_MONTH) for i in groups})
    assert values["people_special_elderly"][0].value == 1  # two sub-groups, one person
    assert values["people_elderly_alone"][0].value == 1
    assert values["people_children_difficulty"][0].value == 1
    assert values["people_disabled"][0].value == 0
    township = next(v for v in values["people_elderly_alone"][1:]
                    if v.region.code == OUR_TOWNSHIP)
    assert township.value == 1 and sum(v.value for v in values["people_orphan"]) == 0
    assert _get("people_elderly_alone").compute(everything(), county, LAST_MONTH)[0].value == 0


def test_a_bureau_counts_only_the_groups_of_its_domains(personas):
    register(personas.village, name="马福寿", id_number=OLD_MAN,
             groups=[{"code": "elderly_alone"}])
    register(personas.village, name="才让卓玛", id_number=CHILD,
             groups=[{"code": "left_behind_child"}])
    province = Region.objects.get(code="63")
    elderly = personas.province_elderly
    assert _get("people_in_care").at(elderly, province, THIS_MONTH).value == 1
    assert not _get("people_left_behind_child").available(
        Access(user_id=None, region_codes=("63",), domains=frozenset({"elderly"})))


def test_volunteers_stand_as_they_did_at_the_end_of_the_period(personas):
    county = personas.county
    old = support_services.volunteer_create(actor=county, name="李志愿", region_code=OUR_VILLAGE)
    quit_ = support_services.volunteer_create(actor=county, name="王社工",
                                              region_code=OUR_VILLAGE, certification="assistant")
    for volunteer in (old, quit_):
        backdate(Volunteer, volunteer.pk, LONG_AGO, created_at=at(LONG_AGO))
    quit_.refresh_from_db()
    quit_.is_active = False
    quit_.save()  # its history: active until today
    support_services.volunteer_create(actor=county, name="新志愿者", region_code=OUR_VILLAGE)
    region = Region.objects.get(code=OUR_COUNTY)
    assert _get("volunteers").at(county, region, LAST_MONTH).value == 2  # old, quit
    assert _get("volunteers").at(county, region, THIS_MONTH).value == 2  # old, new
    assert _get("certified_social_workers").at(county, region, LAST_MONTH).value == 1
    assert _get("certified_social_workers").at(county, region, THIS_MONTH).value == 0


def test_services_and_meals_count_within_the_period(personas):
    ensure_policies()
    elder = register(personas.village, name="马福寿", id_number=OLD_MAN,
                     groups=[{"code": "elderly_alone"}])
    last = LAST_MONTH.end
    for when, kind in ((at(last), "comfort"), (at(last), "comfort"), (timezone.now(), "rescue")):
        care.service_record(actor=personas.village, person_id=elder.pk, kind=kind,
                            served_at=when, duration_minutes=45)
    region = Region.objects.get(code=OUR_COUNTY)
    services, comfort = _get("services"), _get("services_comfort")
    assert services.at(personas.county, region, LAST_MONTH).value == 2
    assert services.at(personas.county, region, LAST_MONTH).parts == (2, 90)
    assert services.at(personas.county, region, THIS_MONTH).value == 1
    assert comfort.at(personas.county, region, THIS_MONTH).value == 0
    assert _get("service_hours").at(personas.county, region, LAST_MONTH).value == 1.5
    both = Period(LAST_MONTH.start, THIS_MONTH.end)
    assert services.at(personas.county, region, both).value == 3


def test_stations_incubations_and_tax_qualifications_by_their_dates(personas):
    county = personas.county
    support_services.station_save(actor=county, region_code=OUR_TOWNSHIP, established=True,
                                  opened_on=timezone.localdate())
    hub = community(county, name="城东区社会组织服务中心", kind="social_service",
                    authority=OUR_COUNTY, credit_code="52630102MJ00000012", is_hub=True)
    base = support_services.incubation_base_create(actor=county, name="孵化基地",
                                                   region_code=OUR_COUNTY, operator_id=hub.pk,
                                                   opened_on=LONG_AGO)
    support_services.incubation_add(actor=county, base=base, organisation_id=hub.pk,
                                    started_on=LONG_AGO, ended_on=THIS_MONTH.start)
    support_services.tax_qualification_add(actor=county, organisation=hub, kind="deduction",
                                           valid_from=LONG_AGO, valid_until=LAST_MONTH.end)
    region = Region.objects.get(code=OUR_COUNTY)
    coverage = _get("station_coverage")
    assert coverage.at(county, region, THIS_MONTH).parts == (1, 10)
    assert coverage.at(county, region, LAST_MONTH).parts == (0, 10)
    assert _get("orgs_incubating").at(county, region, LAST_MONTH).value == 1
    assert _get("orgs_incubating").at(county, region, THIS_MONTH).value == 0  # out on the 1st
    started = Period(LONG_AGO, LONG_AGO)
    assert _get("incubations_started").at(county, region, started).value == 1
    assert _get("incubation_bases").at(county, region, LAST_MONTH).value == 1
    assert _get("tax_deduction").at(county, region, LAST_MONTH).value == 1
    assert _get("tax_deduction").at(county, region, THIS_MONTH).value == 0


def test_the_existing_keys_stay_and_every_key_fits_a_target_row():
    keys = [i.key for i in registered()]
    assert len(keys) == len(set(keys))
    assert {"station_coverage", "orgs_per_urban", "orgs_per_rural", "people_in_care",
            "visit_rate", "circle_coverage"} <= set(keys)
    assert all(len(k) <= 40 for k in keys)
    measures = {i.measure for i in registered()}
    assert set(range(1, 11)) - measures == {4}  # 红白理事会 (measure 四) has no figure yet


def test_priming_counts_every_measures_groups_in_one_query(personas, django_assert_num_queries):
    """A report's annex primes the groups: one query, then each group answers from it."""
    from linli.core.indicators import prime

    register(personas.village, name="马福寿", id_number=OLD_MAN,
             groups=[{"code": "elderly_alone"}])
    county, access = Region.objects.get(code=OUR_COUNTY), everything()
    children_of(county)
    groups = [i for i in registered() if i.key.startswith("people_")
              and i.key not in ("people_in_care", "people_high_risk", "people_medium_risk")]
    with django_assert_num_queries(1):
        prime(access, county, THIS_MONTH, groups)
        values = {i.key: i.compute(access, county, THIS_MONTH)[0].value for i in groups}
    assert values["people_elderly_alone"] == 1 and values["people_special_elderly"] == 1
    assert values["people_children_difficulty"] == 0
