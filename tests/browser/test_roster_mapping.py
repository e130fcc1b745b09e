"""A roster as a township keeps it (issue 10): no 村(社区) column — the village is in a
column under a local heading — and a category in a local wording. The clerk maps the
column and the value on the checked file's page, checks again, and commits."""

import io

import pytest
from openpyxl import Workbook

from conftest import OUR_TOWNSHIP, make_user, sign_in
from linli.accounts.roles import Role
from linli.core.models import ImportMemory
from linli.people.models import Person
from linli.people.tests.conftest import OLD_MAN, WOMAN

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _roster() -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(["东关大街街道留守老年人花名册"])
    sheet.append(["序号", "姓名", "身份证号码", "居住点", "人员类别"])
    sheet.append([1, "马福寿", OLD_MAN, "北关社区", "孤老户"])
    sheet.append([2, "张秀英", WOMAN, "北关社区", "低保"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_a_roster_without_a_village_column_is_mapped_and_committed(page, tmp_path):
    clerk = make_user("zhuli", Role.TOWNSHIP_ASSISTANT, OUR_TOWNSHIP)
    roster = tmp_path / "留守老人.xlsx"
    roster.write_bytes(_roster())

    sign_in(page, "zhuli")
    page.goto("/imports/people/")
    page.set_input_files("#id_file", str(roster))
    page.get_by_role("button", name="上传并检查").click()

    # Checked: 居住点 is not a known heading, 孤老户 not a known category.
    page.wait_for_selector("#choices")
    assert "孤老户" in page.locator("[data-question=group_values]").inner_text()
    page.get_by_label("“居住点”列改为").select_option(label="村(社区)")
    page.get_by_label("“孤老户”对应为").select_option(label="特困人员")
    page.click("#recheck")

    page.wait_for_selector("#commit:not([disabled])")
    assert "有效行 2" in page.locator("#job-counts").inner_text()
    assert page.locator("[data-question=group_values]").count() == 0
    page.click("#commit")
    page.wait_for_selector("#job-status:has-text('已导入')")
    assert "新增 2" in page.locator("#job-counts").inner_text()

    elder = Person.objects.get(name="马福寿")
    assert elder.region.name.startswith("北关社区")
    assert set(elder.group_memberships.values_list("group__code", flat=True)) == {"tekun"}
    assert ImportMemory.objects.get(user=clerk, kind="people").columns == {"居住点": "region"}
