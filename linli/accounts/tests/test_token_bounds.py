"""A personal token's expiry: a real date, not in the past, and the reason shown when
refused (the page once said "请填写令牌用途" for any problem)."""

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from linli.accounts import services
from linli.accounts.models import ApiToken
from linli.core.errors import Invalid

pytestmark = pytest.mark.django_db


def _create(client, **data):
    response = client.post(reverse("accounts:token_create"), {"name": "手机端", **data})
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_it_refuses_an_expiry_in_the_past(personas):
    with pytest.raises(Invalid, match="到期日期不能早于今天"):
        services.api_token_create(actor=personas.village, name="手机端",
                                  expires_at=timezone.now() - timedelta(days=1))
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize("day, reason", [("3000-01-01", "日期应在 1900 年至 2100 年之间"),
                                         ("2001-01-01", "到期日期不能早于今天")])
def test_it_shows_why_an_expiry_was_refused(personas, as_user, day, reason):
    shown = _create(as_user(personas.village), expires_at=day)
    assert any(reason in message for message in shown)
    assert not ApiToken.objects.exists()


def test_it_creates_a_token_expiring_today(personas, as_user):
    shown = _create(as_user(personas.village), expires_at=timezone.localdate().isoformat())
    assert any("新令牌" in message for message in shown)
    assert ApiToken.objects.get().expires_at > timezone.now()
