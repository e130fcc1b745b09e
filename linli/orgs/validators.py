"""统一社会信用代码 (GB 32100-2015) check character."""

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from linli.core.bounds import ascii_digits

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def normalise_credit_code(raw: str) -> str:
    """NFKC (full-width ９１ and Ｍ, ideographic spaces become ASCII), no spaces, upper-case.
    NFKC leaves digits of other scripts (Arabic-Indic ٩١) alone; validate_credit_code
    refuses them by name, so a code has one spelling and the uniqueness check holds."""
    text = unicodedata.normalize("NFKC", raw or "")
    return "".join(text.split()).upper()


def credit_code_check_char(first17: str) -> str:
    total = sum(ALPHABET.index(c) * w for c, w in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def validate_credit_code(value: str) -> None:
    try:
        ascii_digits(value)
    except ValueError:
        bad = "".join(sorted({c for c in value if c not in ALPHABET}))
        raise ValidationError(_("统一社会信用代码含有其他文字的数字:%(c)s;请只用阿拉伯数字 0-9 "
                                "和大写英文字母填写") % {"c": bad}, code="charset") from None
    if len(value) != 18:
        raise ValidationError(_("统一社会信用代码应为 18 位,当前为 %(n)d 位") % {"n": len(value)},
                              code="length")
    bad = sorted({c for c in value if c not in ALPHABET})
    if bad:
        raise ValidationError(_("统一社会信用代码含有不允许的字符:%(c)s(不使用 I、O、Z、S、V)")
                              % {"c": "".join(bad)}, code="charset")
    if credit_code_check_char(value[:17]) != value[17]:
        raise ValidationError(_("统一社会信用代码校验位不正确,请核对"), code="check")
