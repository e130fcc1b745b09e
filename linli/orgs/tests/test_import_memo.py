"""What the roster import works out once and writes without the ORM (issue 10, 2,000 rows a
second committed) gives what the single-record paths give: the same pinyin keys, the same
record and history as services.organisation_create, the same answers once the memo is full."""

import random
from datetime import date

import pytest

from conftest import OUR_TOWNSHIP, OUR_VILLAGE
from linli.core import importing
from linli.core.pinyin import pinyin_keys
from linli.orgs import services
from linli.orgs.importers import memo, pinyin
from linli.orgs.importers.memo import Memo
from linli.orgs.importers.pinyin import NameKeys
from linli.orgs.models import Category, Kind, Organisation, Status
from linli.orgs.tests.test_import_places import code, preview, roster

pytestmark = pytest.mark.django_db
HEADER = ("序号", "组织名称", "组织类型", "类别", "统一社会信用代码", "村(社区)", "备案机关", "负责人",
          "负责人电话", "活动场所", "成员数", "成立时间", "服务对象", "是否领办", "建立党组织")
REGISTERED = code("51630102MJB000001")


def test_name_keys_are_those_of_pinyin_keys_for_every_mix_of_characters():
    keys, rng = NameKeys(), random.Random(10)
    pool = "东关第号互助小组重庆长乐银行〇㐀𠀀ABCxyz09 ·-()()、,Ｘ老年协会广场舞队"
    names = ["".join(rng.choice(pool) for _ in range(rng.randint(0, 16))) for _ in range(3000)]
    names += ["北关社区第00012号互助小组", "重庆路社区", "长乐村老年协会", "ＡＢＣ合唱团", "", "123"]
    assert [keys(n) for n in names] == [pinyin_keys(n) for n in names]
    assert [keys(n) for n in names] == [pinyin_keys(n) for n in names]  # remembered: the same


def test_name_keys_stay_right_beyond_what_they_remember(monkeypatch):
    monkeypatch.setattr(pinyin, "MEMO", 2)
    keys = NameKeys()
    names = ["银行巷第1组", "长乐村第2组", "重庆路社区", "银行巷第1组"]
    assert [keys(n) for n in names] == [pinyin_keys(n) for n in names]
    assert len(keys.runs) == 2


def test_a_memo_remembers_refusals_and_tells_cells_of_other_types_apart():
    calls = []

    def work(value):
        calls.append(value)
        if value == "坏":
            raise ValueError("“坏”不是数字")
        return repr(value)

    remembered = Memo(work)
    assert [remembered(v) for v in (1, 1.0, True, "1", 1)] == ["1", "1.0", "True", "'1'", "1"]
    for _ in range(2):
        with pytest.raises(ValueError, match="“坏”不是数字"):
            remembered("坏")
    assert calls == [1, 1.0, True, "1", "坏"]


def _rows() -> list[list]:
    return [
        ["北关夕阳红志愿服务队", "", "公益慈善", "", "北关社区", "", "马秀兰", "13897001234",
         "北关社区活动室", 18, "2019.5", "老年人、残疾人", "是", "否"],
        ["城东区书画协会", "社会团体", "文体活动类", REGISTERED, "城东区", "城东区民政局",
         "韩德明", "", "", 40, "2015-03-01", "妇女、儿童", "", "是"],
    ]


def _made_by_the_service(actor, rows: list[list]) -> list[Organisation]:
    """The same organisations, as the page's service makes them (other names: one body
    may not hold a name twice, nor two records a code)."""
    community = services.organisation_create(
        actor=actor, name="对照一", region_code=OUR_VILLAGE, authority_region_code=OUR_TOWNSHIP,
        kind=Kind.COMMUNITY, category=Category.PUBLIC_WELFARE, leader_name="马秀兰",
        leader_phone="13897001234", address="北关社区活动室", members_count=18,
        founded_on=date(2019, 5, 1), target_groups=["elderly", "disabled"],
        led_by_local_talent=True)
    registered = services.organisation_create(
        actor=actor, name="对照二", region_code="630102", authority_region_code="630102",
        kind=Kind.SOCIAL_GROUP, category=Category.CULTURE_SPORTS, leader_name="韩德明",
        credit_code=code("51630102MJB000002"), members_count=40, founded_on=date(2015, 3, 1),
        target_groups=["women", "children"], has_party_branch=True)
    return [community, registered]


_OWN = {"id", "name", "name_pinyin", "name_initials", "credit_code", "created_at", "updated_at"}


def _values(organisation: Organisation) -> dict:
    """Every column of the record but those of its own (its key, name, code, times)."""
    return {f.attname: getattr(organisation, f.attname) for f in Organisation._meta.concrete_fields
            if f.attname not in _OWN}


def test_an_imported_record_and_its_history_are_what_the_service_writes(personas):
    job = importing.import_commit(actor=personas.county,
                                  job=preview(personas.county, roster(_rows(), header=HEADER)))
    assert (job.created_count, job.error_rows) == (2, 0), job.errors
    imported = list(Organisation.objects.filter(name__in=[r[0] for r in _rows()]).order_by("pk"))
    made = _made_by_the_service(personas.county, _rows())
    for ours, theirs in zip(imported, made, strict=True):
        assert _values(ours) == _values(theirs)
        assert (ours.name_pinyin, ours.name_initials) == pinyin_keys(ours.name)
        assert ours.created_at <= ours.updated_at and ours.version == 1
        assert {g.code for g in ours.target_groups.all()} == {
            g.code for g in theirs.target_groups.all()}
        record = ours.history.get()
        tracked = [f.attname for f in Organisation.history.model.tracked_fields]
        assert {f: getattr(record, f) for f in tracked} == {f: getattr(ours, f) for f in tracked}
        assert (record.history_type, record.history_user, record.history_change_reason) == (
            "+", personas.county, "花名册导入")
    assert [o.status for o in imported] == [Status.PENDING, Status.ACTIVE]
    assert imported[1].credit_code == REGISTERED


def test_a_roster_beyond_the_memo_reads_as_one_within_it(personas, monkeypatch):
    rows = [*_rows(), ["坏行", "", "书画类", "", "北关社区", "", "马秀兰", "", "", "很多", "2030.1",
                       "留守妇女", "也许", ""],
            ["北关舞蹈队", "", "文体活动", "", "北关社区", "", "马秀兰", "", "北关社区活动室", 18,
             "2019.5", "老人、留守妇女", "否", "否"],
            ["坏行二", "", "书画类", "", "朝阳山社区", "", "马秀兰", "", "", "很多", "2030.1",
             "留守妇女", "也许", ""]]
    content = roster(rows, header=HEADER)

    def read():
        job = preview(personas.county, content)
        return job.errors, job.warnings, job.preview, job.valid_rows

    within = read()
    monkeypatch.setattr(memo, "MEMO", 0)  # nothing remembered: every cell worked out again
    monkeypatch.setattr("linli.orgs.importers.MEMO", 0)
    assert read() == within
    assert within[3] == 3 and len(within[0]) == 2
