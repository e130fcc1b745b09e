"""A roster row reports everything wrong with it at once, and what the importer cannot
decide alone — a name several places answer to, a category value it does not know — is
asked once for the whole file and answered once for every row (issue 10)."""

import pytest

from conftest import OTHER_VILLAGE, OUR_VILLAGE
from linli.core import importing
from linli.core.errors import Invalid
from linli.people.importers import PeopleImporter
from linli.people.models import GroupMembership, Person
from linli.people.tests.conftest import OLD_MAN, WOMAN
from linli.people.tests.test_import_places import reasons, roster, warnings

pytestmark = pytest.mark.django_db
TUANJIE_SHEQU = "630102002008"  # 团结社区居民委员会 (清真巷街道)
TUANJIE_CUN = "630102006201"  # 团结村村民委员会 (八一路街道)
ELSEWHERE_TUANJIE = "630106102002"  # 团结社区居民委员会 of another county
HEADER = ("序号", "姓名", "身份证号码", "民族", "乡镇", "村(社区)", "家庭住址", "出生年月", "类别")


def preview(actor, content, **options):
    return importing.import_preview(actor=actor, kind="people", filename="名册.xlsx",
                                    content=content, options=options)


def with_check_digit(body: str) -> str:
    from linli.people import identity

    total = sum(int(d) * w for d, w in zip(body, identity.WEIGHTS, strict=True))
    return body + identity.CHECK[total % 11]


def test_it_reports_every_error_of_a_row_at_once(personas):
    job = preview(personas.county, roster([
        ["", "632301194801010016", "火星", "", "北关社区", "", "", "高龄"],
        ["马福寿", OLD_MAN, "回", "", "朝阳山社区", "", "", "五好家庭"]], header=HEADER))
    assert (job.valid_rows, job.error_rows) == (0, 2)
    first, second = reasons(job)[4], reasons(job)[5]
    assert "姓名为空" in first and "校验位不正确" in first and "民族“火星”不在 56 个民族之列" in first
    assert "在您的辖区内找不到“朝阳山社区”" in second and "无法识别的对象类别“五好家庭”" in second
    counts = job.error_counts  # each reason counted under its kind, each row once
    assert (counts["姓名为空"], counts["身份证号校验位不正确,请核对"]) == (1, 1)
    assert (counts["民族“…”不在 … 个民族之列"], counts["在您的辖区内找不到“…”"]) == (1, 1)
    assert len(counts) == 5
    assert not Person.objects.exists()


def test_warnings_stay_warnings_and_the_row_is_saved(personas):
    born_mid_january = with_check_digit("63230119480115001")
    job = preview(personas.county, roster([
        ["马福寿", born_mid_january, "回", "东关大街镇", "", "幸福村5组", "1948.1", "高龄"],
        ["张秀英", WOMAN, "汉", "", "先进村", "", "1975.6", "高龄"]], header=HEADER))
    assert (job.valid_rows, job.error_rows) == (2, 0), job.errors
    told = warnings(job)
    # a birth month that agrees with the number is no warning; one that does not, is
    assert "出生日期" not in told[4] and "出生日期与身份证号不一致,按身份证号记录" in told[5]
    assert "“东关大街镇”已更名为“东关大街街道”,已按新名称登记" in told[4]
    assert "在您的辖区内找不到“幸福村”,已登记在“东关大街街道”,村(社区)待补充" in told[4]
    job = importing.import_commit(actor=personas.county, job=job)
    assert job.created_count == 2 and Person.objects.count() == 2


def test_an_ambiguous_place_is_asked_once_with_its_candidates(personas):
    job = preview(personas.county, roster([
        ["马福寿", OLD_MAN, "", "", "团结", "", "", "高龄"],
        ["张秀英", WOMAN, "", "", "", "团结3组", "", "高龄"],
        ["韩麦", "", "", "", "团结", "", "1950.3", "高龄"]], header=HEADER))
    assert job.error_rows == 3
    assert "清真巷街道/团结社区居民委员会、八一路街道/团结村村民委员会" in reasons(job)[4]
    assert job.questions["places"] == [{"value": "团结", "rows": 3, "candidates": [
        {"code": TUANJIE_SHEQU, "label": "清真巷街道/团结社区居民委员会"},
        {"code": TUANJIE_CUN, "label": "八一路街道/团结村村民委员会"}]}]


def test_a_places_answer_places_every_row_with_the_value(personas):
    content = roster([
        ["马福寿", OLD_MAN, "", "", "团结", "", "", "高龄"],
        ["张秀英", WOMAN, "", "", "", "团结3组", "", "高龄"],
        ["韩麦", "", "", "", "团结", "", "1950.3", "高龄"],
        ["才让", "", "", "", "北关社区", "", "1950.3", "高龄"]], header=HEADER)
    job = preview(personas.county, content)
    job = importing.import_rechoose(actor=personas.county, job=job,
                                    answers={"places": {"团结": TUANJIE_CUN}})
    assert (job.valid_rows, job.error_rows) == (4, 0), job.errors
    assert "places" not in job.questions
    importing.import_commit(actor=personas.county, job=job)
    placed = dict(Person.objects.values_list("name", "region_code"))
    assert placed == {"马福寿": TUANJIE_CUN, "张秀英": TUANJIE_CUN, "韩麦": TUANJIE_CUN,
                      "才让": OUR_VILLAGE}


def test_a_places_answer_outside_the_scope_or_the_candidates_is_refused(personas):
    content = roster([["马福寿", OLD_MAN, "", "", "团结", "", "", "高龄"]], header=HEADER)
    for code in (ELSEWHERE_TUANJIE, OTHER_VILLAGE, OUR_VILLAGE, "nonsense"):
        with pytest.raises(Invalid) as refused:
            PeopleImporter(personas.county, options={"places": {"团结": code}})
        assert refused.value.details["places"] == [
            f"“团结”不能对应到“{code}”:请从该名称在您辖区内的候选区划中选择"]
    with pytest.raises(Invalid, match="村\\(社区\\)的选择有误"):
        preview(personas.county, content, places={"团结": ELSEWHERE_TUANJIE})
    job = preview(personas.county, content)
    with pytest.raises(Invalid):
        importing.import_rechoose(actor=personas.county, job=job,
                                  answers={"places": {"团结": ELSEWHERE_TUANJIE}})
    job.refresh_from_db()
    assert job.options == {} and job.error_rows == 1


def test_an_unknown_category_is_listed_once_with_its_rows(personas):
    job = preview(personas.county, roster([
        ["马福寿", OLD_MAN, "", "", "北关社区", "", "", "五好家庭、五好家庭"],
        ["张秀英", WOMAN, "", "", "北关社区", "", "", "五好家庭"],
        ["韩麦", "", "", "", "北关社区", "", "1950.3", "孤寡、高龄"],
        ["才让", "", "", "", "北关社区", "", "1951.3", "五好家庭"]], header=HEADER))
    assert job.error_rows == 4
    assert job.questions == {"group_values": [{"value": "五好家庭", "rows": 3},
                                              {"value": "孤寡", "rows": 1}]}
    offered = PeopleImporter(personas.county).choices_for("group_values")
    assert ("elderly_alone", "独居老年人") in offered and ("left_behind_child", "农村留守儿童") in offered
    job = importing.import_rechoose(actor=personas.county, job=job, answers={
        "group_values": {"五好家庭": "", "孤寡": "elderly_alone"}})
    assert (job.valid_rows, job.error_rows) == (4, 0), job.errors
    importing.import_commit(actor=personas.county, job=job)
    assert set(GroupMembership.objects.filter(person__name="韩麦").values_list(
        "group__code", flat=True)) == {"elderly_alone", "elderly_advanced_age"}


def test_a_domain_user_is_offered_only_the_groups_of_their_domains(personas):
    offered = dict(PeopleImporter(personas.province_elderly).choices_for("group_values"))
    assert "elderly_alone" in offered and "left_behind_child" not in offered
    assert PeopleImporter(personas.county).choices_for("places") == []
