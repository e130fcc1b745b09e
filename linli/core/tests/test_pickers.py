"""The shared picker: each kind's scope and search, the fields' cleaning, the endpoint."""

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import (
    OTHER_COUNTY,
    OTHER_TOWNSHIP,
    OTHER_VILLAGE,
    OUR_COUNTY,
    OUR_TOWNSHIP,
    OUR_VILLAGE,
    make_user,
)
from linli.accounts.roles import Role
from linli.care.forms import CanteenForm, MealsForm, ServiceForm
from linli.care.models import Meal
from linli.care.services import canteen_create
from linli.core.pickers import PICKERS, SHORT_LIST
from linli.orgs import support_services
from linli.orgs.tests.conftest import community
from linli.people.identity import CHECK, WEIGHTS
from linli.people.tests.conftest import OLD_MAN, WOMAN, register
from linli.regions.models import Level

pytestmark = pytest.mark.django_db

CIYOU = "630102001004"  # 慈幼社区, beside 北关社区 in 东关大街街道
ORG = "北关社区红领巾志愿队"


def id_number(first17: str) -> str:
    total = sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True))
    return first17 + CHECK[total % 11]


NAMESAKE = id_number("63010219520304001")  # another 马福寿, born 1952


def search(kind, actor, q, **options):
    return PICKERS[kind].search(actor, q, **options)


def labels(kind, found):
    return [PICKERS[kind].label(o) for o in found]


@pytest.fixture
def elders(personas):
    """Two 马福寿 of our county in two villages, and a third in another county."""
    ours = register(personas.village, name="马福寿", id_number=OLD_MAN, phone="13897001234",
                    groups=[{"code": "elderly_alone"}])
    namesake = register(personas.township, name="马福寿", id_number=NAMESAKE, village=CIYOU,
                        groups=[{"code": "elderly_alone"}])
    theirs = register(personas.other_county, name="马福寿", id_number=WOMAN,
                      village=OTHER_VILLAGE, groups=[{"code": "elderly_alone"}])
    return ours, namesake, theirs


# --- people ------------------------------------------------------------------------------

def test_it_finds_people_by_name_pinyin_infix_and_initials(personas, elders):
    ours, namesake, _theirs = elders
    for q in ("马福寿", "福寿", "mafushou", "fushou", "mfs", "fs"):
        assert set(search("people", personas.county, q)) == {ours, namesake}, q
    assert search("people", personas.county, "zxy") == []


def test_it_finds_a_person_by_the_whole_id_number_only(personas, elders):
    ours, _namesake, _theirs = elders
    assert search("people", personas.county, OLD_MAN) == [ours]
    assert search("people", personas.county, OLD_MAN.lower()[:17] + "5") == [ours]
    assert search("people", personas.county, OLD_MAN[:10]) == []  # no prefix search


def test_it_finds_a_person_by_phone(personas, elders):
    ours, _namesake, _theirs = elders
    assert search("people", personas.county, "138 9700 1234") == [ours]
    assert search("people", personas.county, "1389700") == []


def test_it_labels_namesakes_apart(personas, elders):
    ours, namesake, _theirs = elders
    first, second = labels("people", [ours, namesake])
    assert first != second
    assert "北关社区" in first and "632301********0015" in first
    assert f"{ours.age()}岁" in first
    assert "慈幼社区" in second and NAMESAKE[:6] + "********" + NAMESAKE[-4:] in second


def test_it_never_shows_another_countys_people(personas, elders):
    ours, _namesake, theirs = elders
    assert search("people", personas.other_county, "mfs") == [theirs]
    assert search("people", personas.other_county, OLD_MAN) == []
    assert search("people", personas.village, "mfs") == [ours]  # the village sees its own
    assert search("people", personas.outsider, "mfs") == []


# --- volunteers --------------------------------------------------------------------------

@pytest.fixture
def volunteers(personas):
    ours = support_services.volunteer_create(actor=personas.township, name="韩麦",
                                             region_code=OUR_VILLAGE, phone="13800001234")
    theirs = support_services.volunteer_create(actor=personas.other_county, name="韩麦",
                                               region_code=OTHER_VILLAGE, phone="13900005678")
    return ours, theirs


def test_it_finds_volunteers_by_pinyin_and_phone_in_scope(personas, volunteers):
    ours, theirs = volunteers
    for q in ("韩麦", "hanmai", "hm", "mai", "13800001234"):
        assert search("volunteers", personas.county, q) == [ours], q
    assert search("volunteers", personas.other_county, "hm") == [theirs]
    assert search("volunteers", personas.county, "13900005678") == []


def test_it_labels_a_volunteer_with_village_and_masked_phone(personas, volunteers):
    ours, _theirs = volunteers
    assert labels("volunteers", [ours]) == ["韩麦 · 北关社区居民委员会 · 138****1234"]


# --- organisations -----------------------------------------------------------------------

def test_it_finds_an_organisation_by_initials_anywhere_in_its_name(personas):
    org = community(personas.township, name=ORG)
    community(personas.township, name="北关社区夕阳红志愿服务队")
    for q in ("hlj", "honglingjin", "红领巾", "bgsqhlj"):
        assert search("organisations", personas.county, q) == [org], q
    assert labels("organisations", [org]) == [f"{ORG} · 东关大街街道 · 待备案"]  # not filed yet


def test_it_never_shows_another_countys_organisations(personas):
    theirs = community(personas.other_county, name="朝阳山社区红领巾服务队", village=OTHER_VILLAGE,
                       authority=OTHER_TOWNSHIP)
    assert search("organisations", personas.county, "hlj") == []
    assert search("organisations", personas.other_county, "hlj") == [theirs]
    # the system administrator binds staff to an organisation of their region
    assert search("organisations", personas.admin, "hlj") == [theirs]


# --- regions -----------------------------------------------------------------------------

def test_it_finds_regions_by_name_and_pinyin_within_the_scope(personas):
    found = search("regions", personas.county, "bgsq")
    assert [r.code for r in found] == [OUR_VILLAGE]
    assert labels("regions", found) == ["西宁市/城东区/东关大街街道/北关社区居民委员会"]
    assert OUR_TOWNSHIP in [r.code for r in search("regions", personas.county, "东关")]
    assert search("regions", personas.county, "碾伯") == []  # 乐都区's
    assert [r.code for r in search("regions", personas.other_county, "碾伯")] == [OTHER_TOWNSHIP]
    villages = search("regions", personas.county, "shequ", level=Level.VILLAGE)
    assert villages and all(r.level == Level.VILLAGE for r in villages)


def test_it_reads_a_typed_region_name(personas):
    exact = PICKERS["regions"].exact
    for typed, code in (("东关大街街道", OUR_TOWNSHIP), ("东关大街", OUR_TOWNSHIP),
                        ("北关社区", OUR_VILLAGE), ("北关社区居民委员会", OUR_VILLAGE),
                        ("东关大街街道北关社区", OUR_VILLAGE), (OUR_VILLAGE, OUR_VILLAGE)):
        assert [r.code for r in exact(personas.county, typed)] == [code], typed
    assert exact(personas.county, "碾伯街道") == []
    assert len(exact(personas.prefecture, "新村村委会")) > 1  # 西宁市 has several


# --- users -------------------------------------------------------------------------------

def test_it_finds_users_in_scope_by_name_and_pinyin(personas):
    ours = make_user("mazhuren", Role.VILLAGE_STAFF, OUR_VILLAGE, full_name="马卓玛")
    theirs = make_user("mazhuren2", Role.VILLAGE_STAFF, OTHER_VILLAGE, full_name="马卓玛")
    for q in ("马卓玛", "mzm", "zhuoma", "mazhuren"):
        assert ours in search("users", personas.county, q), q
        assert theirs not in search("users", personas.county, q), q
    assert search("users", personas.other_county, "mzm") == [theirs]
    assert labels("users", [ours]) == ["马卓玛(mazhuren) · 村(居)委会工作人员/儿童主任 · "
                                       "北关社区居民委员会"]
    staff = search("users", personas.county, "ma", role=Role.VILLAGE_STAFF, region=OUR_VILLAGE)
    assert staff == [ours]


# --- the endpoint ------------------------------------------------------------------------

def test_the_endpoint_answers_options_in_scope(personas, as_user, elders):
    ours, namesake, theirs = elders
    body = as_user(personas.county).get("/pick/people/", {"q": "mfs"}).content.decode()
    assert f'data-picker-value="{ours.pk}"' in body and f'data-picker-value="{namesake.pk}"' in body
    assert f'data-picker-value="{theirs.pk}"' not in body
    body = as_user(personas.other_county).get("/pick/people/", {"person_ids__text": "mfs"})
    assert f'data-picker-value="{theirs.pk}"' in body.content.decode()
    assert f'value="{ours.pk}"' not in body.content.decode()


def test_the_endpoint_narrows_regions_by_level(personas, as_user):
    client = as_user(personas.county)
    body = client.get("/pick/regions/", {"q": "东关", "level": "5"}).content.decode()
    assert f'"{OUR_TOWNSHIP}"' not in body
    body = client.get("/pick/regions/", {"q": "东关"}).content.decode()
    assert f'"{OUR_TOWNSHIP}"' in body


def test_the_endpoint_refuses_unknown_kinds_and_the_signed_out(personas, as_user, client):
    assert as_user(personas.county).get("/pick/passwords/", {"q": "a"}).status_code == 404
    client.logout()
    assert client.get("/pick/people/", {"q": "mfs"}).status_code == 302  # to sign in


# --- the fields --------------------------------------------------------------------------

def _service(**data):
    return {"kind": "comfort", "served_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "duration_minutes": 30, **data}


def test_a_picked_value_cleans_to_the_key_and_the_instance(personas, elders):
    ours, _namesake, _theirs = elders
    form = ServiceForm(_service(person_id=str(ours.pk)), actor=personas.county)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["person_id"] == ours.pk and form.picked["person_id"] == ours


@pytest.mark.parametrize("value", ["999999", "abc", "٣", "0"])
def test_an_unknown_value_is_an_error_on_the_field(personas, elders, value):
    form = ServiceForm(_service(person_id=value), actor=personas.county)
    assert not form.is_valid()
    assert form.errors["person_id"] == ["所选关爱对象不存在或不在您的可见范围内,请重新检索选择"]


def test_another_countys_person_reads_as_unknown(personas, elders):
    _ours, _namesake, theirs = elders
    form = ServiceForm(_service(person_id=str(theirs.pk)), actor=personas.county)
    assert not form.is_valid()
    assert "不存在或不在您的可见范围内" in form.errors["person_id"][0]


def test_a_typed_id_number_or_unique_name_is_read_without_javascript(personas, elders):
    ours, namesake, _theirs = elders
    form = MealsForm({"served_on": timezone.localdate().isoformat(),
                      "person_ids__text": f"{OLD_MAN}, {NAMESAKE}"}, actor=personas.county)
    assert form.is_valid(), form.errors
    assert sorted(form.cleaned_data["person_ids"]) == sorted([ours.pk, namesake.pk])
    form = ServiceForm(_service(person_id__text="马福寿"), actor=personas.village)
    assert form.is_valid() and form.cleaned_data["person_id"] == ours.pk  # one in the village


def test_a_typed_name_of_namesakes_lists_them_and_renders_a_choice(personas, elders):
    ours, namesake, _theirs = elders
    form = ServiceForm(_service(person_id__text="马福寿"), actor=personas.county)
    assert not form.is_valid()
    error = form.errors["person_id"][0]
    assert "“马福寿”对应多个关爱对象" in error and "北关社区" in error and "慈幼社区" in error
    html = str(form["person_id"])
    assert f'<option value="{ours.pk}">' in html and f'<option value="{namesake.pk}">' in html
    # the choice made, with the same text still in the box, is the one taken
    form = ServiceForm(_service(person_id__text="马福寿", person_id=str(namesake.pk)),
                       actor=personas.county)
    assert form.is_valid() and form.cleaned_data["person_id"] == namesake.pk


def test_a_name_typed_that_nobody_has_is_an_error(personas, elders):
    form = MealsForm({"served_on": timezone.localdate().isoformat(),
                      "person_ids__text": "马福寿 张三丰"}, actor=personas.village)
    assert not form.is_valid()
    assert form.errors["person_ids"] == [
        "在您的可见范围内找不到“张三丰”,请输入名称、拼音或首字母检索后选择"]


def test_a_region_is_typed_by_name_and_refused_outside_the_scope(personas):
    data = {"name": "北关社区老年幸福食堂", "kind": "happy", "seats": 0}
    form = CanteenForm({**data, "region_code__text": "北关社区"}, actor=personas.county)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["region_code"] == OUR_VILLAGE
    form = CanteenForm({**data, "region_code": OTHER_VILLAGE}, actor=personas.county)
    assert not form.is_valid()
    assert "所在村(社区)应在您的辖区内" in form.errors["region_code"][0]
    form = CanteenForm({**data, "region_code__text": "东关大街街道"}, actor=personas.county)
    assert form.errors["region_code"] == ["请选择村(社区),不能只选“东关大街街道”"]


def test_an_ambiguous_region_name_lists_its_candidates(personas):
    data = {"name": "新村老年幸福食堂", "kind": "happy", "seats": 0,
            "region_code__text": "新村村委会"}
    form = CanteenForm(data, actor=personas.prefecture)
    assert not form.is_valid()
    error = form.errors["region_code"][0]
    assert "“新村村委会”对应多个区划" in error and "新村村委会" in error.split(":", 1)[1]


def test_a_short_list_is_a_plain_select_and_a_long_one_searches(personas, elders):
    village_form = ServiceForm(actor=personas.village)
    html = str(village_form["person_id"])
    assert "<select" in html and "hx-get" not in html  # one person: a select
    for i in range(SHORT_LIST):
        register(personas.village, name=f"对象{i}", id_number="", no_id_reason="未落户",
                 groups=[{"code": "elderly_alone"}])
    html = str(ServiceForm(actor=personas.village)["person_id"])
    assert 'hx-get="/pick/people/"' in html and 'hx-trigger="input changed delay:300ms"' in html
    assert 'name="person_id__text"' in html and 'type="hidden" name="person_id"' in html


def test_the_meals_page_refuses_an_unknown_diner_on_the_field(personas, as_user, elders):
    ours, _namesake, theirs = elders
    canteen = canteen_create(actor=personas.township, name="北关社区老年幸福食堂", kind="happy",
                             region_code=OUR_VILLAGE)
    client = as_user(personas.township)
    url = reverse("care:canteen", args=[canteen.pk])
    day = timezone.localdate().isoformat()
    response = client.post(url, {"served_on": day, "person_ids": [ours.pk, theirs.pk]})
    assert response.status_code == 200 and not Meal.objects.exists()
    assert "已登记 0" not in response.content.decode()
    assert response.context["form"].errors["person_ids"]
    response = client.post(url, {"served_on": day, "person_ids": [ours.pk]}, follow=True)
    assert "已登记 1 人次就餐" in response.content.decode()
    again = client.post(url, {"served_on": day, "person_ids": [ours.pk]}, follow=True)
    assert "另有 1 人当日已登记过" in again.content.decode()


def test_the_filters_of_the_lists_take_a_region_name(personas, as_user, elders):
    _ours, namesake, _theirs = elders
    client = as_user(personas.county)
    page = client.get(reverse("people:list"), {"region__text": "慈幼社区"})
    assert list(page.context["page"]) == [namesake]
    page = client.get(reverse("people:list"), {"region__text": "碾伯街道"}).content.decode()
    assert "在您的可见范围内找不到“碾伯街道”" in page
    orgs = client.get(reverse("orgs:list"), {"region__text": "东关大街街道"})
    assert orgs.status_code == 200 and orgs.context["form"].is_valid()


def test_a_village_clerk_may_name_the_street_above_as_filing_body(personas):
    from linli.orgs.forms import OrganisationForm

    data = {"name": "北关社区银龄互助会", "kind": "community", "category": "life_service",
            "region_code": OUR_VILLAGE, "authority_region_code": OUR_TOWNSHIP,
            "leader_name": "马秀兰", "members_count": 12}
    assert OrganisationForm(data, actor=personas.village).is_valid()
    form = OrganisationForm({**data, "authority_region_code": OUR_COUNTY}, actor=personas.village)
    assert "备案/登记机关应在您的辖区内" in form.errors["authority_region_code"][0]
    form = OrganisationForm({**data, "authority_region_code": OTHER_COUNTY},
                            actor=personas.county)
    assert not form.is_valid()
