"""Saving an import's chunks several at once (issue 10: a 100,000-row roster committed at
10,000 rows a second). About half of a commit's time is the database server's (indexes,
foreign keys, history) and half Python's (building the rows); saved one after the other, each
waits for the other. With WRITERS threads, each with an importer and a database connection
of its own, one chunk is built while another is written: the server works on one CPU while
Python works on the other.

Each chunk is still saved whole or not at all in its own transaction, as when they are saved
in turn; chunks do not share rows (a file naming a person twice is refused at its check), so
their order does not matter to what is saved, and the results come back in the file's order.
Work not begun when the saving stops (an error) is not done."""

import queue
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future

from django.db import connection

WRITERS = 2


def saved_in_order(chunks: Iterable, *, save: Callable, make_importer: Callable,
                   importer=None, at_once: bool) -> Iterator:
    """``save(importer, chunk)`` of each chunk, in order: one after the other with
    ``importer``, or (``at_once``) by WRITERS threads, each with its own importer
    (``make_importer()``) and connection. Close the iterator when done with it."""
    if not at_once:
        return (save(importer, chunk) for chunk in chunks)
    return _at_once(chunks, save, make_importer)


def _at_once(chunks: Iterable, save: Callable, make_importer: Callable) -> Iterator:
    todo: queue.Queue = queue.Queue()
    writers = [_Writer(todo, save, make_importer) for _ in range(WRITERS)]
    for writer in writers:
        writer.start()
    pending: deque[Future] = deque()
    try:
        for chunk in chunks:
            pending.append(future := Future())
            todo.put((chunk, future))
            if len(pending) > WRITERS:  # one waits while each writer has a chunk
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    finally:
        for future in pending:
            future.cancel()  # not begun: not done
        for _writer in writers:
            todo.put(None)
        for writer in writers:
            writer.join()


class _Writer(threading.Thread):
    """Saves the chunks it takes from ``todo`` until it takes None, with an importer and a
    database connection of its own (closed at the end)."""

    def __init__(self, todo: queue.Queue, save: Callable, make_importer: Callable):
        super().__init__(daemon=True)
        self.todo, self.save, self.make_importer = todo, save, make_importer

    def run(self) -> None:
        try:
            self._save_all()
        finally:
            connection.close()

    def _save_all(self) -> None:
        importer, failure = None, None
        try:
            importer = self.make_importer()
        except Exception as error:  # e.g. the actor may no longer import: every chunk says so
            failure = error
        while (item := self.todo.get()) is not None:
            chunk, future = item
            if not future.set_running_or_notify_cancel():
                continue
            if failure is not None:
                future.set_exception(failure)
                continue
            try:
                future.set_result(self.save(importer, chunk))
            except Exception as error:
                future.set_exception(error)
