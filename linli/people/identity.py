"""公民身份号码 (GB 11643-1999): validation, normalisation, encryption, keyed hash, mask.

The number is stored encrypted (Fernet, a key derived from LINLI_DATA_KEY) and found or
de-duplicated through a keyed HMAC, never in the clear. Its first six digits are the
address code *at issue* and may be retired, so they are not checked against today's
regions (GLOSSARY §7).
"""

import base64
import hashlib
import hmac
import os
import re
import struct
import time
import unicodedata
from dataclasses import dataclass
from datetime import date
from functools import cache

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from django.conf import settings
from django.utils.translation import gettext as _

from linli.core import crypto
from linli.core.bounds import ascii_digits, is_ascii_number

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK = "10X98765432"  # S mod 11 → check character
_ZERO_CODES = ord("0") * sum(WEIGHTS)
ALLOWED = "0123456789X"
_SCIENTIFIC = re.compile(r"^[0-9](\.[0-9]+)?E\+?[0-9]+$")
# A number already as it is stored (what nearly every cell of a roster holds): nothing to
# normalise, so parse() goes straight to the checks.
_CLEAN = re.compile(r"[0-9]{17}[0-9X]")
_SEPARATORS = re.compile(r"[\s'‘’-]")


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
    """The number in ASCII: full-width digits, spaces, hyphens and a lower-case x are what
    clerks' sheets contain, and NFKC turns every compatibility form (full-width ６, ideographic
    space, superscript ²) into its plain character, so one person has one stored value and one
    keyed hash however the number was typed. Digits of other scripts (Arabic-Indic ٦,
    Devanagari ६) are refused: ``int`` would read them, but the hash would differ."""
    text = "" if raw is None else str(raw)
    if isinstance(raw, float):
        text = f"{raw:.0f}" if raw.is_integer() and raw < 1e16 else str(raw)
    try:
        text = ascii_digits(text)
    except ValueError:
        raise InvalidIdNumber(_not_allowed(text)) from None
    return _plain(text)


def _plain(text: str) -> str:
    """Without separators and the invisible format characters (zero-width space, BOM) that
    text copied from a web page or a Word table carries."""
    text = "".join(c for c in text if unicodedata.category(c) != "Cf")
    return _SEPARATORS.sub("", text).upper()


def _shown(char: str) -> str:
    return char if char.isprintable() else f"U+{ord(char):04X}"


def _not_allowed(text: str) -> str:
    """The reason, naming each character that is not 0-9 or X (after normalising)."""
    text = _plain(unicodedata.normalize("NFKC", text))
    bad = "、".join(dict.fromkeys(_shown(c) for c in text if c not in ALLOWED))
    return _("身份证号含有不允许的字符:%(c)s;只能填写阿拉伯数字 0-9,最后一位可以是 X") % {
        "c": bad}


def parse(raw, *, today: date | None = None) -> IdNumber:
    if type(raw) is str and len(raw) == 18 and _CLEAN.fullmatch(raw):
        return _checked(raw, today)
    text = normalise(raw)
    if (isinstance(raw, float) and raw >= 1e16) or _SCIENTIFIC.match(text):
        raise InvalidIdNumber(_("身份证号被 Excel 当作数字保存(如 6.30202E+17),后几位已丢失;"
                                "请将该列设为文本后重新填写"))
    if len(text) == 15 and is_ascii_number(text):
        raise InvalidIdNumber(_("15 位旧身份证号请换算为 18 位后填写"))
    if any(c not in ALLOWED for c in text):
        raise InvalidIdNumber(_not_allowed(text))
    if len(text) != 18:
        raise InvalidIdNumber(_("身份证号应为 18 位,当前为 %(n)d 位") % {"n": len(text)})
    if not is_ascii_number(text[:17]):
        raise InvalidIdNumber(_("身份证号只有最后一位可以是 X"))
    return _checked(text, today)


def _checked(text: str, today: date | None) -> IdNumber:
    """An 18-character number of ASCII digits (the last may be X): its check digit and its
    birth date."""
    # Σ digit × weight, over the ASCII codes (each digit's code is 48 more than the digit)
    total = sum(map(int.__mul__, text[:17].encode(), WEIGHTS)) - _ZERO_CODES
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


ID_NUMBER = "id-number"  # the purpose of the keys (core.crypto): one for identity numbers


def encrypt(value: str) -> str:
    return crypto.fernet(ID_NUMBER).encrypt(value.encode()).decode()


def encrypt_many(values: list[str]) -> list[str]:
    """``[encrypt(v) for v in values]``, the same Fernet tokens (version, time, random IV,
    AES-128-CBC with PKCS7 padding, HMAC-SHA256: ``decrypt`` and Fernet read them), made
    for a whole import chunk at once. Fernet builds a cipher object per value, which costs
    more than the encryption itself; here the chunk goes through one AES context a block
    position at a time, each value's block chained to its block before (CBC, done by hand
    over the raw block cipher: the XOR of a whole position is one big-integer XOR)."""
    if not values:
        return []
    key = crypto.derived_key(settings.LINLI_DATA_KEY, ID_NUMBER, "encrypt")
    head = b"\x80" + struct.pack(">Q", int(time.time()))
    ivs = os.urandom(16 * len(values))
    padded = [_padded(v.encode()) for v in values]
    chained = [ivs[16 * i:16 * i + 16] for i in range(len(values))]
    sealed: list[list[bytes]] = [[] for _ in values]
    aes = Cipher(algorithms.AES(key[16:]), modes.ECB()).encryptor()  # noqa: S305 — CBC by hand
    for at in range(0, max(map(len, padded)), 16):
        todo = [i for i, data in enumerate(padded) if len(data) > at]
        size = 16 * len(todo)
        mixed = (int.from_bytes(b"".join(padded[i][at:at + 16] for i in todo), "big")
                 ^ int.from_bytes(b"".join(chained[i] for i in todo), "big"))
        out = aes.update(mixed.to_bytes(size, "big"))
        for n, i in enumerate(todo):
            chained[i] = out[16 * n:16 * n + 16]
            sealed[i].append(chained[i])
    signing = hmac.new(key[:16], digestmod=hashlib.sha256)
    tokens = []
    for i, blocks in enumerate(sealed):
        body = head + ivs[16 * i:16 * i + 16] + b"".join(blocks)
        tag = signing.copy()
        tag.update(body)
        tokens.append(base64.urlsafe_b64encode(body + tag.digest()).decode())
    return tokens


def _padded(data: bytes) -> bytes:
    """PKCS7 to whole 16-byte blocks, as Fernet pads."""
    pad = 16 - len(data) % 16
    return data + bytes([pad]) * pad


def decrypt(token: str) -> str:
    return crypto.fernet(ID_NUMBER).decrypt(token.encode()).decode()


def lookup_hash(value: str) -> str:
    """A keyed hash: equal numbers match, and nobody without the key can test a guess."""
    keyed = _lookup_hmac(settings.LINLI_DATA_KEY).copy()
    keyed.update(value.encode())
    return keyed.hexdigest()


@cache
def _lookup_hmac(master: bytes):
    """The keyed HMAC before any data (copied for each number: the key is set up once)."""
    return hmac.new(crypto.derived_key(master, ID_NUMBER, "lookup"), digestmod=hashlib.sha256)
