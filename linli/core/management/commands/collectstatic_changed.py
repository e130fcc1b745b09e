"""`linli collectstatic_changed`: `collectstatic` when a static file changed since the last one.

A collection hashes every static file and writes a brotli and a gzip copy of each (settings
STORAGES): half a minute of CPU, too much for every run of scripts/serve or scripts/test.
This one collects when the manifest is missing or older than a file the finders list (ours,
the packages', a deployment's base map), and otherwise says nothing and does nothing.
"""

import os
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.staticfiles.finders import get_finders
from django.core.management import call_command
from django.core.management.base import BaseCommand


def changed_since_collected() -> list[str]:
    """The static files newer than the manifest of the last collection (all, without one)."""
    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    collected = manifest.stat().st_mtime if manifest.exists() else 0
    ignore = apps.get_app_config("staticfiles").ignore_patterns
    return [path for finder in get_finders() for path, storage in finder.list(ignore)
            if os.stat(storage.path(path)).st_mtime > collected]


class Command(BaseCommand):
    help = "collectstatic, when a static file changed since the last collection"

    def handle(self, *args, **options):
        changed = changed_since_collected()
        if changed:
            self.stdout.write(f"收集静态文件({len(changed)} 个有变化)…")
            call_command("collectstatic", interactive=False, verbosity=0)
