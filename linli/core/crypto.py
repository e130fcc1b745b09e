"""Personal data held by the shared mechanisms: encrypted at rest, masked on screen.

An uploaded roster (and the error report written from it) holds the identity numbers the
people app stores only as ciphertext, so it is kept the same way: Fernet, with a key
derived from LINLI_DATA_KEY for each purpose (a key for files cannot open an identity
number, nor the reverse). Stored rows of a report show numbers masked the way the registry
shows them (``632301********0015``).
"""

import base64
import hashlib
import hmac
import re
import unicodedata
from functools import cache

from cryptography.fernet import Fernet
from django.conf import settings

FILE = "import-file"
REPORT = "import-report"
# Every Fernet token starts with its version byte 0x80 and a 64-bit timestamp whose top
# bytes are zero: "gAAAAA" in URL-safe base64. A workbook starts with PK or D0 CF.
_SEALED = b"gAAAAA"


@cache
def derived_key(master: bytes, purpose: str, use: str) -> bytes:
    """The key for one purpose and use ("encrypt", "lookup") derived from the data key."""
    return hmac.new(master, f"linli:{purpose}:{use}".encode(), hashlib.sha256).digest()


@cache
def _fernet(master: bytes, purpose: str) -> Fernet:
    return Fernet(base64.urlsafe_b64encode(derived_key(master, purpose, "encrypt")))


def fernet(purpose: str) -> Fernet:
    """The cipher of one purpose (identity numbers, import files …) under LINLI_DATA_KEY."""
    return _fernet(settings.LINLI_DATA_KEY, purpose)


def seal(data: bytes, *, purpose: str) -> bytes:
    """``data`` encrypted for storing; empty stays empty (nothing is kept)."""
    if not data:
        return b""
    return fernet(purpose).encrypt(data)


def unseal(token: bytes, *, purpose: str) -> bytes:
    if not token:
        return b""
    return fernet(purpose).decrypt(token)


def is_sealed(data: bytes) -> bool:
    return bytes(data[:len(_SEALED)]) == _SEALED


_SEPARATORS = re.compile(r"[\s'‘’-]")
# Any script's digits: masking errs on the side of hiding.
_RUN = re.compile(r"\d{6,}[\dXx]?")


def _mask_run(match: re.Match) -> str:
    run = match.group()
    if len(run) >= 14:  # an identity number, whole or nearly: 632301********0015
        return run[:6] + "*" * (len(run) - 10) + run[-4:]
    return "*" * (len(run) - 2) + run[-2:]


def mask_number(text: str) -> str:
    """A cell meant to hold an identity number, with every long run of digits masked as the
    registry masks a number (first six and last four of 18 shown). What cannot be a number
    stays as it reads, so a value Excel turned into ``6.30202E+17`` shows as such."""
    plain = _SEPARATORS.sub("", unicodedata.normalize("NFKC", text))
    return _RUN.sub(_mask_run, plain) if _RUN.search(plain) else text
