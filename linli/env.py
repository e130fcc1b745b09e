"""Typed readers of environment variables that fail loudly on bad values.

Every setting of the platform comes from a ``LINLI_*`` variable read through these
helpers; an unset variable gives the embedded default.
"""

import os
import secrets
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def _raw(name: str) -> str | None:
    value = os.environ.get(name)
    return None if value is None or value.strip() == "" else value.strip()


def env_str(name: str, default: str = "") -> str:
    value = _raw(name)
    return default if value is None else value


def env_bool(name: str, default: bool) -> bool:
    value = _raw(name)
    if value is None:
        return default
    if value.lower() in _TRUE:
        return True
    if value.lower() in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={value!r} is not a boolean (use true/false, 1/0)")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    value = _raw(name)
    if value is None:
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r} is not an integer") from None
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{name}={number} is below the minimum {minimum}")
    return number


def env_choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    value = _raw(name) or default
    if value not in choices:
        raise ImproperlyConfigured(f"{name}={value!r} is not one of {', '.join(choices)}")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    value = _raw(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def data_dir() -> Path:
    """Where the embedded default keeps its files: outside the source tree."""
    if _raw("LINLI_DATA_DIR"):
        path = Path(_raw("LINLI_DATA_DIR"))
    elif _raw("XDG_DATA_HOME"):
        path = Path(_raw("XDG_DATA_HOME")) / "linli"
    else:
        path = Path.home() / ".local" / "share" / "linli"
    path.mkdir(parents=True, exist_ok=True)
    return path


def secret_key() -> str:
    """LINLI_SECRET_KEY, or a key generated once and kept in the data folder."""
    value = _raw("LINLI_SECRET_KEY")
    if value is not None:
        if len(value) < 50:
            raise ImproperlyConfigured("LINLI_SECRET_KEY must be at least 50 characters")
        return value
    key_file = data_dir() / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(64))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def data_key() -> bytes:
    """LINLI_DATA_KEY (≥ 32 characters): the master key for personal-data encryption and the
    keyed hash of identity numbers. Unset: generated once into the data folder. Losing it
    makes the stored identity numbers unreadable — back it up with the database."""
    value = _raw("LINLI_DATA_KEY")
    if value is not None:
        if len(value) < 32:
            raise ImproperlyConfigured("LINLI_DATA_KEY must be at least 32 characters")
        return value.encode()
    key_file = data_dir() / "data_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(48))
        key_file.chmod(0o600)
    return key_file.read_text().strip().encode()


def cache(name: str = "LINLI_CACHE_URL") -> dict:
    """The shared cache: redis://host:port/db, or unset for one in each process's memory
    (enough for the embedded default, which runs one process)."""
    value = _raw(name)
    if not value:
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    if not value.startswith(("redis://", "rediss://", "unix://")):
        raise ImproperlyConfigured(f"{name}={value!r} is not a redis:// address")
    return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": value}
