"""Every page and endpoint is either proven scoped here or exempted with a reason.

When an app adds a URL, the completeness test fails until the URL is listed: scoped
URLs get the "another county's user gets 404 / sees nothing" check for free.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from conftest import OUR_COUNTY, OUR_TOWNSHIP

pytestmark = pytest.mark.django_db

DETAIL, LIST = "detail", "list"
# name → (URL inside 城东区, text only its own users may see, kind). Another county's
# user gets 404 from a detail and a list without that text.
SCOPED = {
    "regions:detail": (f"/regions/{OUR_TOWNSHIP}/", "东关大街街道", DETAIL),
    "regions:index": ("/regions/", "城东区", LIST),  # redirects into the user's own subtree
    "regions:options": ("/regions/options/?q=东关", OUR_TOWNSHIP, LIST),
    "core:home": ("/", "城东区下辖村(社区)分布", LIST),
    "api-1.0.0:get_region": (f"/api/v1/regions/{OUR_COUNTY}", OUR_COUNTY, DETAIL),
    "api-1.0.0:list_regions": ("/api/v1/regions/?q=东关", OUR_TOWNSHIP, LIST),
}
# name → why it needs no region check
EXEMPT = {
    "accounts:login": "sign-in", "accounts:verify": "sign-in, second step",
    "accounts:logout": "sign-out", "accounts:profile": "the user's own account",
    "accounts:password_change": "the user's own account",
    "accounts:second_factor": "the user's own account",
    "accounts:token_create": "the user's own tokens",
    "accounts:token_revoke": "the user's own tokens (tested: another user's token is 404)",
    "accounts:user_list": "system administrators only (tested: everyone else 404)",
    "accounts:user_create": "system administrators only (tested)",
    "accounts:user_detail": "system administrators only (tested)",
    "accounts:membership_revoke": "system administrators only (tested)",
    "accounts:user_action": "system administrators only (tested)",
    "audit:log": "administrators and auditors only (tested: everyone else 404)",
    "api-1.0.0:me": "the caller's own account",
    "api-1.0.0:api-root": "index of the API", "api-1.0.0:openapi-json": "schema",
    "api-1.0.0:openapi-view": "interactive docs",
    "set_language": "language switch",
}
OWN_APPS = ("core", "regions", "accounts", "audit", "api-1.0.0")


def _names(resolver=None, namespace=""):
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _names(entry, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}"


def test_it_lists_every_page_and_endpoint():
    names = {n for n in _names() if n.split(":")[0] in OWN_APPS or n == "set_language"}
    unlisted = names - set(SCOPED) - set(EXEMPT)
    assert not unlisted, f"add these to SCOPED (with a 404 check) or EXEMPT: {unlisted}"


@pytest.mark.parametrize("name", sorted(SCOPED))
def test_it_shows_our_county_its_own_records(personas, as_user, name):
    url, marker, _kind = SCOPED[name]
    response = as_user(personas.county).get(url, follow=True)
    assert response.status_code == 200
    assert marker in response.content.decode()


@pytest.mark.parametrize("name", sorted(SCOPED))
def test_it_gives_another_county_404_or_nothing(personas, as_user, name):
    url, marker, kind = SCOPED[name]
    response = as_user(personas.other_county).get(url, follow=True)
    assert response.status_code == (404 if kind == DETAIL else 200)
    assert marker not in response.content.decode()
