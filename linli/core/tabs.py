"""Tabbed lists open where the work is."""

from collections.abc import Iterable, Mapping


def first_with_work(tabs: Iterable[str], counts: Mapping[str, int], asked: str | None) -> str:
    """The tab the user asked for; without a (known) one, the first tab that lists
    anything, so a reviewer with nothing to review lands on the returned filings, not on
    an empty page (the first tab when every one is empty)."""
    keys = list(tabs)
    if asked in keys:
        return asked
    return next((key for key in keys if counts.get(key)), keys[0])
