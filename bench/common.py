"""Shared by the benchmark scripts: Django set-up, timing, writing the figures."""

import json
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "linli.settings")
os.environ.setdefault("LINLI_ENFORCE_2FA", "false")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results"
ROUNDS = 30


class Quiet:
    def write(self, text):
        pass


def timed(fn, rounds: int = ROUNDS) -> dict:
    samples = []
    for _ in range(rounds):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return {"median_ms": round(statistics.median(samples), 2),
            "p95_ms": round(samples[max(0, int(len(samples) * 0.95) - 1)], 2), "rounds": rounds}


def time_pages(users_urls: dict[str, list[str]]) -> dict:
    from django.test.utils import override_settings

    from linli.accounts.models import User

    figures = {}
    with override_settings(ALLOWED_HOSTS=["*"]):
        for username, urls in users_urls.items():
            client = Client()
            client.force_login(User.objects.get(username=username))
            for url in urls:
                assert client.get(url).status_code == 200, url
                figures[f"{username} GET {url}"] = timed(lambda u=url, c=client: c.get(u))
    return figures


def write(name: str, figures: dict) -> None:
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"{name}-{connection.vendor}.json"
    out.write_text(json.dumps(figures, ensure_ascii=False, indent=2) + "\n")
    json.dump(figures, sys.stdout, ensure_ascii=False, indent=2)
    print(f"\nwritten to {out}")
