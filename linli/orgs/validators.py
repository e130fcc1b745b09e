"""统一社会信用代码 (GB 32100-2015) check character."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def normalise_credit_code(raw: str) -> str:
    """Upper-case, drop spaces and turn full-width characters into ASCII."""
    text = "".join(chr(ord(c) - 0xFEE0) if "！" <= c <= "～" else c for c in raw or "")
    return "".join(text.split()).upper()


def credit_code_check_char(first17: str) -> str:
    total = sum(ALPHABET.index(c) * w for c, w in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def validate_credit_code(value: str) -> None:
    if len(value) != 18:
        raise ValidationError(_("统一社会信用代码应为 18 位,当前为 %(n)d 位") % {"n": len(value)},
                              code="length")
    bad = sorted({c for c in value if c not in ALPHABET})
    if bad:
        raise ValidationError(_("统一社会信用代码含有不允许的字符:%(c)s(不使用 I、O、Z、S、V)")
                              % {"c": "".join(bad)}, code="charset")
    if credit_code_check_char(value[:17]) != value[17]:
        raise ValidationError(_("统一社会信用代码校验位不正确,请核对"), code="check")
