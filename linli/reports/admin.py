from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from linli.reports.models import ManualIndicator, ManualValue, Measure, Round, Target


class NoDelete:
    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # deactivated, never deleted: reports cite them


@admin.register(Measure)
class MeasureAdmin(NoDelete, SimpleHistoryAdmin):
    list_display = ("number", "title", "order", "is_active")


@admin.register(Target)
class TargetAdmin(NoDelete, SimpleHistoryAdmin):
    list_display = ("indicator", "region_code", "direction", "value", "deadline", "is_active")
    list_filter = ("indicator", "is_active")


@admin.register(ManualIndicator)
class ManualIndicatorAdmin(NoDelete, SimpleHistoryAdmin):
    list_display = ("code", "label", "measure", "unit", "aggregation", "entry_level")


@admin.register(ManualValue)
class ManualValueAdmin(NoDelete, SimpleHistoryAdmin):
    list_display = ("indicator", "region_code", "period_start", "period_end", "value")
    raw_id_fields = ("region",)


@admin.register(Round)
class RoundAdmin(NoDelete, SimpleHistoryAdmin):
    list_display = ("title", "period_start", "period_end", "deadline", "status")
