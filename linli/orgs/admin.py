from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from linli.orgs.models import (
    Filing,
    FilingEvent,
    IncubationBase,
    Organisation,
    SocialWorkStation,
    TargetGroup,
    TaxQualification,
    Volunteer,
)


@admin.register(TargetGroup)
class TargetGroupAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "order")


@admin.register(Organisation)
class OrganisationAdmin(SimpleHistoryAdmin):
    list_display = ("name", "kind", "category", "region", "status", "filing_number")
    list_filter = ("kind", "category", "status")
    search_fields = ("name", "name_pinyin", "credit_code")
    raw_id_fields = ("region", "authority_region")

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # deregistered, never deleted


class FilingEventInline(admin.TabularInline):
    model = FilingEvent
    extra = 0
    can_delete = False
    readonly_fields = ("actor", "at", "action", "from_status", "to_status", "comment")


@admin.register(Filing)
class FilingAdmin(admin.ModelAdmin):
    list_display = ("organisation", "kind", "status", "filing_region", "submitted_at", "due_on")
    list_filter = ("kind", "status")
    inlines = [FilingEventInline]

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # transitions go through the workflow service only


admin.site.register(SocialWorkStation, SimpleHistoryAdmin)
admin.site.register(IncubationBase, SimpleHistoryAdmin)
admin.site.register(TaxQualification, SimpleHistoryAdmin)
admin.site.register(Volunteer, SimpleHistoryAdmin)
