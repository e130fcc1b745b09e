"""A region typed in a roster: codes in other scripts' digits, compatibility forms (issue 9)."""

import pytest

from conftest import OUR_TOWNSHIP, OUR_VILLAGE
from linli.regions.lookup import RegionLookup
from linli.regions.models import Level

pytestmark = pytest.mark.django_db


def _in_script(code: str, zero: int) -> str:
    return "".join(chr(zero + int(c)) for c in code)


@pytest.fixture
def lookup(personas):
    return RegionLookup(personas.township, min_level=Level.TOWNSHIP)


@pytest.mark.parametrize("typed", [OUR_VILLAGE, _in_script(OUR_VILLAGE, 0xFF10),
                                   f"{OUR_VILLAGE[:6]} {OUR_VILLAGE[6:]}",
                                   f"{OUR_VILLAGE[:6]}\u3000{OUR_VILLAGE[6:]}"])
def test_it_finds_a_code_in_ascii_or_full_width(lookup, typed):
    assert lookup.find(typed).code == OUR_VILLAGE


@pytest.mark.parametrize("typed", [_in_script(OUR_VILLAGE, 0x0660), _in_script(OUR_VILLAGE, 0x0966),
                                   OUR_VILLAGE[:6] + _in_script(OUR_VILLAGE[6:], 0x06F0)])
def test_it_refuses_a_code_in_other_scripts_digits(lookup, typed):
    with pytest.raises(ValueError, match="其他文字的数字") as refused:
        lookup.find(typed)
    assert typed in str(refused.value)


def test_it_never_fails_on_a_superscript(lookup):
    with pytest.raises(ValueError, match="不在您的辖区内或不存在"):
        lookup.find("⁶³⁰¹⁰²⁰⁰¹⁹⁹⁹")  # NFKC: 630102001999, which does not exist
    assert lookup.find(OUR_TOWNSHIP[:-1] + "¹", level=Level.TOWNSHIP).code == OUR_TOWNSHIP


def test_it_finds_names_with_full_width_brackets_either_way(personas):
    lookup = RegionLookup(personas.province, min_level=Level.VILLAGE)
    for typed in ("扎玛村（一村）委会", "扎玛村(一村)委会", "扎玛村（一村) 委会"):
        assert lookup.find(typed).code == "632723104200"
