"""Foundation benchmark: province-scale seeding and the region pages/API at that scale.

Usage (a database of its own; it is migrated and seeded):
    cd bench && LINLI_DATABASE_URL=postgres://postgres@127.0.0.1:5432/linli_bench \\
        ../.venv/bin/python foundation.py
Writes bench/results/foundation-<vendor>.json and prints the figures.
"""

import time

from common import Quiet, time_pages, write
from django.core.management import call_command
from django.db import connection

from linli.accounts.models import User


def main() -> None:
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    call_command("seed", "--size", "province", "--quiet-accounts", stdout=Quiet())
    first_seed = time.perf_counter() - started
    started = time.perf_counter()
    call_command("seed", "--size", "province", "--quiet-accounts", stdout=Quiet())
    second_seed = time.perf_counter() - started
    figures = {"database": connection.vendor, "users": User.objects.count(),
               "seed_province_first_s": round(first_seed, 2),
               "seed_province_again_s": round(second_seed, 2)}
    figures["requests"] = time_pages({
        "sheng_shzz": ["/", "/regions/63/", "/regions/6302/",
                       "/api/v1/regions/?level=5&page_size=100", "/api/v1/regions/?q=村&page=20"],
        "chengdong": ["/", "/regions/630102/", "/api/v1/regions/?page_size=100"],
        "admin": ["/accounts/users/", "/accounts/users/?q=630202"],
    })
    write("foundation", figures)


if __name__ == "__main__":
    main()
