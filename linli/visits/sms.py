"""The SMS backend interface. The embedded default writes messages to the console/log and
to a file in the data folder; a deployment plugs in its gateway with LINLI_SMS_BACKEND."""

import logging
from datetime import datetime

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger("linli.sms")


class FileBackend:
    """Appends each message to <data dir>/sms.log (and logs it)."""

    def send(self, phone: str, text: str) -> None:
        logger.warning("SMS to %s: %s", phone, text)
        with open(settings.DATA_DIR / "sms.log", "a", encoding="utf-8") as log:
            log.write(f"{datetime.now():%Y-%m-%d %H:%M:%S}\t{phone}\t{text}\n")


class MemoryBackend:
    """Keeps messages in memory (tests)."""

    outbox: list[tuple[str, str]] = []

    def send(self, phone: str, text: str) -> None:
        self.outbox.append((phone, text))


def send(phone: str, text: str) -> None:
    backend = import_string(getattr(settings, "LINLI_SMS_BACKEND",
                                    "linli.visits.sms.FileBackend"))()
    backend.send(phone, text)
