"""Foundation benchmark: province-scale seeding and the region pages/API at that scale.

Usage (a database of its own; it is migrated and seeded):
    LINLI_DATABASE_URL=postgres://postgres@127.0.0.1:5432/linli_bench \
        .venv/bin/python bench/foundation.py
Writes bench/results/foundation-<vendor>.json and prints the figures.
"""

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

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import override_settings  # noqa: E402

from linli.accounts.models import User  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results"
ROUNDS = 30


class _Quiet:
    def write(self, text):
        pass


def timed(fn, rounds=ROUNDS) -> dict:
    samples = []
    for _ in range(rounds):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return {"median_ms": round(statistics.median(samples), 2),
            "p95_ms": round(samples[int(len(samples) * 0.95) - 1], 2), "rounds": rounds}


def main() -> None:
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    call_command("seed", "--size", "province", "--quiet-accounts", stdout=_Quiet())
    first_seed = time.perf_counter() - started
    started = time.perf_counter()
    call_command("seed", "--size", "province", "--quiet-accounts", stdout=_Quiet())
    second_seed = time.perf_counter() - started

    figures = {"database": connection.vendor, "users": User.objects.count(),
               "seed_province_first_s": round(first_seed, 2),
               "seed_province_again_s": round(second_seed, 2), "requests": {}}
    with override_settings(ALLOWED_HOSTS=["*"], DEBUG=False):
        for username, urls in {
            "sheng_shzz": ["/", "/regions/63/", "/regions/6302/",
                           "/api/v1/regions/?level=5&page_size=100",
                           "/api/v1/regions/?q=村&page=20"],
            "chengdong": ["/", "/regions/630102/", "/api/v1/regions/?page_size=100"],
            "admin": ["/accounts/users/", "/accounts/users/?q=630202"],
        }.items():
            client = Client()
            client.force_login(User.objects.get(username=username))
            for url in urls:
                assert client.get(url).status_code == 200, url
                key = f"{username} GET {url}"
                figures["requests"][key] = timed(lambda u=url, c=client: c.get(u))
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"foundation-{connection.vendor}.json"
    out.write_text(json.dumps(figures, ensure_ascii=False, indent=2) + "\n")
    json.dump(figures, sys.stdout, ensure_ascii=False, indent=2)
    print(f"\nwritten to {out}")


if __name__ == "__main__":
    main()
