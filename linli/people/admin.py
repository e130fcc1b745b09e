from django.contrib import admin

from linli.people.models import Group


@admin.register(Group)
class GroupAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "parent", "domain", "needs_criterion", "order")
    list_filter = ("domain",)
    # The province edits the local wordings rosters use (read by the people importer).
    fields = ("code", "name", "parent", "domain", "needs_criterion", "synonyms", "order")
    search_fields = ("name", "synonyms")
