"""Demo and province-scale data: each app registers a seeder in AppConfig.ready.

A seeder is ``func(*, size, stdout)``; it must be idempotent (a second run adds
nothing) and use bulk inserts so the province size stays practical.
"""

from collections.abc import Callable

from django.db import connection

SIZES = ("demo", "province")
_seeders: list[tuple[int, Callable]] = []


def register(func: Callable, *, order: int = 50) -> None:
    if func not in [f for _, f in _seeders]:
        _seeders.append((order, func))
        _seeders.sort(key=lambda item: item[0])


def run(*, size: str, stdout) -> None:
    if size not in SIZES:
        raise ValueError(f"unknown size {size!r}; choose from {SIZES}")
    for _, func in _seeders:
        func(size=size, stdout=stdout)
    if connection.vendor == "postgresql":
        # After bulk loads the planner's statistics are stale until autovacuum catches up;
        # without them it picks nested loops over 300,000 rows.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
