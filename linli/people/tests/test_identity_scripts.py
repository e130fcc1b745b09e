"""Identity numbers typed in other scripts' digits (issue 9, item 2).

`int()` and `str.isdigit()` read Arabic-Indic ٦ and Devanagari ६ as digits, so such a number
once passed the check digit, was stored as typed and, its keyed hash differing, registered
the same person again. Full-width and superscript forms normalise to ASCII; other scripts
are refused with the character named.
"""

import pytest
from django.urls import reverse

from conftest import OUR_VILLAGE
from linli.core import importing
from linli.core.errors import Invalid
from linli.people import identity
from linli.people.models import Person
from linli.people.tests.conftest import OLD_MAN, WOMAN, register
from linli.people.tests.test_import import _preview, _xlsx


def _in_script(number: str, zero: int) -> str:
    return "".join(c if c == "X" else chr(zero + int(c)) for c in number)


def _typed_in(zero: int, number: str = WOMAN) -> str:
    """The body in another script and the check digit in ASCII: the form that once passed."""
    return _in_script(number[:17], zero) + number[17]


ARABIC_INDIC = _typed_in(0x0660)  # ٦٣٢٣٠١…
EXTENDED_ARABIC = _typed_in(0x06F0)  # ۶۳۲۳۰۱… (Persian, Urdu)
DEVANAGARI = _typed_in(0x0966)  # ६३२३०१…
TIBETAN = _typed_in(0x0F20)  # ༦༣༢༣༠༡… (Qinghai has Tibetan keyboards)
FULL_WIDTH = _in_script(WOMAN, 0xFF10)  # ６３２３０１…
MIXED = WOMAN[:6] + _in_script(WOMAN[6:17], 0x0660) + WOMAN[17]
OTHER_SCRIPTS = [ARABIC_INDIC, EXTENDED_ARABIC, DEVANAGARI, TIBETAN, MIXED,
                 _in_script(WOMAN, 0x0660)]
SUPERSCRIPT = WOMAN[:-1] + "³"  # the check digit 3 as a superscript: NFKC makes it 3


@pytest.mark.parametrize("raw", OTHER_SCRIPTS)
def test_it_refuses_other_scripts_digits_naming_the_character(raw):
    with pytest.raises(identity.InvalidIdNumber) as refused:
        identity.parse(raw)
    message = str(refused.value)
    assert "不允许的字符" in message and "0-9" in message
    assert raw[6] in message  # the wrong character is shown to the clerk


@pytest.mark.parametrize("raw", [FULL_WIDTH, SUPERSCRIPT, f"\ufeff{WOMAN}",
                                 f"{WOMAN[:9]}\u200b{WOMAN[9:]}", f"{WOMAN[:6]}\u3000{WOMAN[6:]}"])
def test_it_normalises_compatibility_forms_to_the_ascii_number(raw):
    number = identity.parse(raw)
    assert number.value == WOMAN and number.value.isascii()
    assert identity.lookup_hash(number.value) == identity.lookup_hash(WOMAN)


@pytest.mark.parametrize("raw", ["²" * 18, "6323011980010100²⁴", "¹" * 15, "²", "⁰" * 17 + "X"])
def test_it_never_fails_on_superscripts(raw):
    with pytest.raises(identity.InvalidIdNumber):
        identity.parse(raw)


def test_it_shows_invisible_characters_by_code_point():
    with pytest.raises(identity.InvalidIdNumber, match="U\\+0000"):
        identity.parse(WOMAN[:17] + "\x00")


def test_it_says_only_the_last_character_may_be_x():
    with pytest.raises(identity.InvalidIdNumber, match="只有最后一位可以是 X"):
        identity.parse("11010519491X31002X")


@pytest.mark.django_db
@pytest.mark.parametrize("raw", OTHER_SCRIPTS)
def test_it_refuses_other_scripts_through_the_service(personas, raw):
    first = register(personas.village)
    with pytest.raises(Invalid) as refused:
        register(personas.village, id_number=raw)
    assert "不允许的字符" in refused.value.details["id_number"][0]
    assert Person.objects.get().pk == first.pk  # never the same person a second time


@pytest.mark.django_db
@pytest.mark.parametrize("raw", [FULL_WIDTH, SUPERSCRIPT])
def test_it_never_registers_one_person_twice_however_typed(personas, raw):
    first = register(personas.village)
    with pytest.raises(Invalid, match="已登记为“张秀英”"):
        register(personas.township, id_number=raw)
    assert Person.objects.get().pk == first.pk


@pytest.mark.django_db
def test_it_stores_the_ascii_form_of_a_full_width_number(personas):
    person = register(personas.village, id_number=FULL_WIDTH)
    assert identity.decrypt(person.id_encrypted) == WOMAN
    assert person.id_hash == identity.lookup_hash(WOMAN)


@pytest.mark.django_db
@pytest.mark.parametrize("raw", [ARABIC_INDIC, DEVANAGARI, "²" * 18])
def test_it_shows_the_refusal_on_the_page(personas, as_user, raw):
    response = as_user(personas.village).post(reverse("people:create"), {
        "name": "张秀英", "id_number": raw, "region_code": OUR_VILLAGE, "risk": "low"})
    assert response.status_code == 200
    assert "身份证号" in response.content.decode()
    assert not Person.objects.exists()


@pytest.mark.django_db
def test_it_refuses_other_scripts_in_an_import_and_keeps_one_record(personas):
    register(personas.township, name="马福寿", id_number=OLD_MAN)
    rows = [
        ["张秀英", ARABIC_INDIC, "女", "", "", "", "", "北关社区", "", "低保", "", "", ""],
        ["马福寿", _typed_in(0x0966, OLD_MAN), "男", "", "", "", "", "北关社区", "", "低保", "",
         "", ""],
        ["马福寿", _in_script(OLD_MAN, 0xFF10), "男", "", "", "", "", "北关社区", "", "独居老人",
         "", "", ""],
    ]
    job = _preview(personas.township, _xlsx(rows))
    reasons = {e["row"]: e["reason"] for e in job.errors}
    assert (job.valid_rows, job.error_rows) == (1, 2), job.errors
    assert "不允许的字符" in reasons[4] and "不允许的字符" in reasons[5]
    job = importing.import_commit(actor=personas.township, job=job)
    assert job.created_count == 0  # the full-width number found the person already registered
    assert Person.objects.count() == 1

