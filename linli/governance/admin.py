"""The province edits the quorum and majority rules here (local practice for the 党员大会;
the law's defaults for the 村民会议 and 村民代表会议)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from linli.governance.models import QuorumRule


@admin.register(QuorumRule)
class QuorumRuleAdmin(SimpleHistoryAdmin):
    list_display = ("kind", "present_numerator", "present_denominator", "present_strict",
                    "households_numerator", "households_denominator", "majority_numerator",
                    "majority_denominator", "majority_basis", "notice_days", "source")

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # meetings were judged by them
