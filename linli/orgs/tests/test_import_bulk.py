"""The roster checked and saved a batch at a time (issue 10): a few queries per thousand
rows, history for every record written, and the single-record services' outcomes
(created, updated, unchanged, refused) row by row."""

import pytest
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext

from conftest import OTHER_COUNTY, OUR_TOWNSHIP
from linli.core import importing
from linli.core.errors import Conflict
from linli.orgs import services
from linli.orgs.importers import OrganisationImporter
from linli.orgs.models import Category, Kind, Organisation, Status
from linli.orgs.tests.conftest import filed
from linli.orgs.tests.test_import_places import code, commit, preview, reasons, roster

pytestmark = pytest.mark.django_db
HEADER = ("序号", "组织名称", "组织类型", "类别", "统一社会信用代码", "村(社区)", "备案机关", "负责人",
          "负责人电话", "服务对象")
VILLAGES = ["北关社区", "慈幼社区", "五一社区", "友谊村", "团结社区"]


def rows(count: int, *, phone: str = "", groups: str = "老年人、残疾人") -> list[list]:
    """Community organisations, and a registered one (with its code) every fifth row."""
    made = []
    for i in range(count):
        kind, credit, authority = "", "", ""
        if i % 5 == 4:
            kind, credit, authority = "社会团体", code(f"51630102MJB{i:06d}"), "城东区民政局"
        made.append([f"第{i}互助会", kind, "生活服务类", credit, VILLAGES[i % 5], authority,
                     "马秀兰", phone, groups])
    return made


def queries(run) -> int:
    with CaptureQueriesContext(connection) as captured:
        run()
    return len(captured)


def test_it_checks_and_saves_a_batch_in_a_few_queries_whatever_its_size(personas):
    def checked(count):
        return queries(lambda: preview(personas.county, roster(rows(count), header=HEADER)))

    checked(1)  # the clerk's access, computed once for the test's user object
    assert checked(20) == checked(60) <= 15

    def committed(count):
        Organisation.objects.all().delete()
        job = preview(personas.county, roster(rows(count), header=HEADER))
        return queries(lambda: importing.import_commit(actor=personas.county, job=job))

    # 40 rows more add no query per row (saved one at a time, each added several): SQLite's
    # limit of bound variables splits a bulk insert of this wide table into more statements
    few, more = committed(20), committed(60)
    assert few <= 25 and more - few <= (6 if connection.vendor == "sqlite" else 0)


def test_it_writes_the_history_of_each_new_organisation_by_the_importing_clerk(personas):
    job = commit(personas.county, roster(rows(10), header=HEADER))
    assert (job.created_count, job.error_rows) == (10, 0), job.errors
    for organisation in Organisation.objects.all():
        record = organisation.history.get()
        assert (record.history_type, record.history_user, record.history_change_reason) == (
            "+", personas.county, "花名册导入")
        assert record.name == organisation.name and record.region_code == organisation.region_code
        assert set(organisation.target_groups.values_list("code", flat=True)) == {
            "elderly", "disabled"}
        assert organisation.name_initials  # as services.organisation_create sets it
    registered = Organisation.objects.get(name="第4互助会")
    assert (registered.kind, registered.status) == (Kind.SOCIAL_GROUP, Status.ACTIVE)
    assert registered.authority_region_code == "630102"
    community = Organisation.objects.get(name="第0互助会")
    assert (community.status, community.authority_region_code) == (Status.PENDING, OUR_TOWNSHIP)


def test_a_reimport_of_the_same_file_changes_nothing(personas):
    content = roster(rows(10), header=HEADER)
    commit(personas.county, content)
    before = {o.pk: (o.version, o.updated_at) for o in Organisation.objects.all()}
    again = commit(personas.county, content)
    assert (again.created_count, again.updated_count, again.unchanged_count) == (0, 0, 10)
    assert {o.pk: (o.version, o.updated_at) for o in Organisation.objects.all()} == before
    assert Organisation.history.count() == 10


def test_it_updates_changed_rows_in_bulk_with_their_history(personas):
    commit(personas.county, roster(rows(10), header=HEADER))
    changed = rows(10)
    changed[0][7] = "13897000001"  # a phone now given
    changed[4][8] = "老年人"  # a registered organisation serving fewer groups
    changed[6][4] = "北关社区"  # moved to another village
    job = commit(personas.county, roster(changed, header=HEADER))
    assert (job.created_count, job.updated_count, job.unchanged_count) == (0, 3, 7), job.errors
    first = Organisation.objects.get(name="第0互助会")
    assert (first.leader_phone, first.version) == ("13897000001", 2)
    record = first.history.latest()
    assert (record.history_type, record.history_user, record.leader_phone) == (
        "~", personas.county, "13897000001")
    assert list(Organisation.objects.get(name="第4互助会").target_groups.values_list(
        "code", flat=True)) == ["elderly"]
    assert Organisation.objects.get(name="第6互助会").region_code == "630102001001"
    assert Organisation.objects.get(name="第1互助会").version == 1
    assert Organisation.history.filter(history_type="~").count() == 3


def test_it_refuses_in_the_preview_what_the_services_would_refuse(personas):
    filed(personas.township, personas.township)  # 北关社区夕阳红志愿服务队, filed and active
    theirs = services.organisation_create(
        actor=personas.other_county, name="乐都区慈善协会", kind=Kind.SOCIAL_GROUP,
        category=Category.PUBLIC_WELFARE, credit_code=code("51630202MJC000001"),
        region_code=OTHER_COUNTY, authority_region_code=OTHER_COUNTY, leader_name="王五")
    ours = services.organisation_create(
        actor=personas.county, name="城东区书画协会", kind=Kind.SOCIAL_GROUP,
        category=Category.CULTURE_SPORTS, credit_code=code("51630102MJC000002"),
        region_code="630102", authority_region_code="630102", leader_name="李四")
    Organisation.objects.filter(pk=ours.pk).update(status=Status.DEREGISTERED)
    job = preview(personas.county, roster([
        ["北关社区夕阳红志愿服务队", "", "公益慈善类", "", "北关社区", "", "马秀芳", "", "老年人"],
        ["城东慈善会", "社会团体", "公益慈善类", theirs.credit_code, "北关社区", "城东区", "张三",
         "", ""],
        ["城东区书画协会", "社会团体", "文体活动类", ours.credit_code, "城东区", "城东区", "赵六", "", ""],
        ["城东区书画协会", "社会团体", "文体活动类", code("51630102MJC000003"), "城东区", "城东区",
         "赵六", "", ""],
        ["城东区棋牌协会", "社会团体", "文体活动类", code("51630102MJC000004"), "城东区", "城东区",
         "赵六", "", ""],
        ["城东区棋牌协会", "社会团体", "文体活动类", code("51630102MJC000005"), "城东区", "城东区",
         "赵六", "", ""],
    ], header=HEADER))
    found = reasons(job)
    assert "须通过变更备案修改" in found[3]
    assert found[4] == f"统一社会信用代码 {theirs.credit_code} 已被登记(其他地区),不能重复录入"
    assert found[5] == "已注销的组织不能修改"
    assert 6 not in found  # the deregistered one's name is free again
    assert found[8] == "同一备案/登记机关下已有名为“城东区棋牌协会”的组织"  # twice in the file
    assert (job.valid_rows, job.error_rows) == (2, 4)
    job = importing.import_commit(actor=personas.county, job=job)
    assert (job.created_count, job.error_rows) == (2, 4)
    assert Organisation.objects.filter(name="城东区棋牌协会").count() == 1


def test_it_refuses_a_name_taken_under_the_same_authority_by_another_record(personas):
    commit(personas.county, roster([["城东区棋牌协会", "社会团体", "文体活动类",
                                     code("51630102MJC000004"), "城东区", "城东区", "赵六", "", ""]],
                                   header=HEADER))
    job = preview(personas.county, roster([["城东区棋牌协会", "社会团体", "文体活动类",
                                            code("51630102MJC000005"), "城东区", "城东区", "赵六",
                                            "", ""]], header=HEADER))
    assert reasons(job)[3] == "同一备案/登记机关下已有名为“城东区棋牌协会”的组织"


def test_a_record_changed_between_the_check_and_the_save_is_not_overwritten(personas):
    commit(personas.county, roster(rows(1), header=HEADER))
    importer = OrganisationImporter(personas.county)
    changed = importer.clean({"name": "第0互助会", "category": "生活服务类", "region": "北关社区",
                              "leader_name": "马秀兰", "leader_phone": "13897000001"})
    assert importer.check_batch([changed]) == {}
    Organisation.objects.filter(name="第0互助会").update(version=F("version") + 1,
                                                      leader_phone="13897000009")
    results = importer.commit_batch([changed])
    assert isinstance(results[0], Conflict) and "已被他人修改" in results[0].message
    assert Organisation.objects.get().leader_phone == "13897000009"
