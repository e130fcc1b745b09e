"""Where an organisation of a roster is active (issue 10): its 活动地域 / 村(社区) column as
clerks write it, its 活动场所, its 乡镇 column, the sheet's name or title, the file's
default — and a place of another county refused without saying where it is."""

import io

import pytest
from django.urls import reverse
from openpyxl import Workbook

from conftest import OUR_COUNTY, OUR_TOWNSHIP, OUR_VILLAGE
from linli.core import importing
from linli.core.errors import Invalid
from linli.core.models import ImportJob
from linli.orgs.importers import OrganisationImporter
from linli.orgs.models import Kind, Organisation
from linli.orgs.validators import credit_code_check_char

pytestmark = pytest.mark.django_db
DAZHONG = "630102003"  # 大众街街道
YOUYI = "630102003203"  # 友谊村村民委员会 (大众街街道)
HEADER = ("序号", "组织名称", "类别", "乡镇(街道)", "村(社区)", "负责人", "活动场所")


def roster(rows, *, header=HEADER, sheet_name="Sheet1", titles=("城东区社区社会组织花名册",),
           extra=None) -> bytes:
    """A county's xlsx: title rows, the header, numbered rows, a blank row, a footer."""
    book = Workbook()
    sheet = book.active
    sheet.title = sheet_name
    for title in titles:
        sheet.append([title])
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


def org(name, village="", township="", address="", category="生活服务类"):
    return [name, category, township, village, "马秀兰", address]


def preview(actor, content, **options):
    return importing.import_preview(actor=actor, kind="orgs", filename="花名册.xlsx",
                                    content=content, options=options)


def commit(actor, content, **options):
    return importing.import_commit(actor=actor, job=preview(actor, content, **options))


def reasons(job) -> dict[int, str]:
    return {e["row"]: e["reason"] for e in job.errors}


def warnings(job) -> dict[int, str]:
    return {w["row"]: w["reason"] for w in job.warnings}


def placed() -> dict[str, str]:
    return dict(Organisation.objects.values_list("name", "region_code"))


def code(body: str) -> str:
    return body + credit_code_check_char(body)


def test_it_reads_villages_written_with_committee_words_short_names_and_group_numbers(personas):
    job = commit(personas.county, roster([
        org("友谊互助会", "友谊村委会3组"), org("北关舞蹈队", "北关居委会"),
        org("先进秧歌队", "先进村村民委员会"), org("慈幼书画社", "东关大街街道慈幼社区"),
        org("五一棋牌队", "630102001005")]))
    assert (job.created_count, job.error_rows) == (5, 0), job.errors
    assert placed() == {"友谊互助会": YOUYI, "北关舞蹈队": OUR_VILLAGE,
                        "先进秧歌队": "630102003204", "慈幼书画社": "630102001004",
                        "五一棋牌队": "630102001005"}


def test_it_places_an_organisation_by_the_village_of_its_activity_address(personas):
    job = commit(personas.county, roster([
        org("友谊互助会", address="大众街街道友谊村3组村委会二楼"),
        org("北关舞蹈队", address="青海省西宁市城东区东关大街街道北关社区活动室")]))
    assert job.created_count == 2, job.errors
    assert placed() == {"友谊互助会": YOUYI, "北关舞蹈队": OUR_VILLAGE}
    assert "未填写活动地域,已按活动场所登记为“友谊村村民委员会”" in warnings(job)[3]


def test_it_keeps_an_organisation_active_across_a_township_or_a_county(personas):
    header = ("序号", "组织名称", "组织类型", "类别", "统一社会信用代码", "村(社区)", "备案机关",
              "负责人")
    county_code = code("51630102MJA000001")
    job = commit(personas.county, roster([
        ["大众街志愿者协会", "社区社会组织", "公益慈善类", "", "大众街街道", "", "韩永福"],
        ["城东区慈善协会", "社会团体", "公益慈善类", county_code, "城东区", "城东区民政局", "张三"],
    ], header=header))
    assert (job.created_count, job.error_rows) == (2, 0), job.errors
    township_org = Organisation.objects.get(name="大众街志愿者协会")
    assert (township_org.region_code, township_org.authority_region_code) == (DAZHONG, DAZHONG)
    county_org = Organisation.objects.get(name="城东区慈善协会")
    assert (county_org.region_code, county_org.authority_region_code) == (OUR_COUNTY, OUR_COUNTY)
    assert county_org.kind == Kind.SOCIAL_GROUP and not job.warning_rows  # nothing guessed


def test_it_puts_an_organisation_at_the_township_of_its_township_column(personas):
    job = commit(personas.county, roster([org("东关志愿服务队", township="东关大街街道")]))
    assert job.created_count == 1 and not job.warning_rows, job.errors
    assert placed() == {"东关志愿服务队": OUR_TOWNSHIP}


def test_it_warns_of_a_township_written_under_its_old_name(personas):
    job = commit(personas.county, roster([org("北关舞蹈队", "北关社区", township="东关大街镇")]))
    assert job.created_count == 1, job.errors
    assert "“东关大街镇”已更名为“东关大街街道”,已按新名称登记" in warnings(job)[3]


def test_it_finds_a_village_under_another_township_of_the_county_with_a_warning(personas):
    job = commit(personas.county, roster([org("友谊互助会", "友谊村", township="东关大街街道")]))
    assert job.created_count == 1, job.errors
    assert "“友谊村”不在“东关大街街道”,已按其所属的“大众街街道”登记" in warnings(job)[3]
    assert placed() == {"友谊互助会": YOUYI}
    assert Organisation.objects.get().authority_region_code == DAZHONG


def test_it_lists_the_candidates_of_an_ambiguous_village(personas):
    job = preview(personas.county, roster([org("团结互助会", "团结")]))
    assert job.valid_rows == 0
    assert "清真巷街道/团结社区居民委员会、八一路街道/团结村村民委员会" in reasons(job)[3]


def test_it_refuses_another_countys_places_without_saying_where_they_are(personas):
    job = preview(personas.county, roster([
        org("朝阳山互助会", "朝阳山社区"), org("碾伯舞蹈队", "碾伯街道"),
        org("朝阳山书画社", address="碾伯街道朝阳山社区居委会5号"),
        org("古城棋牌队", "630202001002"), org("东门秧歌队", "东门巷村", township="碾伯街道")]))
    assert (job.valid_rows, job.error_rows) == (0, 5)
    found = reasons(job)
    assert found[3] == "在您的辖区内找不到“朝阳山社区”"
    assert found[4] == "在您的辖区内找不到乡镇(街道)“碾伯街道”"
    assert found[6] == "区划代码 630202001002 不在您的辖区内或不存在"
    for reason in found.values():
        assert "乐都" not in reason and "海东" not in reason and "630202" not in reason.replace(
            "630202001002", "")
    # the same answer as for a place that exists nowhere
    job = preview(personas.county, roster([org("幸福互助会", "幸福村")]))
    assert reasons(job)[3] == "在您的辖区内找不到“幸福村”"
    assert not Organisation.objects.exists()


def test_it_refuses_a_village_named_but_not_found_instead_of_guessing_its_township(personas):
    job = preview(personas.county, roster([org("幸福互助会", "幸福村", township="东关大街街道")]))
    assert job.valid_rows == 0 and "找不到“幸福村”" in reasons(job)[3]


def test_it_takes_the_place_from_the_sheet_name(personas):
    content = roster([org("友谊互助会", "友谊"), org("大众街书画社")], sheet_name="大众街街道",
                     extra={"Sheet2": [org("无处安放的协会")]})
    job = commit(personas.county, content)
    assert job.created_count == 2
    assert placed()["友谊互助会"] == YOUYI and placed()["大众街书画社"] == DAZHONG
    assert "未填写活动地域,已按工作表名称登记为“大众街街道”" in warnings(job)[4]
    assert "活动地域为空" in reasons(job)[2]  # Sheet2 names no place


def test_it_takes_the_place_from_a_title_or_fill_in_row(personas):
    content = roster([org("友谊互助会", "友谊")],
                     titles=("城东区社区社会组织花名册", "填报单位:大众街街道办事处"))
    job = commit(personas.county, content)
    assert job.created_count == 1, job.errors
    assert placed() == {"友谊互助会": YOUYI}  # 友谊 is only a village's stem here

    class Titled:  # a sheet as the reader gives it: its first title row
        name, title, rows = "Sheet1", "大众街街道社区社会组织花名册", []

    importer = OrganisationImporter(personas.county)
    importer.start_sheet(Titled)
    assert importer.places.context.region.code == DAZHONG


def test_it_places_rows_by_the_files_default_region(personas):
    content = roster([org("大众街书画社"), org("先进秧歌队", "先进村")])
    job = commit(personas.county, content, region="大众街街道")
    assert job.created_count == 2, job.errors
    assert placed() == {"大众街书画社": DAZHONG, "先进秧歌队": "630102003204"}
    assert "未填写活动地域,已按默认区划登记为“大众街街道”" in warnings(job)[3]
    importer = OrganisationImporter(personas.county, options={"region": OUR_VILLAGE})
    assert importer.places.default.region.code == OUR_VILLAGE
    importer = OrganisationImporter(personas.county, options={"region": "城东区"})
    assert importer.places.default.region.code == OUR_COUNTY


def test_it_refuses_a_default_region_outside_the_scope_on_its_field(personas):
    for outside in ("碾伯街道", "630202001", "朝阳山社区"):
        with pytest.raises(Invalid, match="默认区划") as refused:
            OrganisationImporter(personas.county, options={"region": outside})
        assert list(refused.value.details) == ["region"]
        assert "乐都" not in refused.value.message
    with pytest.raises(Invalid) as refused:
        OrganisationImporter(personas.county, options={"group": "老年人"})
    assert list(refused.value.details) == ["group"]


def test_the_upload_page_asks_for_the_default_region_and_refuses_it_on_its_field(
        personas, as_user):
    client = as_user(personas.county)
    url = reverse("core:import_upload", args=["orgs"])
    assert 'name="region"' in client.get(url).content.decode()
    upload = io.BytesIO(roster([org("大众街书画社")]))
    upload.name = "roster.xlsx"
    page = client.post(url, {"file": upload, "region": "碾伯街道"}).content.decode()
    assert "在您的辖区内找不到乡镇(街道)“碾伯街道”" in page and not ImportJob.objects.exists()
    upload.seek(0)
    response = client.post(url, {"file": upload, "region": "大众街街道"})
    job = ImportJob.objects.get()
    assert response.url == reverse("core:import_job", args=[job.pk])
    assert (job.options, job.valid_rows) == ({"region": "大众街街道"}, 1)
