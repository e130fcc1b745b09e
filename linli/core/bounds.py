"""The bounds every number and date a person types must stay inside.

One place, so the API schemas (``ge``/``le``), the page forms (``min_value``/``max_value``)
and the services agree, and no input can reach the database or date arithmetic out of
range (a 500 instead of a clear refusal).
"""

import unicodedata
from datetime import date, datetime, timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from linli.core.errors import Invalid

DATE_MIN = date(1900, 1, 1)
DATE_MAX = date(2100, 12, 31)
ID_MAX = 2**63 - 1  # a BigAutoField primary key
INT_MAX = 2_147_483_647  # a PositiveIntegerField on every database
COUNT_MAX = 1_000_000  # members, staff, seats: more than any real organisation has
TEXT_MAX = 5000  # a TextField typed by a person: notes, reasons, a scope of activities
PAGE_MAX = 100_000  # beyond any real list at 500 rows a page; keeps OFFSET inside 64 bits
# How far back a visit or a service may be recorded: a clerk catching up on last year's
# paper forms is normal, a date five years ago is a typing mistake.
RECORD_PAST_DAYS = 2 * 366


def ascii_digits(text: str) -> str:
    """``text`` after NFKC (full-width ０ → 0, superscript ² → 2), or ValueError when any
    digit is still not ASCII: Arabic-Indic ٦ or Devanagari ६ digits look like numbers to
    ``str.isdigit`` and ``int`` but must never reach a number or a look-up key."""
    text = unicodedata.normalize("NFKC", text)
    if any(c.isdigit() and not c.isascii() for c in text):
        raise ValueError(_("请只用阿拉伯数字 0-9 填写"))
    return text


def is_ascii_number(text: str) -> bool:
    """True when ``text`` is a non-empty run of ASCII digits (what ``isdigit`` should mean)."""
    return text.isascii() and text.isdigit()


def check_date(value: date | None, *, field: str, label: str) -> None:
    """Refuse a date outside 1900–2100 with a reason naming the field."""
    if value is None:
        return
    day = value.date() if isinstance(value, datetime) else value
    if not DATE_MIN <= day <= DATE_MAX:
        message = _("%(f)s应在 1900 年至 2100 年之间") % {"f": label}
        raise Invalid(message, details={field: [message]})


def check_record_time(value: datetime, *, field: str, label: str) -> None:
    """A visit or service time: not in the future (a few minutes of clock drift aside) and
    not further back than RECORD_PAST_DAYS."""
    now = timezone.now()
    if value > now + timedelta(minutes=10):
        message = _("%(f)s不能晚于现在") % {"f": label}
        raise Invalid(message, details={field: [message]})
    if value < now - timedelta(days=RECORD_PAST_DAYS):
        message = _("%(f)s不能早于两年前;更早的记录请联系县级民政部门补录") % {"f": label}
        raise Invalid(message, details={field: [message]})


class BoundedDateField(forms.DateField):
    """A date field that refuses years outside 1900–2100 with a clear message."""

    default_error_messages = {"out_of_range": gettext_lazy("日期应在 1900 年至 2100 年之间")}

    def validate(self, value):
        super().validate(value)
        if value is not None and not DATE_MIN <= value <= DATE_MAX:
            raise forms.ValidationError(self.error_messages["out_of_range"], code="out_of_range")
