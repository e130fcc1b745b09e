"""Categories as clerks write them: local wordings are data, a category column under a
local heading, a file-level group, 认定情形待补充, and re-imports that add a group or a
contact (issue 10)."""

import io

import pytest
from openpyxl import Workbook

from linli.core import importing
from linli.people import selectors
from linli.people.importers import PeopleImporter
from linli.people.models import Contact, Group, GroupMembership, Person
from linli.people.tests.conftest import CHILD, OLD_MAN, TODDLER, WOMAN
from linli.people.tests.test_import_places import run

pytestmark = pytest.mark.django_db


def roster(rows, heading="困境类型") -> bytes:
    """A two-row header (基本情况 over its columns), a title row, rows, a footer."""
    book = Workbook()
    sheet = book.active
    sheet.append(["城东区困境儿童及留守老年人花名册"])
    sheet.append(["基本情况", None, None, None, "分类", None, "监护人", None])
    sheet.append(["姓名", "身份证号码", "村(社区)", "家庭住址", heading, "认定情形", "监护人姓名",
                  "监护人电话"])
    sheet.merge_cells("A2:D2")
    for row in rows:
        sheet.append(row)
    sheet.append(["合计", len(rows)])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def preview(actor, content):
    return importing.import_preview(actor=actor, kind="people", filename="名册.xlsx",
                                    content=content)


def groups_of(name: str) -> dict[str, str]:
    return dict(GroupMembership.objects.filter(person__name=name).values_list(
        "group__code", "criterion"))


@pytest.mark.parametrize("heading", ["类别", "对象类别", "人员类别", "困境类型", "儿童类别"])
def test_it_reads_the_category_column_under_a_local_heading(personas, heading):
    job = preview(personas.county, roster([["才让卓玛", CHILD, "北关社区", "", "留守儿童", "", "", ""]],
                                          heading=heading))
    assert job.valid_rows == 1, job.errors
    assert job.preview[0][9] == "农村留守儿童"


def test_it_maps_local_wordings_with_the_cause_in_brackets(personas):
    job = preview(personas.county, roster([
        ["才让卓玛", CHILD, "北关社区", "", "困境儿童 （因父母重病）", "", "", ""],
        ["马福寿", OLD_MAN, "北关社区", "", "空巢老人、五保户", "", "", ""],
        ["张秀英", WOMAN, "北关社区", "", "独居老人", "", "", ""],
        ["旦正", TODDLER, "北关社区", "", "事实无人抚养儿童(父母服刑在押)", "", "", ""]]))
    assert job.valid_rows == 4, job.errors
    importing.import_commit(actor=personas.county, job=job)
    assert groups_of("才让卓玛") == {"children_difficulty": "因父母重病"}
    assert groups_of("马福寿") == {"elderly_empty_nest": "", "tekun": ""}
    assert groups_of("张秀英") == {"elderly_alone": ""}
    assert groups_of("旦正") == {"de_facto_unsupported": "父母服刑在押"}


def test_the_wordings_are_data_the_province_edits(personas):
    content = roster([["马福寿", OLD_MAN, "北关社区", "", "老党员困难户", "", "", ""]])
    refused = preview(personas.county, content)
    assert refused.valid_rows == 0 and "无法识别的对象类别“老党员困难户”" in refused.errors[0]["reason"]
    group = Group.objects.get(code="poor_family")
    group.synonyms += "\n老党员困难户"
    group.save()
    assert preview(personas.county, content).valid_rows == 1
    assert "留守儿童" in Group.objects.get(code="left_behind_child").synonyms  # seeded


def test_it_lists_each_unknown_value_once(personas):
    rows = [[f"老人{i}", "", "北关社区", "", "五好家庭", "", "", ""] for i in range(3)]
    importer, cleaned = run(personas.county, roster(rows))
    assert importer.unknown_groups == {"五好家庭": 3}
    assert all("无法识别的对象类别“五好家庭”" in str(c) for c in cleaned)
    job = preview(personas.county, roster(rows))
    assert job.error_counts == {next(iter(job.error_counts)): 3}
    # the file's options may map the value to a group or leave it
    importer, cleaned = run(personas.county, roster(rows), group_values={"五好家庭": ""})
    assert all(c.groups == [] for c in cleaned)


def test_every_row_of_a_file_may_belong_to_one_group(personas):
    rows = [["马福寿", OLD_MAN, "北关社区", "", "", "", "", ""],
            ["张秀英", WOMAN, "北关社区", "", "空巢老人", "", "", ""]]
    _importer, cleaned = run(personas.county, roster(rows), group="农村留守老年人")
    assert [c.groups for c in cleaned] == [["elderly_left_behind"],
                                           ["elderly_left_behind", "elderly_empty_nest"]]
    _importer, cleaned = run(personas.province_elderly, roster(rows), group="elderly_alone")
    assert cleaned[0].groups == ["elderly_alone"]
    with pytest.raises(ValueError, match="您的权限不包括"):
        PeopleImporter(personas.province_elderly, options={"group": "orphan"})


def test_a_de_facto_unsupported_child_without_a_criterion_is_accepted_and_marked(personas):
    job = preview(personas.county, roster([
        ["才让卓玛", CHILD, "北关社区", "", "事实无人抚养儿童", "", "旦正", "13997000002"]]))
    assert job.valid_rows == 1, job.errors
    assert "“事实无人抚养儿童”认定情形待补充,已先行登记" in job.warnings[0]["reason"]
    importing.import_commit(actor=personas.county, job=job)
    membership = GroupMembership.objects.get(person__name="才让卓玛")
    assert membership.criterion == "" and membership.criterion_pending
    listed = selectors.people_list(actor=personas.county,
                                   filters=selectors.PeopleFilter(to_complete=True))
    assert [p.name for p in listed] == ["才让卓玛"]
    # the criterion given in a later roster completes it, and counts as an update
    again = importing.import_commit(actor=personas.county, job=preview(personas.county, roster([
        ["才让卓玛", CHILD, "北关社区", "", "事实无人抚养儿童", "重病", "旦正", "13997000002"]])))
    assert (again.updated_count, again.unchanged_count) == (1, 0)
    assert groups_of("才让卓玛") == {"de_facto_unsupported": "重病"}
    assert not selectors.people_list(actor=personas.county,
                                     filters=selectors.PeopleFilter(to_complete=True)).exists()


def test_a_reimport_that_adds_a_group_or_a_contact_counts_as_updated(personas):
    first = [["马福寿", OLD_MAN, "北关社区", "", "高龄", "", "", ""],
             ["才让卓玛", CHILD, "北关社区", "", "留守儿童", "", "旦正", ""],
             ["张秀英", WOMAN, "北关社区", "", "低保", "", "", ""]]
    importing.import_commit(actor=personas.county, job=preview(personas.county, roster(first)))
    same = importing.import_commit(actor=personas.county, job=preview(personas.county,
                                                                      roster(first)))
    assert (same.updated_count, same.unchanged_count) == (0, 3)
    later = [["马福寿", OLD_MAN, "北关社区", "", "高龄、独居老人", "", "", ""],
             ["才让卓玛", CHILD, "北关社区", "", "留守儿童", "", "旦正", "13997000002"],
             ["张秀英", WOMAN, "北关社区", "", "低保", "", "马建国", "13997000003"]]
    again = importing.import_commit(actor=personas.county, job=preview(personas.county,
                                                                       roster(later)))
    assert (again.created_count, again.updated_count, again.unchanged_count) == (0, 3, 0)
    assert set(groups_of("马福寿")) == {"elderly_advanced_age", "elderly_alone"}
    assert Contact.objects.get(person__name="才让卓玛").phone == "13997000002"
    assert Contact.objects.get(person__name="张秀英").name == "马建国"
    assert Person.objects.count() == 3
