"""The roster parsers and digits from other scripts (issue 9, item 2): ``int()``, ``float()``
and ``re``'s ``\\d`` read Arabic-Indic ٣ and Devanagari ३ as digits; a roster's numbers and
dates are ASCII after NFKC, bounded, or refused with a reason."""

from datetime import date

import pytest

from linli.core.bounds import INT_MAX
from linli.core.excel import parse_date, parse_int

ARABIC_INDIC = "١٢"  # 12
DEVANAGARI = "१२"
EXTENDED_ARABIC = "۱۲"


@pytest.mark.parametrize("raw", [ARABIC_INDIC, DEVANAGARI, EXTENDED_ARABIC, "1٢", "١,٢٠٠人"])
def test_it_refuses_other_scripts_digits_as_a_count(raw):
    with pytest.raises(ValueError, match="0-9"):
        parse_int(raw)


@pytest.mark.parametrize(("raw", "number"), [
    ("１２", 12), ("12", 12), (12.0, 12), ("1,200", 1200), ("30人", 30), ("12.0", 12),
    ("²", 2), ("", None), (None, None),
])
def test_it_reads_counts_in_ascii_and_compatibility_forms(raw, number):
    assert parse_int(raw) == number


@pytest.mark.parametrize(("raw", "reason"), [
    ("12.5", "不是非负整数"), ("-3", "不是非负整数"), ("abc", "不是数字"), ("1e3", "不是数字"),
    ("1_000", "不是数字"), ("nan", "不是数字"), ("inf", "不是数字"), (float("inf"), "不是数字"),
    (str(INT_MAX + 1), "超出范围"), (1e30, "超出范围"), ("9" * 5000, "超出范围"),
    ("0" * 30 + str(INT_MAX + 1), "超出范围"),
])
def test_it_refuses_bad_counts_with_a_reason(raw, reason):
    with pytest.raises(ValueError, match=reason):
        parse_int(raw)


def test_it_bounds_counts_to_the_callers_maximum():
    assert parse_int(str(INT_MAX)) == INT_MAX
    assert parse_int("0" * 30 + "7") == 7
    with pytest.raises(ValueError, match="最大为 1000"):
        parse_int("1001", maximum=1000)


@pytest.mark.parametrize("raw", ["١٩٥٠-٠٣-٠٥", "१९५०३", "۱۹۵۰年3月", "1950.٣"])
def test_it_refuses_other_scripts_digits_in_a_date(raw):
    with pytest.raises(ValueError, match="0-9"):
        parse_date(raw)


@pytest.mark.parametrize(("raw", "day"), [
    ("１９５０年３月５日", date(1950, 3, 5)), ("19500305", date(1950, 3, 5)),
    ("1950.3", date(1950, 3, 1)), (1950.3, date(1950, 3, 1)), (18327, date(1950, 3, 5)),
    ("1950-03-0⁵", date(1950, 3, 5)),
])
def test_it_reads_dates_in_ascii_and_compatibility_forms(raw, day):
    assert parse_date(raw) == day


@pytest.mark.parametrize("raw", ["0000-01-01", "9999-12-31", "1899.12", "2101年", 79999,
                                 date(1, 1, 1), date(9999, 12, 31)])
def test_it_refuses_dates_outside_1900_to_2100_with_a_reason(raw):
    with pytest.raises(ValueError, match="1900 年至 2100 年"):
        parse_date(raw)
