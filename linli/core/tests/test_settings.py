import os
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from linli import env


def test_it_reads_typed_values(monkeypatch):
    monkeypatch.setenv("LINLI_X_BOOL", "yes")
    monkeypatch.setenv("LINLI_X_INT", "42")
    monkeypatch.setenv("LINLI_X_LIST", "a.gov.cn, b.gov.cn")
    assert env.env_bool("LINLI_X_BOOL", False) is True
    assert env.env_int("LINLI_X_INT", 1) == 42
    assert env.env_list("LINLI_X_LIST", []) == ["a.gov.cn", "b.gov.cn"]


def test_it_gives_the_default_when_unset(monkeypatch):
    monkeypatch.delenv("LINLI_X_BOOL", raising=False)
    assert env.env_bool("LINLI_X_BOOL", True) is True
    assert env.env_int("LINLI_X_INT_UNSET", 7) == 7


@pytest.mark.parametrize(("name", "value", "reader"), [
    ("LINLI_X_BOOL", "maybe", lambda: env.env_bool("LINLI_X_BOOL", False)),
    ("LINLI_X_INT", "ten", lambda: env.env_int("LINLI_X_INT", 1)),
    ("LINLI_X_INT", "0", lambda: env.env_int("LINLI_X_INT", 1, minimum=1)),
    ("LINLI_SECRET_KEY", "short", env.secret_key),
])
def test_it_fails_loudly_on_bad_values(monkeypatch, name, value, reader):
    monkeypatch.setenv(name, value)
    with pytest.raises(ImproperlyConfigured, match=name):
        reader()


def test_it_keeps_a_generated_secret_outside_the_source_tree(monkeypatch, tmp_path):
    monkeypatch.delenv("LINLI_SECRET_KEY", raising=False)
    monkeypatch.setenv("LINLI_DATA_DIR", str(tmp_path))
    first = env.secret_key()
    assert len(first) >= 50 and env.secret_key() == first
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def _linli(args, **extra_env):
    environment = {k: v for k, v in os.environ.items()
                   if not k.startswith("LINLI_") and k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    environment.update(extra_env)
    return subprocess.run([sys.executable, "-m", "linli", *args], capture_output=True,
                          text=True, env=environment, timeout=120)


def test_it_passes_the_deployment_check_with_production_variables(tmp_path):
    result = _linli(["check", "--deploy", "--fail-level", "WARNING"],
                    LINLI_DATA_DIR=str(tmp_path),
                    LINLI_SECRET_KEY="p" * 20 + "q7Z!x9kL2mN4bV6cX8zA1sD3fG5hJ0qW",
                    LINLI_ALLOWED_HOSTS="linli.qh.gov.cn", LINLI_HTTPS="true",
                    LINLI_DATABASE_URL="postgres://linli@db.internal:5432/linli",
                    LINLI_CACHE_URL="redis://cache.internal:6379/0")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_it_asks_for_a_shared_cache_beside_postgresql(tmp_path):
    result = _linli(["check", "--deploy"], LINLI_DATA_DIR=str(tmp_path),
                    LINLI_DATABASE_URL="postgres://linli@db.internal:5432/linli")
    assert "linli.W001" in result.stderr + result.stdout
    assert "LINLI_CACHE_URL" in _linli(["check"], LINLI_DATA_DIR=str(tmp_path),
                                       LINLI_CACHE_URL="memcached://x").stderr


def test_it_refuses_to_start_on_a_bad_variable(tmp_path):
    result = _linli(["check"], LINLI_DATA_DIR=str(tmp_path), LINLI_DEBUG="perhaps")
    assert result.returncode != 0
    assert "LINLI_DEBUG='perhaps' is not a boolean" in result.stderr
