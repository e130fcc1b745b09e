import io

import pytest
import xlwt
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from linli.core import importing
from linli.core.models import ImportJob
from linli.orgs.models import Organisation
from linli.orgs.tests.conftest import filed

pytestmark = pytest.mark.django_db

GOOD = [
    # 组织名称, 类别, 统一社会信用代码, 乡镇, 村(社区), 负责人, 电话, 成员, 成立, 服务对象, 领办
    ("北关社区夕阳红志愿服务队", "公益慈善类", "", "东关大街街道", "北关社区", "马秀兰",
     "13897000001", "18", "2019.3", "老年人、残疾人", "是"),
    ("慈幼社区文艺队", "文体活动", "", "东关大街", "630102001004", "才让卓玛", "", 25.0,
     43466, "", "否"),
]


def _messy_xlsx(rows, *, extra_sheet=True) -> bytes:
    """Title rows, a two-row merged header with synonyms, blank rows, a footer."""
    book = Workbook()
    sheet = book.active
    sheet.title = "东关街道"
    sheet.append(["城东区社区社会组织花名册"])
    sheet.append(["填报单位:东关大街街道办事处", None, None, None, None, "2026年11月"])
    sheet.append(["序号", "社会组织名称", "组织类别", "统一社会信用代码", "所属乡镇(街道)", "所在村(社区)",
                  "负责人", None, "成员数", "成立时间", "服务群体", "是否领办"])
    sheet.append([None, None, None, None, None, None, "姓名", "联系电话"])
    sheet.merge_cells("G3:H3")
    for number, row in enumerate(rows, start=1):
        sheet.append([number, *row])
        if number == 1:
            sheet.append([])  # a blank row in the middle
    sheet.append(["填表人:马晓梅", None, "审核人:张海燕"])
    if extra_sheet:
        second = book.create_sheet("清真巷街道")
        second.append(["名称", "类别", "村(社区)", "乡镇", "负责人姓名"])
        second.append(["团结社区邻里互助会", "生活服务类", "团结社区", "清真巷街道", "韩永福"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _preview(actor, content, name="roster.xlsx"):
    return importing.import_preview(actor=actor, kind="orgs", filename=name, content=content)


def test_it_reads_a_messy_roster_and_previews_every_row(personas):
    job = _preview(personas.county, _messy_xlsx(GOOD))
    assert (job.total_rows, job.valid_rows, job.error_rows) == (3, 3, 0), job.errors
    first = job.preview[0]
    assert first[0] == "北关社区夕阳红志愿服务队" and first[5] == "北关社区居民委员会"
    assert first[12] == "2019-03-01" and first[13] == "老年人、残疾人"
    assert job.preview[1][12] == "2019-01-01"  # an Excel date serial
    assert not Organisation.objects.exists()  # a preview writes nothing


def test_it_reports_bad_rows_with_row_numbers_and_keeps_the_good_ones(personas):
    bad = [
        ("城东区慈善协会", "公益慈善类", "51630000MJY000001X", "", "城东区", "张三", "", "", "",
         "", ""),
        ("北关社区书画协会", "书画类", "", "东关大街街道", "北关社区", "李四", "", "", "", "", ""),
        ("乐都朝阳山互助会", "生活服务类", "", "", "朝阳山社区", "王五", "", "", "", "", ""),
        ("北关社区夕阳红志愿服务队", "公益慈善类", "", "东关大街街道", "北关社区", "马秀兰", "", "", "",
         "", ""),
        ("无负责人协会", "生活服务类", "", "东关大街街道", "北关社区", "", "", "", "", "", ""),
        ("北关社区棋牌队", "文体活动类", "", "东关大街街道", "北关社区", "赵六", "", "六十", "", "", ""),
    ]
    job = _preview(personas.county, _messy_xlsx(GOOD + bad, extra_sheet=False))
    reasons = {e["row"]: e["reason"] for e in job.errors}
    assert job.valid_rows == 2 and job.error_rows == 6
    assert "校验位不正确" in reasons[8] and "类别应为" in reasons[9]
    assert "找不到“朝阳山社区”" in reasons[10]  # another county's village: not found, not shown
    assert "与工作表“东关街道”第 5 行重复" in reasons[11]
    assert "负责人为空" in reasons[12] and "不是数字" in reasons[13]
    job = importing.import_commit(actor=personas.county, job=job)
    assert (job.created_count, job.error_rows) == (2, 6)
    assert Organisation.objects.count() == 2


def test_it_reimports_harmlessly(personas):
    content = _messy_xlsx(GOOD)
    first = importing.import_commit(actor=personas.county, job=_preview(personas.county, content))
    again = importing.import_commit(actor=personas.county, job=_preview(personas.county, content))
    assert first.created_count == 3
    assert (again.created_count, again.updated_count, again.unchanged_count) == (0, 0, 3)
    assert Organisation.objects.count() == 3


def test_it_updates_changed_rows_and_refuses_filed_content_changes(personas):
    filed(personas.township, personas.township)  # 北关社区夕阳红志愿服务队, filed and active
    job = importing.import_commit(actor=personas.county, job=_preview(personas.county,
                                                                     _messy_xlsx(GOOD)))
    assert job.created_count == 2 and job.error_rows == 1
    assert "变更备案" in job.errors[0]["reason"]


def test_it_reads_old_xls_files(personas):
    book = xlwt.Workbook()
    sheet = book.add_sheet("花名册")
    sheet.write(0, 0, "社区社会组织登记表")
    for col, title in enumerate(["组织名称", "类别", "村(社区)", "乡镇(街道)", "负责人", "成立日期"]):
        sheet.write(2, col, title)
    sheet.write(3, 0, "北关社区健身舞蹈队")
    sheet.write(3, 1, "文体活动类")
    sheet.write(3, 2, "北关社区居民委员会")
    sheet.write(3, 3, "东关大街街道")
    sheet.write(3, 4, "冶正清")
    sheet.write(3, 5, 19500305)
    buffer = io.BytesIO()
    book.save(buffer)
    job = _preview(personas.county, buffer.getvalue(), "old.xls")
    assert job.valid_rows == 1, job.errors
    assert job.preview[0][12] == "1950-03-05"


def test_it_handles_a_thousand_rows_with_one_bad(personas):
    villages = ["北关社区", "慈幼社区", "五一社区"]
    rows = [(f"东关第{i}互助小组", "生活服务类", "", "东关大街街道", villages[i % 3], "马秀兰", "", i % 50,
             "", "", "") for i in range(1000)]
    rows[500] = (*rows[500][:7], "很多", *rows[500][8:])
    job = _preview(personas.county, _messy_xlsx(rows, extra_sheet=False))
    assert (job.valid_rows, job.error_rows) == (999, 1)
    assert job.errors[0]["row"] == 506  # 4 header rows, a blank row after the first
    job = importing.import_commit(actor=personas.county, job=job)
    assert job.created_count == 999


def test_it_says_clearly_when_a_file_is_not_a_roster(personas):
    from linli.core.errors import Invalid

    with pytest.raises(Invalid, match="无法读取该文件"):
        _preview(personas.county, b"not a spreadsheet", "x.xlsx")
    book = Workbook()
    book.active.append(["姓名", "年龄"])
    buffer = io.BytesIO()
    book.save(buffer)
    with pytest.raises(Invalid, match="没有找到表头"):
        _preview(personas.county, buffer.getvalue())


def test_it_runs_through_the_pages_with_an_error_report(personas, as_user):
    client = as_user(personas.county)
    upload = io.BytesIO(_messy_xlsx([*GOOD, ("坏行", "生活服务类", "", "", "不存在社区", "某某", "",
                                             "", "", "", "")]))
    upload.name = "roster.xlsx"
    response = client.post(reverse("core:import_upload", args=["orgs"]), {"file": upload})
    job = ImportJob.objects.get()
    assert response.url == reverse("core:import_job", args=[job.pk])
    page = client.get(response.url).content.decode()
    assert "找不到“不存在社区”" in page and "导入 3 条有效记录" in page
    report = client.get(reverse("core:import_errors", args=[job.pk]))
    rows = list(load_workbook(io.BytesIO(report.content)).active.values)
    assert rows[1][:3] == ("工作表", "行号", "错误原因") and rows[2][1] == 8
    client.post(reverse("core:import_commit", args=[job.pk]))
    assert Organisation.objects.count() == 3
    assert as_user(personas.other_county).get(
        reverse("core:import_job", args=[job.pk])).status_code == 404


def test_it_keeps_import_from_roles_without_edit(personas, as_user):
    assert as_user(personas.auditor).get(
        reverse("core:import_upload", args=["orgs"])).status_code == 404
    assert as_user(personas.county).get(
        reverse("core:import_upload", args=["nothing"])).status_code == 404


def test_it_warns_of_formula_like_values_and_still_imports_the_row(personas):
    row = ("北关社区棋牌队", "文体活动类", "", "东关大街街道", "北关社区", "@马秀兰", "+86 138 9700 0001",
           "", "", "", "")
    job = _preview(personas.county, _messy_xlsx([row], extra_sheet=False))
    assert (job.valid_rows, job.error_rows, job.warning_rows) == (1, 0, 1)
    assert job.warnings[0]["reason"] == "“负责人”以“@”开头,可能是公式,已按文本保存"  # not the phone
    importing.import_commit(actor=personas.county, job=job)
    assert Organisation.objects.get().leader_name == "@马秀兰"
