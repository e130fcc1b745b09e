"""Shared fixtures: the Qinghai regions and the personas every scope test uses."""

from dataclasses import dataclass

import pytest

from linli.accounts.models import Membership, User
from linli.accounts.roles import Bureau, Role
from linli.regions.models import Region
from linli.regions.services import regions_ensure_loaded

PASSWORD = "Linli@2026test"

# County 城东区 (西宁市) is "ours"; 乐都区 (海东市) is the other county.
OUR_PREFECTURE, OUR_COUNTY, OUR_TOWNSHIP, OUR_VILLAGE = (
    "6301", "630102", "630102001", "630102001001")
OTHER_COUNTY, OTHER_TOWNSHIP, OTHER_VILLAGE = "630202", "630202001", "630202001001"


def pytest_configure(config):
    from django.conf import settings

    # Hashing at full strength makes a persona cost 0.3 s; the tests don't test PBKDF2.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Background tasks run inline in tests (a test of the database backend sets it back).
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    # Static files under their plain names, straight from the source folders: no collectstatic
    # needed, and the live server's static handler finds them. The hashed, compressed files of
    # production are measured by tests/browser/test_throttled.py.
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    settings.WHITENOISE_USE_FINDERS = True


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        regions_ensure_loaded()


@pytest.fixture(autouse=True)
def fresh_cache():
    """Figures, the groups and the hand-entered indicators are cached (per user, for closed
    periods), and a rolled-back test's rows and users' ids come again in the next test:
    each test starts with an empty cache."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def regions(db):
    """For transactional tests, whose flush empties the tables: reload reference data."""
    from linli.orgs.models import TargetGroup
    from linli.orgs.target_groups import load_target_groups
    from linli.people.groups import load_groups
    from linli.people.models import Group
    from linli.reports.models import ManualIndicator, Measure, Target
    from linli.reports.reference import load_reference

    regions_ensure_loaded()
    load_groups(Group)
    load_target_groups(TargetGroup)
    load_reference(Measure, Target, ManualIndicator)
    from linli.appeals import reference as appeals_reference
    from linli.appeals.models import Category, DueRule

    appeals_reference.load_reference(Category, DueRule)


def make_user(username: str, role: str | None = None, code: str = "", bureau: str = "",
              **fields) -> User:
    user = User.objects.create_user(username=username, password=PASSWORD,
                                    full_name=fields.pop("full_name", username), **fields)
    if role:
        region = Region.objects.get(code=code)
        Membership.objects.create(user=user, role=role, region=region, bureau=bureau)
    return user


@dataclass
class Personas:
    province: User  # 省厅 社会组织管理局
    province_elderly: User  # 省厅 养老服务处
    prefecture: User  # 西宁市
    county: User  # 城东区
    other_county: User  # 乐都区
    township: User  # 东关大街街道
    village: User  # 北关社区
    auditor: User
    admin: User
    outsider: User  # signed in, no membership


@pytest.fixture
def personas(db) -> Personas:
    return Personas(
        province=make_user("province", Role.PROVINCE_BUREAU, "63",
                           Bureau.SOCIAL_ORGANIZATIONS),
        province_elderly=make_user("province_elderly", Role.PROVINCE_BUREAU, "63",
                                   Bureau.ELDERLY_SERVICES),
        prefecture=make_user("prefecture", Role.PREFECTURE_BUREAU, OUR_PREFECTURE),
        county=make_user("county", Role.COUNTY_BUREAU, OUR_COUNTY),
        other_county=make_user("other_county", Role.COUNTY_BUREAU, OTHER_COUNTY),
        township=make_user("township", Role.TOWNSHIP_ASSISTANT, OUR_TOWNSHIP),
        village=make_user("village", Role.VILLAGE_STAFF, OUR_VILLAGE),
        auditor=make_user("auditor", Role.AUDITOR, "63"),
        admin=make_user("admin", Role.SYSADMIN, "63"),
        outsider=make_user("outsider"),
    )


@pytest.fixture
def as_user(client, settings):
    """Sign a persona in through the session (second factor off unless a test turns it on)."""
    settings.LINLI_ENFORCE_2FA = False

    def sign_in(user: User):
        client.force_login(user)
        return client

    return sign_in


def sign_in(page, username: str, password: str = PASSWORD) -> None:
    """A browser test's user signs in on the login page and lands on the home page."""
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("main button[type=submit]")
    page.wait_for_url("**/")
