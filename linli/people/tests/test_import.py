import io

import pytest
import xlwt
from django.urls import reverse
from openpyxl import Workbook

from linli.core import importing
from linli.core.models import ImportJob, ImportStatus
from linli.people.models import Contact, GroupMembership, Person
from linli.people.tests.conftest import CHILD, OLD_MAN, WOMAN, register

pytestmark = pytest.mark.django_db
HEADER = ["序号", "姓名", "身份证号码", "性别", "出生年月", "民族", "联系电话", "所属乡镇", "村(社区)",
          "家庭住址", "人员类别", "居住状况", "监护人", "监护人电话"]


def _xlsx(rows, *, footer=True) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(["城东区特殊困难老年人及困境儿童花名册"])
    sheet.append(["填报单位:东关大街街道"])
    sheet.append(HEADER)
    for number, row in enumerate(rows, start=1):
        sheet.append([number, *row])
    if footer:
        sheet.append([])
        sheet.append(["填表人:马晓梅", None, None, "审核人:张海燕"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


GOOD = [
    ["马福寿", OLD_MAN, "男", "1948.1", "回", "13897000001", "东关大街", "北关社区", "北关街12号",
     "独居老人、低保", "独居", "", ""],
    ["张秀英", f"{WOMAN[:6]} {WOMAN[6:]}".replace("3", "３"), "女", "1980年1月", "汉族", "", "",
     "北关社区居民委员会", "", "低保", "", "", ""],
    ["才让卓玛", CHILD, "女", 42156, "藏族", "", "东关大街街道", "北关社区", "", "留守儿童", "",
     "旦正", "13997000002"],
    ["无证老人", "", "男", "19450305", "汉", "", "", "慈幼社区", "", "高龄", "", "", ""],
]


def _preview(actor, content):
    return importing.import_preview(actor=actor, kind="people", filename="roster.xlsx",
                                    content=content)


def test_it_imports_a_roster_with_groups_guardians_and_flags(personas):
    job = _preview(personas.township, _xlsx(GOOD))
    assert (job.valid_rows, job.error_rows) == (4, 0), job.errors
    assert job.preview[1][1] == "632301********0023"  # full-width digits and a space normalised
    job = importing.import_commit(actor=personas.township, job=job)
    assert job.created_count == 4
    elder = Person.objects.get(name="马福寿")
    assert (elder.ethnicity, elder.living, str(elder.birth_date)) == ("回族", "alone", "1948-01-01")
    assert set(elder.group_memberships.values_list("group__code", flat=True)) == {
        "elderly_alone", "dibao"}
    assert elder.history.count() == 1 and elder.domain_mask
    child = Person.objects.get(name="才让卓玛")
    assert Contact.objects.get(person=child).is_guardian
    flagged = Person.objects.get(name="无证老人")
    assert not flagged.has_id_number and str(flagged.birth_date) == "1945-03-05"


def test_it_reports_bad_rows_and_keeps_good_ones(personas):
    bad = [
        ["错位数", "63230119800101002", "", "", "", "", "", "北关社区", "", "", "", "", ""],
        ["科学计数", 6.30202e17, "", "", "", "", "", "北关社区", "", "", "", "", ""],
        ["校验错", "632301198001010024", "", "", "", "", "", "北关社区", "", "", "", "", ""],
        ["重复者", OLD_MAN, "", "", "", "", "", "北关社区", "", "", "", "", ""],
        ["外村人", "", "", "", "", "", "", "朝阳山社区", "", "", "", "", ""],
        ["怪类别", "", "", "1950.3", "", "", "", "北关社区", "", "五好家庭", "", "", ""],
    ]
    job = _preview(personas.township, _xlsx(GOOD + bad))
    reasons = {e["row"]: e["reason"] for e in job.errors}
    assert job.valid_rows == 4 and job.error_rows == 6
    assert "应为 18 位" in reasons[8] and "Excel 当作数字" in reasons[9]
    assert "校验位不正确" in reasons[10] and "与工作表" in reasons[11]
    assert "找不到“朝阳山社区”" in reasons[12] and "五好家庭" in reasons[13]
    job = importing.import_commit(actor=personas.township, job=job)
    assert job.created_count == 4 and Person.objects.count() == 4


def test_it_refuses_a_number_registered_in_another_region_without_saying_where(personas):
    register(personas.other_county, name="祁文斌", id_number=OLD_MAN, village="630202001001")
    job = _preview(personas.township, _xlsx(GOOD[:1]))
    assert job.errors[0]["reason"] == "该身份证号已在其他地区登记,请联系上级民政部门核实"


def test_it_reimports_harmlessly_and_updates_changes(personas):
    content = _xlsx(GOOD)
    importing.import_commit(actor=personas.township, job=_preview(personas.township, content))
    again = importing.import_commit(actor=personas.township,
                                    job=_preview(personas.township, content))
    assert (again.created_count, again.updated_count, again.unchanged_count) == (0, 0, 4)
    changed = [list(r) for r in GOOD]
    changed[0][5] = "13897000999"
    third = importing.import_commit(actor=personas.township,
                                    job=_preview(personas.township, _xlsx(changed)))
    assert (third.updated_count, third.unchanged_count) == (1, 3)
    assert Person.objects.get(name="马福寿").phone == "13897000999"
    assert Person.objects.count() == 4 and GroupMembership.objects.count() == 5


def test_it_reads_xls(personas):
    book = xlwt.Workbook()
    sheet = book.add_sheet("名册")
    for col, title in enumerate(["姓名", "公民身份号码", "村(社区)", "对象类别"]):
        sheet.write(0, col, title)
    for col, value in enumerate(["马福寿", OLD_MAN, "北关社区", "独居老人"]):
        sheet.write(1, col, value)
    buffer = io.BytesIO()
    book.save(buffer)
    job = _preview(personas.township, buffer.getvalue())
    assert job.valid_rows == 1, job.errors


def test_it_refuses_groups_outside_the_importers_domains(personas):
    rows = [["病人", "", "", "1960.1", "", "", "", "北关社区", "", "严重精神障碍患者", "", "", ""],
            ["老人", "", "", "1940.1", "", "", "", "北关社区", "", "高龄", "", "", ""],
            ["无类别", "", "", "1940.1", "", "", "", "北关社区", "", "", "", "", ""]]
    job = _preview(personas.province_elderly, _xlsx(rows))
    reasons = [e["reason"] for e in job.errors]
    assert job.valid_rows == 1
    assert "您的权限不包括“严重精神障碍患者”类对象" in reasons[0] and "请填写对象类别" in reasons[1]
    assert _preview(personas.township, _xlsx(rows)).valid_rows == 3  # the township may


def test_it_runs_big_files_in_the_background(personas, settings):
    settings.LINLI_BACKGROUND_IMPORT_BYTES = 1  # everything is "big"
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    from django_tasks_db.models import DBTaskResult

    job = _preview(personas.township, _xlsx(GOOD))
    assert job.status == ImportStatus.CHECKING
    assert DBTaskResult.objects.count() == 0  # enqueued when the transaction commits


def test_the_page_flow_and_progress(personas, as_user, settings):
    client = as_user(personas.township)
    upload = io.BytesIO(_xlsx(GOOD))
    upload.name = "roster.xlsx"
    response = client.post(reverse("core:import_upload", args=["people"]), {"file": upload})
    job = ImportJob.objects.get()
    assert response.url == reverse("core:import_job", args=[job.pk])
    page = client.get(response.url).content.decode()
    assert "导入 4 条有效记录" in page and "632301********0015" in page
    client.post(reverse("core:import_commit", args=[job.pk]))
    assert Person.objects.count() == 4
    assert client.post(reverse("core:import_commit", args=[job.pk]), follow=True).status_code == 422


def test_the_same_person_twice_in_a_file_is_refused_however_the_number_is_typed(personas):
    """Rows are the same person by their number (kept for every row as a small integer),
    or by name, village and birth date without one."""
    x_number = "11010519491231002X"
    rows = [
        ["马福寿", OLD_MAN, "", "", "", "", "", "北关社区", "", "", "", "", ""],
        ["马福寿", f"{OLD_MAN[:6]} {OLD_MAN[6:]}".replace("1", "１"), "", "", "", "", "", "北关社区",
         "", "", "", "", ""],
        ["某甲", x_number, "", "", "", "", "", "北关社区", "", "", "", "", ""],
        ["某乙", x_number[:17] + "0", "", "", "", "", "", "北关社区", "", "", "", "", ""],
        ["无证老人", "", "", "1945.3", "", "", "", "北关社区", "", "", "", "", ""],
        ["无证老人", "", "", "1945年3月", "", "", "", "北关社区", "", "", "", "", ""],
        ["无证老人", "", "", "1946.3", "", "", "", "北关社区", "", "", "", "", ""],
    ]
    job = _preview(personas.township, _xlsx(rows))
    duplicates = {e["row"]: e["reason"] for e in job.errors}
    assert duplicates.keys() == {5, 7, 9}, job.errors
    assert duplicates[5] == duplicates[9].replace("第 8 行", "第 4 行") == "与工作表“Sheet”第 4 行重复"
    assert "校验位不正确" in duplicates[7]  # a different number, refused for its own reason
