"""The home page's to-do items of the reporting rounds (core.dashboard): reports waiting
for the user's review, and the user's own reports still to submit. Both open the rounds
list, whose top lists the same reports."""

from django.urls import reverse
from django.utils.translation import gettext as _

from linli.accounts.access import Access
from linli.core.dashboard import Todo
from linli.reports.selectors import reports_to_review, reports_to_submit


def review_todo(access: Access) -> Todo | None:
    count = reports_to_review(actor=access).count()
    return Todo(_("待审核的总结报告"), count, reverse("reports:rounds")) if count else None


def submit_todo(access: Access) -> Todo | None:
    count = reports_to_submit(actor=access).count()
    return Todo(_("待报送的总结报告"), count, reverse("reports:rounds")) if count else None
