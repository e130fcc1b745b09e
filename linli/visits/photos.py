"""A visit's photo: checked by its bytes, kept in the data folder, read back for its page.

The phone compresses the picture (record.js: JPEG, longest side ~1280 px) before it is
queued, so what arrives is small; an API client may send a PNG too. Nothing trusts the
declared type or a file name: the bytes must be a whole JPEG or PNG (structure walked,
PNG chunk checksums verified), within LINLI_VISIT_PHOTO_MAX_BYTES. Files live under
settings.DATA_DIR / "visit-photos" — never under the web root or STATIC_ROOT — and are
served only by visits.views.photo, to users who may see the person.
"""

import base64
import binascii
import os
import re
import struct
import uuid
import zlib
from datetime import date
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from linli.core.errors import Invalid

CONTENT_TYPES = {"jpg": "image/jpeg", "png": "image/png"}
MAX_SIDE = 10_000  # pixels; a phone's camera is ~4,000, the compressed copy 1,280
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# JPEG markers that stand alone (no length): TEM, RST0-7; SOF0-15 but DHT, JPG, DAC
_STANDALONE = {0x01, *range(0xD0, 0xD8)}
_SOF = set(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}
_DATA_URL = re.compile(r"data:image/(?:jpeg|png);base64,", re.ASCII)


def _refuse(message: str) -> Invalid:
    return Invalid(message, details={"photo": [message]})


def _jpeg_size(data: bytes) -> tuple[int, int] | None:
    """Walk the markers up to the scan: a frame header must give the size; the file must
    end with EOI."""
    if not (data.startswith(b"\xff\xd8\xff") and data.endswith(b"\xff\xd9")):
        return None
    at, size = 2, None
    while at + 4 <= len(data):
        if data[at] != 0xFF:
            return None
        marker = data[at + 1]
        if marker == 0xFF:  # fill byte
            at += 1
            continue
        if marker in _STANDALONE:
            at += 2
            continue
        (length,) = struct.unpack(">H", data[at + 2:at + 4])
        if length < 2 or at + 2 + length > len(data):
            return None
        if marker in _SOF and length >= 7:
            height, width = struct.unpack(">HH", data[at + 5:at + 9])
            size = (width, height)
        if marker == 0xDA:  # start of scan: the entropy-coded data follows
            return size
        at += 2 + length
    return None


def _png_size(data: bytes) -> tuple[int, int] | None:
    """Every chunk's length and CRC, IHDR first and IEND last."""
    if not data.startswith(PNG_SIGNATURE):
        return None
    at, size, kinds = len(PNG_SIGNATURE), None, []
    while at + 12 <= len(data):
        length, kind = struct.unpack(">I4s", data[at:at + 8])
        body_end = at + 8 + length
        if body_end + 4 > len(data):
            return None
        (crc,) = struct.unpack(">I", data[body_end:body_end + 4])
        if zlib.crc32(data[at + 4:body_end]) != crc:
            return None
        if kind == b"IHDR" and length == 13:
            size = struct.unpack(">II", data[at + 8:at + 16])
        kinds.append(kind)
        at = body_end + 4
        if kind == b"IEND":
            break
    whole = at == len(data) and kinds[:1] == [b"IHDR"] and kinds[-1:] == [b"IEND"]
    return size if whole and b"IDAT" in kinds else None


def image_kind(data: bytes) -> str:
    """"jpg" or "png" for a well-formed image within the bounds; Invalid otherwise."""
    limit = settings.LINLI_VISIT_PHOTO_MAX_BYTES
    if len(data) > limit:
        raise _refuse(_("照片不能超过 %(kb)d KB") % {"kb": limit // 1000})
    for kind, size in (("jpg", _jpeg_size(data)), ("png", _png_size(data))):
        if size is not None:
            if not (0 < size[0] <= MAX_SIDE and 0 < size[1] <= MAX_SIDE):
                raise _refuse(_("照片尺寸不合理"))
            return kind
    raise _refuse(_("照片应为 JPEG 或 PNG 图片"))


def from_data_url(text: str) -> bytes:
    """The bytes of ``data:image/jpeg;base64,…`` (or png), as record.js sends them."""
    match = _DATA_URL.match(text)
    if not match:
        raise _refuse(_("照片应为 JPEG 或 PNG 图片"))
    try:
        return base64.b64decode(text[match.end():], validate=True)
    except (binascii.Error, ValueError):
        raise _refuse(_("照片数据已损坏")) from None


def folder() -> Path:
    return Path(settings.DATA_DIR) / "visit-photos"


def name_for(visit_id: uuid.UUID, kind: str, on: date) -> str:
    """The stored name: a month folder and the visit's own id (a retry rewrites the same
    file, never a second one)."""
    return f"{on:%Y/%m}/{visit_id}.{kind}"


def path_of(name: str) -> Path:
    path = (folder() / name).resolve()
    if folder().resolve() not in path.parents:  # names are ours; refuse anything else
        raise ValueError(name)
    return path


def store(name: str, data: bytes) -> None:
    """Write the file whole or not at all (a temporary name, then a rename)."""
    path = path_of(name)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o750)
    temporary = path.with_suffix(f".{uuid.uuid4().hex}.part")
    with open(os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o640), "wb") as out:
        out.write(data)
    os.replace(temporary, path)


def content_type(name: str) -> str:
    return CONTENT_TYPES[name.rsplit(".", 1)[-1]]
