"""What a roster's rows repeat, worked out once per file.

A county's roster writes the same few 类别, 成立时间, 服务对象 and places row after row;
reading each cell again cost a 20,000-row file as much as saving it. Answers are kept per
value (a refusal as its reason, raised again as a new ValueError with the same text), up
to ``MEMO`` values, so a million-row file stays bounded in memory."""

from collections.abc import Callable
from typing import Any

from linli.core.errors import DomainError
from linli.core.importing import Problems, RowProblems

MEMO = 1 << 16  # distinct values remembered per kind of cell during one file


def reason(error: Exception) -> str:
    """A refusal's text, as the import engine reports it."""
    return str(error.message if isinstance(error, DomainError) else error)


class Memo:
    """``work(value)`` remembered by value (and type: 1 and 1.0 and True are not one
    cell), its refusal included."""

    def __init__(self, work: Callable[[Any], Any]):
        self.work, self.known = work, {}

    def __call__(self, value):
        key = (type(value), value)
        known = self.known.get(key)
        if known is None:
            try:
                known = (True, self.work(value))
            except (ValueError, DomainError) as error:
                known = (False, reason(error))
            if len(self.known) < MEMO:
                self.known[key] = known
        done, result = known
        if not done:
            raise ValueError(result)
        return result


class _Check:
    """``Problems.check`` as a plain context manager: a row makes a dozen checks, and a
    generator-based one costs more than most of them."""

    __slots__ = ("problems",)

    def __init__(self, problems: Problems):
        self.problems = problems

    def __enter__(self):
        return self

    def __exit__(self, kind, error, trace) -> bool:
        if isinstance(error, RowProblems):
            self.problems.errors += error.errors
            self.problems.warnings += error.warnings
            return True
        if isinstance(error, ValueError | DomainError):
            self.problems.errors.append(reason(error))
            return True
        return False


class FastProblems(Problems):
    """The engine's Problems, collected the same way, checked more cheaply."""

    def __init__(self):
        super().__init__()
        self._check = _Check(self)

    def check(self):
        return self._check
