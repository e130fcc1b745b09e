"""Every problem of a roster row at once (issue 10): each bad cell is an error of its own,
and what is saved anyway is told as warnings beside the row."""

import pytest

from linli.core import importing
from linli.orgs.models import Organisation
from linli.orgs.tests.test_import_places import preview, roster, warnings

pytestmark = pytest.mark.django_db
HEADER = ("序号", "组织名称", "组织类型", "类别", "统一社会信用代码", "乡镇(街道)", "村(社区)", "负责人",
          "成员数", "成立日期", "建立党组织", "服务对象")


def test_it_reports_every_bad_cell_of_a_row_at_once(personas):
    job = preview(personas.county, roster([
        ["", "社会团体", "书画类", "51630102MJA00000", "", "朝阳山社区", "", "很多", "2030.1",
         "也许", ""]], header=HEADER))
    assert (job.valid_rows, job.error_rows) == (0, 1)
    reasons = job.errors[0]["reason"].split(";")
    assert reasons == ["组织名称为空", "负责人为空",
                       "类别应为生活服务类、公益慈善类、社区事务类或文体活动类,而不是“书画类”",
                       "统一社会信用代码应为 18 位,当前为 16 位", "“很多”不是数字", "成立日期晚于今天",
                       "“也许”应填“是”或“否”", "在您的辖区内找不到“朝阳山社区”"]
    assert sum(job.error_counts.values()) == len(reasons)  # each reason counted once


def test_it_refuses_each_too_long_text_by_its_field(personas):
    job = preview(personas.county, roster([
        ["北" * 101, "", "生活服务类", "", "", "北关社区", "马" * 33, "", "", "", ""]],
        header=HEADER))
    reasons = job.errors[0]["reason"]
    assert "名称不能超过 100 个字" in reasons and "负责人不能超过 32 个字" in reasons


def test_it_keeps_a_row_saved_with_each_of_its_warnings(personas):
    job = preview(personas.county, roster([
        ["北关舞蹈队", "", "文体活动", "", "东关大街镇", "", "马秀兰", "", "", "", "老人、留守妇女、无"],
        ["坏行", "", "书画类", "", "东关大街镇", "北关社区", "马秀兰", "", "", "", ""]],
        header=HEADER))
    assert (job.valid_rows, job.error_rows, job.warning_rows) == (1, 1, 1)
    told = warnings(job)[3].split(";")
    assert told[0] == "“东关大街镇”已更名为“东关大街街道”,已按新名称登记"
    assert told[1].startswith("无法识别的服务对象“留守妇女”,未登记该项(服务对象应为:老年人、妇女、")
    assert len(told) == 2  # 老人 is 老年人; 无 is nothing
    # an error row keeps its warnings beside its errors
    assert job.errors[0]["warning"] == "“东关大街镇”已更名为“东关大街街道”,已按新名称登记"
    job = importing.import_commit(actor=personas.county, job=job)
    organisation = Organisation.objects.get()
    assert organisation.region_code == "630102001"  # active across the township, as written
    assert list(organisation.target_groups.values_list("code", flat=True)) == ["elderly"]
