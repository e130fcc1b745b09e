"""API tokens are served from the cache, and every change that matters forgets them."""

import socket
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.test import override_settings
from django.utils import timezone

from conftest import OTHER_COUNTY, OUR_COUNTY
from linli.accounts import services
from linli.accounts.models import ApiToken
from linli.accounts.roles import Role

pytestmark = pytest.mark.django_db
ME = "/api/v1/accounts/me"


def _me(client, raw):
    return client.get(ME, HTTP_AUTHORIZATION=f"Bearer {raw}")


@pytest.fixture
def token(personas):
    _token, raw = services.api_token_create(actor=personas.county, name="对接")
    return _token, raw


def test_a_cached_token_costs_no_query(personas, client, token,
                                       django_assert_num_queries):
    assert _me(client, token[1]).json()["region_codes"] == [OUR_COUNTY]
    with django_assert_num_queries(0):
        assert _me(client, token[1]).status_code == 200


def test_revoking_a_cached_token_takes_effect_at_once(personas, client, token):
    assert _me(client, token[1]).status_code == 200
    services.api_token_revoke(actor=personas.county, token=token[0])
    assert _me(client, token[1]).status_code == 401


def test_deactivating_the_user_takes_effect_at_once(personas, client, token):
    assert _me(client, token[1]).status_code == 200
    services.user_set_active(actor=personas.admin, user=personas.county, active=False)
    assert _me(client, token[1]).status_code == 401


def test_a_changed_role_takes_effect_at_once(personas, client, token):
    assert _me(client, token[1]).json()["region_codes"] == [OUR_COUNTY]
    services.membership_grant(actor=personas.admin, user=personas.county,
                              role=Role.COUNTY_BUREAU, region_code=OTHER_COUNTY)
    assert _me(client, token[1]).json()["region_codes"] == sorted([OUR_COUNTY, OTHER_COUNTY])
    services.membership_revoke(actor=personas.admin,
                               membership=personas.county.memberships.get(region_code=OUR_COUNTY))
    assert _me(client, token[1]).json()["region_codes"] == [OTHER_COUNTY]


def test_a_cached_token_still_expires(personas, client):
    token, raw = services.api_token_create(actor=personas.county, name="临时",
                                           expires_at=timezone.now() + timedelta(hours=1))
    assert _me(client, raw).status_code == 200
    entry = cache.get(services.token_cache_key(token.key_hash))
    entry["expires_at"] = timezone.now() - timedelta(seconds=1)
    cache.set(services.token_cache_key(token.key_hash), entry)
    assert _me(client, raw).status_code == 401


def test_the_last_use_is_written_once_in_five_minutes(personas, client, token):
    _me(client, token[1])
    first = ApiToken.objects.get(pk=token[0].pk).last_used_at
    _me(client, token[1])
    assert first is not None and ApiToken.objects.get(pk=token[0].pk).last_used_at == first


def _redis_up() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
    except OSError:
        return False
    return True


@pytest.mark.skipif(not _redis_up(), reason="no Redis on 127.0.0.1:6379")
def test_revocation_reaches_every_process_through_redis(personas, client, token):
    redis = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                         "LOCATION": "redis://127.0.0.1:6379/9"}}
    with override_settings(CACHES=redis):
        assert _me(client, token[1]).status_code == 200
        key = services.token_cache_key(token[0].key_hash)
        assert cache.get(key)["token_id"] == token[0].pk
        services.api_token_revoke(actor=personas.county, token=token[0])
        assert cache.get(key) is None
        assert _me(client, token[1]).status_code == 401
