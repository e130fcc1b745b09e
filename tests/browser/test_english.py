"""English is a whole interface: the menu stays one row on a desktop, the work-list tabs and
the import title are English."""

import pytest

from conftest import OUR_COUNTY, make_user, sign_in
from linli.accounts.roles import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
ROW_TOPS = "[...new Set([...document.querySelectorAll('#nav .nav-link')].map(e => Math.round(e.getBoundingClientRect().top)))]"


@pytest.mark.parametrize("width", [1366, 1000])
def test_the_english_menu_is_one_row(page, width):
    make_user("xian", Role.COUNTY_BUREAU, OUR_COUNTY)
    page.set_viewport_size({"width": width, "height": 800})
    sign_in(page, "xian")
    page.select_option("select[name=language]", "en")
    page.wait_for_selector("html[lang=en]", state="attached")
    assert len(page.evaluate(ROW_TOPS)) == 1
    assert page.get_by_role("link", name="People", exact=True).count() == 1

    page.goto("/visits/")
    tabs = page.locator(".nav-pills, .nav-tabs").first.inner_text()
    assert "Overdue" in tabs and "逾期" not in tabs
    page.goto("/imports/people/")
    heading = page.locator("h1").inner_text()
    assert heading == "Import Roster of people in care" and "导入" not in page.title()
