"""The checked rows of a preview, kept for its commit, so that committing a roster does not
read and check the whole file a second time (issue 10: a third of a 100,000-row commit).

They hold what the file holds (names, identity numbers), so they are kept the way the file
is and with it: sealed with the file's key, in ``ImportJob.content`` after the file's own
token — two Fernet tokens, which never contain a newline, joined by one — and deleted when
the file is (commit, 放弃, failure, the retention period: every path that empties
``content``). Bounded: past KEPT_BYTES of compressed rows the preview stops keeping them and
the commit reads the file again, as it does for rows kept by another version of the code.

The rows are plain values (``Importer.pack``: str, int, None, lists, dicts with str keys),
written as JSON (read back, tuples are lists)."""

import json
import zlib
from collections.abc import Callable, Iterable, Iterator

from linli.core import crypto

KEPT_BYTES = 32 * 1024 * 1024  # compressed: about 250,000 rows of a people roster
FORMAT = 1  # of the kept rows; rows of another format are not read (the file is, again)
_JOIN = b"\n"


def file_token(stored: bytes) -> bytes:
    """The sealed file of a job's ``content``, without the rows kept beside it (``stored``
    itself when none are: a file of 100 MB is not copied)."""
    end = stored.find(_JOIN)
    return stored if end < 0 else stored[:end]


def kept_token(stored: bytes) -> bytes:
    """The sealed rows kept beside the file in a job's ``content`` (b"" when none are)."""
    parts = stored.split(_JOIN, 1)
    return parts[1] if len(parts) == 2 else b""


def _dumps(value) -> bytes:
    """One line of JSON (a newline inside a string is written as \\n)."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode() + b"\n"


class Keeper:
    """Collects the rows of a preview, packed (``pack``), as one compressed stream: a line
    naming the format, then a line of JSON per chunk of rows. Gives up (and drops what it
    holds) once the stream passes KEPT_BYTES."""

    def __init__(self, packing: str, pack: Callable[[object], list | tuple]):
        self.pack = pack
        self.parts: list[bytes] | None = None
        if packing:  # the importer packs its rows
            self.deflate = zlib.compressobj(1)
            self.parts, self.size = [], 0
            self._write(_dumps([FORMAT, packing]))

    def _write(self, data: bytes) -> None:
        self._keep(self.deflate.compress(data))

    def _keep(self, part: bytes) -> None:
        self.size += len(part)
        if self.size > KEPT_BYTES:
            self.parts = None  # too many to keep: the commit reads the file again
        elif part:
            self.parts.append(part)

    def add(self, rows: Iterable) -> None:
        if self.parts is not None:
            self._write(_dumps([self.pack(row) for row in rows]))

    def content(self, sealed_file: bytes) -> bytes:
        """The job's ``content``: the sealed file (itself when no rows are kept), and the rows
        kept beside it."""
        if self.parts is not None:
            self._keep(self.deflate.flush())
        if self.parts is None:
            return sealed_file
        return sealed_file + _JOIN + crypto.seal(b"".join(self.parts), purpose=crypto.FILE)


def kept_chunks(stored: bytes, packing: str) -> Iterator[list[list]] | None:
    """The packed rows kept beside the file, chunk by chunk (lists, where pack() gave
    tuples); None when there are none, or they were packed another way (by other code):
    the file is to be read again."""
    token = kept_token(stored)
    if not token or not packing:
        return None
    lines = _lines(crypto.unseal(token, purpose=crypto.FILE))
    if json.loads(next(lines)) != [FORMAT, packing]:
        return None
    return (json.loads(line) for line in lines)


def _lines(data: bytes, step: int = 1 << 20) -> Iterator[bytes]:
    """The lines of a compressed stream, inflated a piece at a time."""
    inflate, rest = zlib.decompressobj(), b""
    for start in range(0, len(data), step):
        rest += inflate.decompress(data[start:start + step])
        *lines, rest = rest.split(b"\n")
        yield from lines
    rest += inflate.flush()
    yield from (line for line in rest.split(b"\n") if line)
