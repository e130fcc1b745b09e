import pytest

from linli.people import identity


@pytest.mark.parametrize("raw", ["11010519491231002X", "440524188001010014", "632301198001010015"])
def test_it_accepts_the_glossary_examples(raw):
    assert identity.parse(raw).value == raw


def test_it_derives_birth_date_and_sex():
    number = identity.parse("11010519491231002X")
    assert (number.birth_date.isoformat(), number.sex) == ("1949-12-31", "F")
    assert identity.parse("632301198001010015").sex == "M"


@pytest.mark.parametrize("raw", ["６３２３０１１９８００１０１００１５", " 632301 19800101 0015 ",
                                 "11010519491231002x", "11010519491231002Ｘ"])
def test_it_normalises_what_clerks_type(raw):
    assert identity.parse(raw).value in ("632301198001010015", "11010519491231002X")


@pytest.mark.parametrize(("raw", "reason"), [
    ("632301198001010016", "校验位不正确"),
    (6.30202e17, "被 Excel 当作数字保存"),
    ("6.30202E+17", "被 Excel 当作数字保存"),
    ("63230119800101001", "应为 18 位"),
    ("632301800101001", "15 位旧身份证号"),
    ("632301198002300014", "出生日期不存在"),
    ("63230119800101001A", "不允许的字符"),
])
def test_it_refuses_bad_numbers_with_the_reason(raw, reason):
    with pytest.raises(identity.InvalidIdNumber, match=reason):
        identity.parse(raw)


def test_it_encrypts_and_hashes_with_a_key(settings):
    token = identity.encrypt("632301198001010015")
    assert "632301198001010015" not in token and identity.decrypt(token) == "632301198001010015"
    first = identity.lookup_hash("632301198001010015")
    settings.LINLI_DATA_KEY = b"another-key-another-key-another-key!"
    assert identity.lookup_hash("632301198001010015") != first


def test_it_masks_the_birth_date():
    assert identity.mask("632301198001010015") == "632301********0015"
