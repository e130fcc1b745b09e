"""Chunks saved several at once (``core.import_writers``): each writer has its own importer,
the results come back in the chunks' order, an error stops the work not yet begun, and an
importer that cannot be made fails every chunk rather than hanging."""

import threading

import pytest

from linli.core import import_writers


def _saved(chunks, save, make_importer=lambda: "writer's importer"):
    saved = import_writers.saved_in_order(chunks, save=save, make_importer=make_importer,
                                          at_once=True)
    try:
        return list(saved)
    finally:
        saved.close()


def test_it_saves_chunks_at_once_each_writer_with_its_own_importer_in_order():
    both = threading.Barrier(import_writers.WRITERS, timeout=5)  # passes only if they overlap
    made = []

    def make():
        made.append(threading.get_ident())
        return f"importer {len(made)}"

    def save(importer, chunk):
        if chunk < import_writers.WRITERS:
            both.wait()
        return chunk, importer, threading.get_ident()

    results = _saved(range(10), save, make)
    assert [chunk for chunk, _importer, _thread in results] == list(range(10))
    assert len(set(made)) == import_writers.WRITERS
    assert {importer for _chunk, importer, _thread in results} <= {
        f"importer {n + 1}" for n in range(import_writers.WRITERS)}
    assert threading.get_ident() not in {thread for _chunk, _importer, thread in results}


def test_in_turn_it_saves_with_the_importer_given():
    saved = import_writers.saved_in_order(range(3), save=lambda importer, chunk: (importer, chunk),
                                          make_importer=None, importer="mine", at_once=False)
    assert list(saved) == [("mine", 0), ("mine", 1), ("mine", 2)]


def test_an_error_stops_the_chunks_not_yet_begun():
    begun = []

    def save(importer, chunk):
        begun.append(chunk)
        if chunk == 2:
            raise ValueError("chunk 2")
        return chunk

    with pytest.raises(ValueError, match="chunk 2"):
        _saved(range(100), save)
    assert len(begun) <= 2 + import_writers.WRITERS + 1


def test_an_importer_that_cannot_be_made_fails_the_chunks():
    def make():
        raise PermissionError("no longer allowed")

    with pytest.raises(PermissionError):
        _saved(range(5), lambda importer, chunk: chunk, make)
