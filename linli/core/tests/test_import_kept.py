"""The rows a preview keeps for its commit (``core.import_kept``): sealed after the file's own
token, read back chunk by chunk as they were written, bounded, and not read when written by
other code."""

from linli.core import crypto, import_kept

SEALED_FILE = crypto.seal(b"PK workbook", purpose=crypto.FILE)


def _kept(chunks, packing="test-1") -> bytes:
    keeper = import_kept.Keeper(packing, lambda row: (row, f"行{row}\n含换行"))
    for chunk in chunks:
        keeper.add(iter(chunk))
    return keeper.content(SEALED_FILE)


def test_it_gives_back_the_chunks_as_they_were_kept(monkeypatch):
    chunks = [range(start, start + 500) for start in range(0, 5000, 500)]
    stored = _kept(chunks)
    assert import_kept.file_token(stored) == SEALED_FILE
    assert crypto.is_sealed(import_kept.kept_token(stored))
    # inflated a few bytes at a time, the lines (one per chunk) still come out whole
    monkeypatch.setattr(import_kept._lines, "__defaults__", (7,))
    back = list(import_kept.kept_chunks(stored, "test-1"))
    assert back == [[[row, f"行{row}\n含换行"] for row in chunk] for chunk in chunks]


def test_it_keeps_nothing_past_its_bound_or_for_an_importer_that_does_not_pack(monkeypatch):
    monkeypatch.setattr(import_kept, "KEPT_BYTES", 100)
    assert _kept([range(1000)]) == SEALED_FILE
    monkeypatch.undo()
    assert _kept([range(10)], packing="") == SEALED_FILE
    assert import_kept.kept_chunks(SEALED_FILE, "test-1") is None


def test_it_does_not_read_rows_packed_another_way():
    stored = _kept([range(10)])
    assert import_kept.kept_chunks(stored, "test-2") is None
    assert import_kept.kept_chunks(stored, "") is None
