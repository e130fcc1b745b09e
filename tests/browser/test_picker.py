"""The shared picker in a browser: pinyin initials anywhere in a name, namesakes told apart,
several diners as chips. Each scope holds more than SHORT_LIST records, so the pickers
search (a shorter list is a plain <select>)."""

import re

import pytest

from conftest import OUR_TOWNSHIP, OUR_VILLAGE, make_user, sign_in
from linli.accounts.roles import Role
from linli.care.models import Meal
from linli.care.services import canteen_create
from linli.core.pickers import SHORT_LIST
from linli.orgs.models import Volunteer
from linli.orgs.tests.conftest import community
from linli.people.tests.conftest import OLD_MAN, WOMAN, register

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
CIYOU = "630102001004"  # 慈幼社区, the township's other village


def test_hlj_finds_the_organisation_anywhere_in_its_name(page):
    clerk = make_user("zhuli", Role.TOWNSHIP_ASSISTANT, OUR_TOWNSHIP)
    for i in range(SHORT_LIST):
        community(clerk, name=f"北关社区互助小组{i}")
    org = community(clerk, name="北关社区红领巾志愿队")

    sign_in(page, "zhuli")
    page.goto("/orgs/volunteers/new/")
    page.fill("#id_name", "韩麦")
    page.select_option("#id_region_code", OUR_VILLAGE)  # five places: a plain select
    page.locator("#id_organisation_id").press_sequentially("hlj", delay=50)
    results = page.locator("#id_organisation_id-results").get_by_role("option")
    option = results.filter(has_text="北关社区红领巾志愿队")
    option.wait_for()
    assert results.count() == 1
    option.click()
    assert page.input_value("#id_organisation_id") == "北关社区红领巾志愿队 · 东关大街街道 · 待备案"
    assert page.input_value("input[type=hidden][name=organisation_id]") == str(org.pk)
    page.click("main button.btn-primary")
    page.wait_for_url("**/orgs/volunteers/*/")
    volunteer = Volunteer.objects.get(name="韩麦")
    assert list(volunteer.memberships.values_list("organisation", flat=True)) == [org.pk]


def test_two_diners_are_picked_as_chips_and_namesakes_told_apart(page):
    clerk = make_user("zhuli", Role.TOWNSHIP_ASSISTANT, OUR_TOWNSHIP)
    elderly = [{"code": "elderly_alone"}]
    for i in range(SHORT_LIST):
        register(clerk, name=f"对象{i}", id_number="", no_id_reason="未落户", groups=elderly)
    elder = register(clerk, name="马福寿", id_number=OLD_MAN, groups=elderly)
    register(clerk, name="马福寿", id_number="", no_id_reason="未落户", village=CIYOU,
             groups=elderly)
    woman = register(clerk, name="张秀英", id_number=WOMAN, groups=elderly)
    canteen = canteen_create(actor=clerk, name="北关社区老年幸福食堂", kind="happy",
                             region_code=OUR_VILLAGE)

    sign_in(page, "zhuli")
    page.goto(f"/care/canteens/{canteen.pk}/")
    box = page.locator("#id_person_ids")
    box.press_sequentially("mfs", delay=50)
    options = page.locator("#id_person_ids-results").get_by_role("option")
    options.nth(1).wait_for()
    shown = options.all_inner_texts()
    assert len(shown) == 2 and shown[0] != shown[1]  # the namesakes, by village and number
    options.filter(has_text=re.compile("北关社区.*632301")).click()
    box.press_sequentially("zxy", delay=50)
    options.filter(has_text="张秀英").click()
    chips = page.locator("[data-picker-chip]")
    assert chips.count() == 2
    assert "马福寿 · 北关社区" in chips.nth(0).inner_text() and "张秀英" in chips.nth(1).inner_text()
    assert box.input_value() == ""
    page.get_by_role("button", name="登记就餐").click()
    page.wait_for_selector(".alert-success")
    assert "已登记 2 人次就餐" in page.locator(".alert-success").inner_text()
    assert set(Meal.objects.values_list("person", flat=True)) == {elder.pk, woman.pk}
