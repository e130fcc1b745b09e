import re

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

_CLASSES = (r"[a-z]", r"[A-Z]", r"[0-9]", r"[^a-zA-Z0-9]")

# Django's own validators, said in our words: their catalogue lags behind their source
# (Django 5.2.x changed the "too short" msgid, and zh-hans lost it), so a user read an
# English sentence beside Chinese ones. Keyed by the validators' stable error codes.
DJANGO_MESSAGES = {
    "password_too_short": gettext_lazy("密码太短,至少需要 %(min_length)d 个字符。"),
    "password_too_similar": gettext_lazy("密码与%(verbose_name)s太相似。"),
    "password_too_common": gettext_lazy("密码过于常见,容易被猜中。"),
    "password_entirely_numeric": gettext_lazy("密码不能全是数字。"),
}


class ComplexityValidator:
    """等保 2.0: passwords mix at least three of lower case, upper case, digits, symbols."""

    def __init__(self, min_classes: int = 3):
        self.min_classes = min_classes

    def validate(self, password: str, user=None) -> None:
        found = sum(1 for pattern in _CLASSES if re.search(pattern, password))
        if found < self.min_classes:
            raise ValidationError(self.get_help_text(), code="password_too_simple")

    def get_help_text(self) -> str:
        return _("密码须至少包含小写字母、大写字母、数字、符号中的 %(n)d 类。") % {
            "n": self.min_classes}


def password_problems(password: str, user=None) -> list[str]:
    """What is wrong with a password under AUTH_PASSWORD_VALIDATORS, one sentence each, in
    the user's language — the one way every page and service reports it."""
    try:
        validate_password(password, user)
    except ValidationError as error:
        return [_message(problem) for problem in error.error_list]
    return []


def _message(problem: ValidationError) -> str:
    ours = DJANGO_MESSAGES.get(problem.code)
    if ours is None:
        return " ".join(problem.messages)
    params = {key: value if isinstance(value, int) else str(value)  # a lazy verbose name
              for key, value in (problem.params or {}).items()}
    return str(ours) % params
