import pytest
from django.core.exceptions import ValidationError

from linli.orgs.validators import (
    credit_code_check_char,
    normalise_credit_code,
    validate_credit_code,
)


@pytest.mark.parametrize("code", ["91350100M000100Y43", "51630000MJY000001W"])
def test_it_accepts_the_glossary_examples(code):
    validate_credit_code(code)


@pytest.mark.parametrize(("code", "reason"), [
    ("91350100M000100Y44", "校验位不正确"),
    ("51630000MJY00000", "应为 18 位"),
    ("51630000MJY00000IW", "不允许的字符"),
])
def test_it_refuses_bad_codes_in_chinese(code, reason):
    with pytest.raises(ValidationError, match=reason):
        validate_credit_code(code)


def test_it_normalises_full_width_and_case():
    assert normalise_credit_code(" 5163 0000mjy000001w ") == "51630000MJY000001W"
    assert normalise_credit_code("５１６３００００ＭＪＹ０００００１Ｗ") == "51630000MJY000001W"


def test_it_computes_31_as_zero():
    # a body whose weighted sum is divisible by 31 gets the check character 0
    body = "000000000000000000"[:17]
    assert credit_code_check_char(body) == "0"
