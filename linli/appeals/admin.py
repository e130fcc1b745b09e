"""The province edits the categories, the due times and the participating forces (the N
of 1+8+N) here; appeals themselves are worked on their own pages."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from linli.appeals.models import Category, DueRule, Force, Threshold


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "domain", "is_assistance", "order", "is_active")
    list_filter = ("domain", "is_assistance", "is_active")

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # deactivated, never deleted: appeals cite them


@admin.register(DueRule)
class DueRuleAdmin(SimpleHistoryAdmin):
    list_display = ("step", "category", "urgency", "hours")
    list_filter = ("step", "urgency")


@admin.register(Force)
class ForceAdmin(SimpleHistoryAdmin):
    list_display = ("name", "kind", "region", "organisation", "contact", "phone", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("name",)
    raw_id_fields = ("region", "organisation")

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Threshold)
class ThresholdAdmin(SimpleHistoryAdmin):
    """低保、特困、低保边缘、防返贫监测 standards, per prefecture or county and year."""

    list_display = ("kind", "region", "area", "amount", "per", "valid_from", "valid_to",
                    "source")
    list_filter = ("kind", "area", "per")
    raw_id_fields = ("region",)
