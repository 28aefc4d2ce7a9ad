from django.contrib import admin

from salesops import audit
from salesops.admin import ReadOnlyAdmin
from territories.models import Assignment, CrossTerritoryRequest, Region, Territory, TerritoryDraw


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name_zh", "name_en", "office_city"]
    raw_id_fields = ["office_city"]
    filter_horizontal = ["members"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        audit.record(
            "territories.region.changed" if change else "territories.region.created",
            actor=request.user,
            target=obj,
            changes={name: form.cleaned_data.get(name) for name in form.changed_data},
        )


@admin.register(Territory)
class TerritoryAdmin(ReadOnlyAdmin):
    list_display = ["code", "name_zh", "name_en", "level", "region"]
    list_filter = ["level", "region"]
    search_fields = ["code", "name_zh", "name_en"]


@admin.register(Assignment)
class AssignmentAdmin(ReadOnlyAdmin):
    list_display = ["territory", "salesperson", "started_on", "ended_on", "created_by"]
    list_filter = ["territory__region"]
    list_select_related = ["territory", "salesperson", "created_by"]


@admin.register(TerritoryDraw)
class TerritoryDrawAdmin(ReadOnlyAdmin):
    list_display = ["territory", "winner", "drawn_by", "drawn_at"]


@admin.register(CrossTerritoryRequest)
class CrossTerritoryRequestAdmin(ReadOnlyAdmin):
    list_display = ["requester", "customer", "status", "decided_by", "created_at"]
    list_filter = ["status"]
