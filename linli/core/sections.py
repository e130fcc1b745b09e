"""Panels that other apps add to a record's page (the person page shows visits, later
services and appeals) without the owning app depending on them."""

from collections.abc import Callable

# page name → [(order, func(actor, record) -> (template name, context) or None)]
_sections: dict[str, list[tuple[int, Callable]]] = {}


def register(page: str, func: Callable, *, order: int = 50) -> None:
    entries = _sections.setdefault(page, [])
    if func not in [f for _, f in entries]:
        entries.append((order, func))
        entries.sort(key=lambda item: item[0])


def sections_for(page: str, actor, record) -> list[tuple[str, dict]]:
    found = (func(actor, record) for _, func in _sections.get(page, []))
    return [section for section in found if section is not None]
