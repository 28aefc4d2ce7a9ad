from django.contrib import admin

from salesops.admin import ReadOnlyAdmin
from visits.models import TripPlan, TripPlanTransition, Visit, WeekLock


class TripPlanTransitionInline(admin.TabularInline):
    model = TripPlanTransition
    fields = ["at", "source", "target", "by", "comment"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def get_queryset(self, request):
        # Each row names who moved the plan: one join, not a query per transition.
        return super().get_queryset(request).select_related("by")


@admin.register(TripPlan)
class TripPlanAdmin(ReadOnlyAdmin):
    list_display = ["title", "salesperson", "region", "starts_on", "ends_on", "status"]
    list_filter = ["status", "region"]
    list_select_related = ["salesperson", "region"]
    inlines = [TripPlanTransitionInline]


@admin.register(Visit)
class VisitAdmin(ReadOnlyAdmin):
    list_display = ["visited_at", "salesperson", "customer", "kind", "is_late_entry"]
    list_filter = ["kind", "is_late_entry"]
    list_select_related = ["salesperson", "customer"]
    date_hierarchy = "visited_at"


@admin.register(WeekLock)
class WeekLockAdmin(ReadOnlyAdmin):
    list_display = ["salesperson", "week_start", "locked_at", "reason"]
