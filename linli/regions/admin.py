from django.contrib import admin

from linli.regions.models import Region


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "level", "path", "village_kind")
    list_filter = ("level", "village_kind")
    search_fields = ("code", "name", "path")
    ordering = ("code",)
    readonly_fields = ("parent",)
