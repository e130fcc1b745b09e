"""公民身份号码 (GB 11643-1999): validation, normalisation, encryption, keyed hash, mask.

The number is stored encrypted (Fernet, a key derived from LINLI_DATA_KEY) and found or
de-duplicated through a keyed HMAC, never in the clear. Its first six digits are the
address code *at issue* and may be retired, so they are not checked against today's
regions (GLOSSARY §7).
"""

import base64
import hashlib
import hmac
import re
from dataclasses import dataclass
from datetime import date
from functools import cache

from cryptography.fernet import Fernet
from django.conf import settings
from django.utils.translation import gettext as _

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK = "10X98765432"  # S mod 11 → check character
_SCIENTIFIC = re.compile(r"^\d(\.\d+)?[eE]\+?\d+$")


class InvalidIdNumber(ValueError):
    """The reason, in Chinese, is the message."""


@dataclass(frozen=True)
class IdNumber:
    value: str
    birth_date: date
    sex: str  # "M" or "F"

    @property
    def masked(self) -> str:
        return mask(self.value)


def normalise(raw) -> str:
    """Full-width digits, spaces and a lower-case x are what clerks' sheets contain."""
    text = "" if raw is None else str(raw)
    if isinstance(raw, float):
        text = f"{raw:.0f}" if raw.is_integer() and raw < 1e16 else str(raw)
    text = "".join(chr(ord(c) - 0xFEE0) if "０" <= c <= "９" or c in "ＸｘＸ" else c for c in text)
    text = re.sub(r"[\s\u3000'‘’-]", "", text)
    return text.upper()


def parse(raw, *, today: date | None = None) -> IdNumber:
    text = normalise(raw)
    if (isinstance(raw, float) and raw >= 1e16) or _SCIENTIFIC.match(text):
        raise InvalidIdNumber(_("身份证号被 Excel 当作数字保存(如 6.30202E+17),后几位已丢失;"
                                "请将该列设为文本后重新填写"))
    if len(text) == 15 and text.isdigit():
        raise InvalidIdNumber(_("15 位旧身份证号请换算为 18 位后填写"))
    if len(text) != 18:
        raise InvalidIdNumber(_("身份证号应为 18 位,当前为 %(n)d 位") % {"n": len(text)})
    if not text[:17].isdigit() or text[17] not in "0123456789X":
        raise InvalidIdNumber(_("身份证号含有不允许的字符"))
    total = sum(int(d) * w for d, w in zip(text[:17], WEIGHTS, strict=True))
    if CHECK[total % 11] != text[17]:
        raise InvalidIdNumber(_("身份证号校验位不正确,请核对"))
    try:
        birth = date(int(text[6:10]), int(text[10:12]), int(text[12:14]))
    except ValueError:
        raise InvalidIdNumber(_("身份证号中的出生日期不存在")) from None
    if birth > (today or date.today()) or birth.year < 1800:
        raise InvalidIdNumber(_("身份证号中的出生日期不合理"))
    return IdNumber(value=text, birth_date=birth, sex="M" if int(text[16]) % 2 else "F")


def mask(value: str) -> str:
    return f"{value[:6]}********{value[-4:]}" if len(value) == 18 else "—"


@cache
def _keys(master: bytes) -> tuple[Fernet, bytes]:
    derive = lambda label: hmac.new(master, label, hashlib.sha256).digest()  # noqa: E731
    fernet = Fernet(base64.urlsafe_b64encode(derive(b"linli:id-number:encrypt")))
    return fernet, derive(b"linli:id-number:lookup")


def encrypt(value: str) -> str:
    return _keys(settings.LINLI_DATA_KEY)[0].encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    return _keys(settings.LINLI_DATA_KEY)[0].decrypt(token.encode()).decode()


def lookup_hash(value: str) -> str:
    """A keyed hash: equal numbers match, and nobody without the key can test a guess."""
    return hmac.new(_keys(settings.LINLI_DATA_KEY)[1], value.encode(), hashlib.sha256).hexdigest()
