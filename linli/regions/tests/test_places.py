"""Names of townships and villages as clerks write them (issue 10)."""

import pytest

from conftest import OUR_TOWNSHIP
from linli.regions.lookup import (
    Ambiguous,
    NotInScope,
    PlaceIndex,
    RegionLookup,
    address_places,
    village_stem,
    without_numbers,
)
from linli.regions.models import Level

pytestmark = pytest.mark.django_db


@pytest.fixture
def county(personas):
    return PlaceIndex(RegionLookup(personas.county, min_level=Level.TOWNSHIP))


@pytest.mark.parametrize(("typed", "stem"), [
    ("北关社区居民委员会", ("北关", "社区")), ("北关居委会", ("北关", "社区")),
    ("北关社区", ("北关", "社区")), ("友谊村村民委员会", ("友谊", "村")), ("友谊村委会", ("友谊", "村")),
    ("友谊村", ("友谊", "村")), ("扎玛村（一村）委会", ("扎玛", "村")), ("一队", ("一队", ""))])
def test_it_reads_the_committee_words_as_one_kind(typed, stem):
    assert village_stem(typed) == stem


def test_it_drops_group_and_house_numbers():
    assert [without_numbers(t) for t in ("先进村3组", "先进村二社", "先进村一队45号",
                                         "先进村第三村民小组", "五一社区")] == [
        "先进村", "先进村", "先进村", "先进村", "五一社区"]


@pytest.mark.parametrize(("address", "places"), [
    ("西宁市城东区大众街街道友谊村3组45号", ("大众街街道", "友谊村")),
    ("先进村3组", ("", "先进村")),
    ("火车站街道车站社区居民委员会12号楼", ("火车站街道", "车站社区居民委员会")),
    ("乐家湾镇中庄村二社", ("乐家湾镇", "中庄村")),
    ("北关街12号", ("", ""))])
def test_it_finds_the_township_and_village_in_an_address(address, places):
    assert address_places(address) == places


def test_it_finds_a_village_without_its_suffix_or_with_another_committee_word(county):
    for typed in ("北关", "北关居委会", "北关社区居民委员会", "北关社区3号楼"):
        assert county.village(typed).region.name == "北关社区居民委员会"
    assert county.village("友谊村委会").region.name == "友谊村村民委员会"


def test_it_warns_of_a_township_written_under_its_old_kind(county):
    found = county.township("东关大街镇")
    assert found.region.code == OUR_TOWNSHIP
    assert found.warnings == ["“东关大街镇”已更名为“东关大街街道”,已按新名称登记"]
    assert county.township("东关大街街道").warnings == []
    assert county.township("乐家湾乡").warnings[0].endswith("“乐家湾镇”,已按新名称登记")


def test_it_finds_a_village_under_another_township_of_the_scope_with_a_warning(county):
    township = county.township("东关大街街道").region
    found = county.village("友谊村", township=township)
    assert found.region.name == "友谊村村民委员会"
    assert found.warnings == ["“友谊村”不在“东关大街街道”,已按其所属的“大众街街道”登记"]


def test_it_lists_the_candidates_of_an_ambiguous_name(county):
    with pytest.raises(Ambiguous) as refused:
        county.village("团结")
    assert str(refused.value) == ("“团结”对应多个区划:清真巷街道/团结社区居民委员会、"
                                  "八一路街道/团结村村民委员会;请填写乡镇(街道)或区划代码")
    assert county.village("团结村").region.name == "团结村村民委员会"  # the kind decides
    eight_one = county.township("八一路").region
    assert county.village("团结", township=eight_one).region.name == "团结村村民委员会"


def test_it_never_says_where_a_village_of_another_county_is(county):
    with pytest.raises(NotInScope) as refused:
        county.village("朝阳山社区")
    assert str(refused.value) == "在您的辖区内找不到“朝阳山社区”"
    with pytest.raises(NotInScope):
        county.township("碾伯街道")
