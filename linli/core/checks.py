"""Deployment checks of the platform's own settings (`linli check --deploy`)."""

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.caches, deploy=True)
def shared_cache(app_configs, **kwargs):
    """Several app processes need one shared cache: with a cache in each process's memory, a
    revoked API token keeps working in the other processes until their copy expires."""
    if settings.CACHES["default"]["BACKEND"].endswith("LocMemCache") and (
            settings.DATABASES["default"]["ENGINE"].endswith("postgresql")):
        return [Warning("未设置 LINLI_CACHE_URL:多个应用进程时请使用 Redis 作为共享缓存,"
                        "否则吊销的访问令牌在其他进程中最多 60 秒内仍可使用。",
                        id="linli.W001")]
    return []
