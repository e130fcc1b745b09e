import pytest

from conftest import OUR_TOWNSHIP, make_user, sign_in
from linli.accounts.roles import Role
from linli.people.models import Person
from linli.people.tests.test_import import GOOD, _xlsx

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_roster_goes_from_upload_to_committed_rows(page, tmp_path):
    make_user("zhuli", Role.TOWNSHIP_ASSISTANT, OUR_TOWNSHIP)
    bad = ["错行", "632301198001010024", "", "", "", "", "", "北关社区", "", "", "", "", ""]
    roster = tmp_path / "花名册.xlsx"
    roster.write_bytes(_xlsx([*GOOD, bad]))

    sign_in(page, "zhuli")
    page.get_by_role("link", name="关爱对象").first.click()
    page.get_by_role("link", name="导入花名册").click()
    page.set_input_files("#id_file", str(roster))
    page.get_by_role("button", name="上传并检查").click()

    page.wait_for_selector("#commit")
    assert "有效行 4" in page.locator("#job-counts").inner_text()
    assert "校验位不正确" in page.locator("#import-errors").inner_text()
    assert "632301********0015" in page.content()  # the preview shows masked numbers
    page.click("#commit")
    page.wait_for_selector("#job-status:has-text('已导入')")
    assert "新增 4" in page.locator("#job-counts").inner_text()
    assert Person.objects.count() == 4

    page.goto("/people/?q=mfs")
    assert page.locator("#people-table tbody tr").count() == 1
    assert "马福寿" in page.locator("#people-table").inner_text()
