"""The bounds every number and date a person types must stay inside.

One place, so the API schemas (``ge``/``le``), the page forms (``min_value``/``max_value``)
and the services agree, and no input can reach the database or date arithmetic out of
range (a 500 instead of a clear refusal).
"""

import unicodedata
from datetime import date, datetime, timedelta

from django import forms
from django.core.exceptions import FieldDoesNotExist
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from linli.core.errors import Invalid

DATE_MIN = date(1900, 1, 1)
DATE_MAX = date(2100, 12, 31)
ID_MAX = 2**63 - 1  # a BigAutoField primary key
INT_MAX = 2_147_483_647  # a PositiveIntegerField on every database
SMALL_MAX = 32_767  # a PositiveSmallIntegerField (seats, beds, staff) on every database
COUNT_MAX = 1_000_000  # members of an organisation: more than any real one has
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


def _refuse(field: str, message: str):
    raise Invalid(message, details={field: [message]})


def ascii_int(text: str, *, field: str, label: str, minimum: int = 0,
              maximum: int = INT_MAX) -> int:
    """A whole number typed as text: NFKC, ASCII digits only, inside the bounds — or a clear
    Invalid naming the field (never int() on a 5,000-digit string or on ٣)."""
    text = unicodedata.normalize("NFKC", str(text)).strip()
    if not is_ascii_number(text) or len(text) > len(str(maximum)) or not (
            minimum <= int(text) <= maximum):
        _refuse(field, _("%(f)s应为 %(a)d 至 %(b)d 之间的整数") % {
            "f": label, "a": minimum, "b": maximum})
    return int(text)


def ascii_id(text: str, *, field: str, label: str) -> int:
    """An id typed or picked as text (NFKC, ASCII digits, 1 … ID_MAX), or 「…编号无效」."""
    text = unicodedata.normalize("NFKC", str(text)).strip()
    if not is_ascii_number(text) or len(text) > len(str(ID_MAX)) or not 0 < int(text) <= ID_MAX:
        _refuse(field, _("%(f)s编号无效") % {"f": label})
    return int(text)


def check_id(value: int | None, *, field: str, label: str) -> None:
    """An id a client sent: a positive 64-bit integer (0 is not "none": None is)."""
    if value is not None and not (isinstance(value, int) and not isinstance(value, bool)
                                  and 0 < value <= ID_MAX):
        _refuse(field, _("%(f)s编号无效") % {"f": label})


def check_count(value, *, field: str, label: str, maximum: int = COUNT_MAX) -> int:
    """A count typed by a person: an integer from 0 to ``maximum`` (ASCII digits in text)."""
    if isinstance(value, str):
        return ascii_int(value, field=field, label=label, maximum=maximum)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= maximum:
        _refuse(field, _("%(f)s应为 %(a)d 至 %(b)d 之间的整数") % {
            "f": label, "a": 0, "b": maximum})
    return value


def check_choice(value, choices, *, field: str, label: str) -> None:
    """Refuse a value outside a fixed set (a kind, a status, a role) explicitly, so no
    workflow ever falls through to a default branch with a value it does not know."""
    if isinstance(value, str) and value in choices.values:
        return
    _refuse(field, _("%(f)s“%(v)s”无效,应为%(c)s之一") % {
        "f": label, "v": str(value)[:32], "c": "、".join(str(c) for c in choices.labels)})


def check_lengths(model, values: dict) -> None:
    """Refuse text longer than its column (PostgreSQL would answer a 500), naming the field."""
    for key, value in values.items():
        try:
            model_field = model._meta.get_field(key)
        except FieldDoesNotExist:
            continue
        limit = getattr(model_field, "max_length", None)
        if limit and isinstance(value, str) and len(value) > limit:
            _refuse(key, _("%(f)s不能超过 %(n)d 个字") % {"f": model_field.verbose_name,
                                                        "n": limit})


def check_day(value, *, field: str, label: str) -> date | None:
    """A date typed by a person (a date, or ISO text from a caller): inside 1900–2100."""
    if value in (None, ""):
        return None
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value.strip())
        except ValueError:
            value = None
    if not isinstance(value, date):
        _refuse(field, _("%(f)s应为日期,如 2020-05-01") % {"f": label})
    check_date(value, field=field, label=label)
    return value


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
