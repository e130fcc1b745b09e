"""Where each row of a roster lives: a 村(社区) column, the address, the sheet's name or
title, or the file's default — and rows left at their township (issue 10)."""

import io
import uuid

import pytest
import xlwt
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

from conftest import OUR_COUNTY, OUR_TOWNSHIP, OUR_VILLAGE
from linli.core import importing
from linli.core.errors import Invalid
from linli.core.excel import read_roster
from linli.people import selectors, services
from linli.people.importers import PeopleImporter, Row
from linli.people.models import Person
from linli.people.tests.conftest import OLD_MAN, WOMAN
from linli.regions.models import Region
from linli.visits import selectors as visit_selectors
from linli.visits import services as visit_services
from linli.visits.models import Schedule
from linli.visits.seeds import ensure_policies

pytestmark = pytest.mark.django_db
DAZHONG = "630102003"  # 大众街街道, the county's other township with villages
YOUYI = "630102003203"  # 友谊村村民委员会 (大众街街道)


def roster(rows, *, header=("序号", "姓名", "身份证号码", "家庭住址", "人员类别"),
           title="城东区农村留守老年人花名册", sheet_name="Sheet1", extra=None) -> bytes:
    """A county's xlsx: a title row, a fill-in row, the header, rows, blank row, footer."""
    book = Workbook()
    sheet = book.active
    sheet.title = sheet_name
    sheet.append([title])
    sheet.append(["填报单位:(盖章)", None, None, "填报日期:2025年3月"])
    sheet.append(list(header))
    for number, row in enumerate(rows, start=1):
        sheet.append([number, *row])
    sheet.append([])
    sheet.append(["填表人:马晓梅", None, "审核人:张海燕"])
    for name, more in (extra or {}).items():
        other = book.create_sheet(name)
        other.append(list(header))
        for number, row in enumerate(more, start=1):
            other.append([number, *row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def preview(actor, content):
    return importing.import_preview(actor=actor, kind="people", filename="名册.xlsx",
                                    content=content)


def reasons(job) -> dict[int, str]:
    return {e["row"]: e["reason"] for e in job.errors}


def warnings(job) -> dict[int, str]:
    return {w["row"]: w["reason"] for w in job.warnings}


def run(actor, content, **options) -> tuple[PeopleImporter, list]:
    """The importer driven as the engine is asked to drive it (report): options given to
    the importer, start_sheet() before each sheet's rows."""
    importer = PeopleImporter(actor, options=options)
    cleaned = []
    for sheet in read_roster(content, importer.columns):
        importer.start_sheet(sheet)
        for _number, values in sheet.rows:
            try:
                cleaned.append(importer.clean(values))
            except ValueError as error:
                cleaned.append(error)
    return importer, cleaned


def test_it_places_rows_from_the_address_when_there_is_no_village_column(personas):
    job = preview(personas.county, roster([
        ["马福寿", OLD_MAN, "青海省西宁市城东区大众街街道友谊村3组45号", "留守老人"],
        ["张秀英", WOMAN, "先进村二社", "空巢老人"],
        ["韩麦", "", "火车站街道车站社区居民委员会12号楼", "独居老人"]]))
    assert (job.valid_rows, job.error_rows) == (3, 0), job.errors
    assert "缺少必填列" not in str(job.errors)
    importing.import_commit(actor=personas.county, job=job)
    placed = dict(Person.objects.values_list("name", "region__name"))
    assert placed == {"马福寿": "友谊村村民委员会", "张秀英": "先进村村民委员会",
                      "韩麦": "车站社区居民委员会"}


def test_it_reads_a_village_column_written_with_committee_words_and_group_numbers(personas):
    header = ("序号", "姓名", "身份证号码", "村(居)委会", "类别")
    job = preview(personas.county, roster([
        ["马福寿", OLD_MAN, "友谊村委会3组", "留守老人"], ["张秀英", WOMAN, "北关居委会", "空巢"]],
        header=header))
    assert job.valid_rows == 2, job.errors
    assert [row[7] for row in job.preview] == ["友谊村村民委员会", "北关社区居民委员会"]


def test_it_warns_of_a_township_written_under_its_old_name(personas):
    header = ("序号", "姓名", "身份证号码", "乡镇", "村(社区)", "类别")
    job = preview(personas.county, roster([["马福寿", OLD_MAN, "东关大街镇", "北关社区", "高龄"]],
                                          header=header))
    assert job.valid_rows == 1, job.errors
    assert "“东关大街镇”已更名为“东关大街街道”,已按新名称登记" in warnings(job)[4]


def test_it_finds_a_village_under_another_township_of_the_county(personas):
    header = ("序号", "姓名", "身份证号码", "乡镇", "村(社区)", "类别")
    job = preview(personas.county, roster([["马福寿", OLD_MAN, "东关大街街道", "友谊村", "高龄"]],
                                          header=header))
    assert job.valid_rows == 1, job.errors
    assert "不在您的辖区" not in str(job.warnings) and "找不到" not in str(job.warnings)
    assert "“友谊村”不在“东关大街街道”,已按其所属的“大众街街道”登记" in warnings(job)[4]
    importing.import_commit(actor=personas.county, job=job)
    assert Person.objects.get().region_code == YOUYI


def test_it_lists_the_candidates_of_an_ambiguous_village(personas):
    job = preview(personas.county, roster([["马福寿", OLD_MAN, "团结", "高龄"]],
                                          header=("序号", "姓名", "身份证号码", "村", "类别")))
    assert job.valid_rows == 0
    assert "清真巷街道/团结社区居民委员会、八一路街道/团结村村民委员会" in reasons(job)[4]


def test_it_refuses_another_countys_village_without_saying_where_it_is(personas):
    header = ("序号", "姓名", "身份证号码", "村(社区)", "家庭住址", "类别")
    job = preview(personas.county, roster([
        ["马福寿", OLD_MAN, "朝阳山社区", "", "高龄"],
        ["张秀英", WOMAN, "", "朝阳山社区居委会5号", "高龄"]], header=header))
    assert job.valid_rows == 0
    for reason in reasons(job).values():
        assert reason == "在您的辖区内找不到“朝阳山社区”" or "朝阳山社区居委会" in reason
        assert "乐都" not in reason and "碾伯" not in reason and "海东" not in reason
    assert not Person.objects.exists()


def test_it_places_a_row_at_its_township_when_its_village_cannot_be_found(personas):
    job = preview(personas.county, roster([["马福寿", OLD_MAN, "东关大街街道幸福村5组", "高龄"]]))
    assert job.valid_rows == 1, job.errors
    assert "在您的辖区内找不到“幸福村”,已登记在“东关大街街道”,村(社区)待补充" in warnings(job)[4]
    assert job.preview[0][6:8] == ["东关大街街道", "(待补充)"]
    importing.import_commit(actor=personas.county, job=job)
    assert Person.objects.get().region_code == OUR_TOWNSHIP


def test_it_takes_the_township_from_the_sheet_name(personas):
    content = roster([["马福寿", OLD_MAN, "友谊村3组", "高龄"], ["张秀英", WOMAN, "", "高龄"]],
                     sheet_name="大众街街道",
                     extra={"Sheet2": [["韩麦", "", "", "高龄"]]})
    _importer, rows = run(personas.county, content)
    assert rows[0].region.code == YOUYI and not rows[0].at_township
    assert rows[1].region.code == DAZHONG and rows[1].at_township
    assert "未写明村(社区),已登记在“大众街街道”" in rows[1].warnings[0]
    assert "无法确定所在村(社区)" in str(rows[2])  # Sheet2 names no township


def test_it_takes_the_township_from_the_title_row(personas):
    class Titled:  # a sheet as read, with the title row the reader is asked to give
        name, title = "Sheet1", "大众街街道农村留守老年人花名册"
        rows = []

    importer = PeopleImporter(personas.county)
    importer.start_sheet(Titled)
    assert importer.context.region.code == DAZHONG


def test_it_places_rows_by_the_files_default_township_or_village(personas):
    content = roster([["马福寿", OLD_MAN, "", "高龄"], ["张秀英", WOMAN, "先进村", "高龄"]])
    _importer, rows = run(personas.county, content, region="东关大街街道")
    assert rows[0].region.code == OUR_TOWNSHIP and rows[0].at_township
    assert rows[1].region.name == "先进村村民委员会"
    assert "不在“东关大街街道”" in rows[1].warnings[0]
    _importer, rows = run(personas.county, content, region=OUR_VILLAGE)
    assert rows[0].region.code == OUR_VILLAGE and not rows[0].at_township
    with pytest.raises(Invalid, match="默认区划"):
        PeopleImporter(personas.county, options={"region": "碾伯街道"})


def test_it_reads_an_old_xls_roster_of_a_county(personas):
    book = xlwt.Workbook()
    sheet = book.add_sheet("韵家口镇")
    sheet.write(0, 0, "城东区困境儿童花名册")
    for col, title in enumerate(["序号", "儿童姓名", "身份证号", "家庭住址", "困境类型"]):
        sheet.write(2, col, title)
    for col, value in enumerate([1, "才让卓玛", "", "中庄三社", "留守儿童"]):
        sheet.write(3, col, value)
    sheet.write(5, 0, "填表人:马晓梅")
    buffer = io.BytesIO()
    book.save(buffer)
    job = preview(personas.county, buffer.getvalue())
    assert job.valid_rows == 1  # 中庄 is a 村 and a 社区, but the sheet is 韵家口镇
    _importer, rows = run(personas.county, buffer.getvalue())
    assert rows[0].region.code == "630102101200" and rows[0].groups == ["left_behind_child"]


def test_people_at_township_level_are_scoped_visited_and_counted(
        personas, django_capture_on_commit_callbacks):
    ensure_policies()
    content = roster([["马福寿", OLD_MAN, "东关大街街道", "独居老人"]])
    with django_capture_on_commit_callbacks(execute=True):
        importing.import_commit(actor=personas.county, job=preview(personas.county, content))
    person = Person.objects.get()
    assert person.region_code == OUR_TOWNSHIP
    for actor, sees in ((personas.county, True), (personas.township, True),
                        (personas.village, False), (personas.other_county, False)):
        assert selectors.people_list(actor=actor).filter(pk=person.pk).exists() is sees
    assert Schedule.objects.get(person=person).interval_days == 30
    visit_services.visit_record(actor=personas.township, visit_id=uuid.uuid4(),
                                person_id=person.pk, visited_at=timezone.now(), mode="home",
                                outcome="normal")
    county = Region.objects.get(code=OUR_COUNTY)
    rows = visit_selectors.visit_rate(actor=personas.county, region=county)
    township = next(r for r in rows if r.region.code == OUR_TOWNSHIP)
    assert (rows[0].due, rows[0].visited, township.due, township.visited) == (1, 1, 1, 1)
    # edited in place, and completed with its village
    services.person_update(actor=personas.township, person=person, version=person.version,
                           phone="13897000001")
    person.refresh_from_db()
    services.person_update(actor=personas.township, person=person, version=person.version,
                           region_code=OUR_VILLAGE)
    assert Person.objects.get().region_code == OUR_VILLAGE


def test_a_reimport_completes_the_village_of_a_person_left_at_the_township(personas):
    importing.import_commit(actor=personas.county, job=preview(
        personas.county, roster([["马福寿", OLD_MAN, "东关大街街道幸福村", "高龄"]])))
    again = importing.import_commit(actor=personas.county, job=preview(
        personas.county, roster([["马福寿", OLD_MAN, "东关大街街道北关社区", "高龄"]])))
    assert again.updated_count == 1
    assert Person.objects.get().region_code == OUR_VILLAGE


def test_the_people_list_shows_those_to_complete_with_their_count(personas, as_user):
    importing.import_commit(actor=personas.county, job=preview(personas.county, roster([
        ["马福寿", OLD_MAN, "东关大街街道幸福村", "高龄"], ["张秀英", WOMAN, "北关社区", "高龄"]])))
    client = as_user(personas.county)
    page = client.get(reverse("people:list")).content.decode()
    assert "待补充 1 人" in page and "张秀英" in page
    page = client.get(reverse("people:list") + "?to_complete=1").content.decode()
    assert "马福寿" in page and "张秀英" not in page and "村(社区)待补充" in page
    assert selectors.to_complete_count(actor=personas.other_county) == 0


def test_it_keeps_rows_that_name_no_place_as_errors(personas):
    _importer, rows = run(personas.county, roster([["马福寿", OLD_MAN, "", "高龄"]]))
    assert not isinstance(rows[0], Row) and "无法确定所在村(社区)" in str(rows[0])
