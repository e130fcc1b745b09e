"""The measures page in a browser: a measure's figures arrive when it is scrolled to, then
its trends are drawn (ECharts under the CSP); a ranked township drills down."""

import pytest

from conftest import OUR_COUNTY, make_user, sign_in
from linli.accounts.roles import Role
from linli.core.indicators import Period
from linli.reports import measures as services
from linli.reports.models import ManualIndicator

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_figures_and_trends_load_as_the_measure_scrolls_into_view(page):
    county = make_user("xian", Role.COUNTY_BUREAU, OUR_COUNTY)
    month = Period.this_month()
    services.manual_value_enter(actor=county, indicator=ManualIndicator.objects.get(
        code="training_sessions"), region_code=OUR_COUNTY, period_start=month.start,
        period_end=month.end, value=3)
    services.target_set(actor=county, indicator="training_sessions", region_code=OUR_COUNTY,
                        value=5, source="县计划")
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    sign_in(page, "xian")
    page.goto("/reports/measures/")
    assert page.locator("#figures-8").count() == 0  # not yet asked for
    page.locator("#measure-8").scroll_into_view_if_needed()
    row = page.locator('#figures-8 tr[data-indicator="training_sessions"]')
    row.wait_for()
    assert "未达标" in row.inner_text() and "≥ 5" in row.inner_text()
    page.locator("#figures-8 .trends, #trends-8").first.scroll_into_view_if_needed()
    page.locator("#trends-8 [data-chart][data-drawn] canvas").first.wait_for()
    assert errors == []
    page.locator("#ranking-training_sessions summary").click()
    page.locator("#ranking-training_sessions a", has_text="东关大街街道").click()
    page.wait_for_url("**/reports/measures/?region=630102001*")
    assert "东关大街街道" in page.locator("h1").inner_text()
