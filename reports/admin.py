from django.contrib import admin

from reports.models import (
    MonthlyReport,
    MonthlyReportComment,
    RegionSummary,
    ReportComment,
    SummaryComment,
    WeeklyReport,
)
from salesops.admin import ReadOnlyAdmin


class _CommentInline(admin.TabularInline):
    fields = ["created_at", "author", "body"]
    readonly_fields = fields
    extra = 0
    can_delete = False


class ReportCommentInline(_CommentInline):
    model = ReportComment


class SummaryCommentInline(_CommentInline):
    model = SummaryComment


class MonthlyReportCommentInline(_CommentInline):
    model = MonthlyReportComment


@admin.register(WeeklyReport)
class WeeklyReportAdmin(ReadOnlyAdmin):
    list_display = ["week_start", "salesperson", "region", "status", "submitted_at", "is_late"]
    list_filter = ["status", "is_late", "region"]
    list_select_related = ["salesperson", "region"]
    date_hierarchy = "week_start"
    inlines = [ReportCommentInline]


@admin.register(RegionSummary)
class RegionSummaryAdmin(ReadOnlyAdmin):
    list_display = ["week_start", "region", "author", "status", "submitted_at", "is_late"]
    list_filter = ["status", "is_late", "region"]
    list_select_related = ["author", "region"]
    date_hierarchy = "week_start"
    inlines = [SummaryCommentInline]


@admin.register(MonthlyReport)
class MonthlyReportAdmin(ReadOnlyAdmin):
    list_display = ["month", "salesperson", "region", "status", "submitted_at", "is_late"]
    list_filter = ["status", "is_late", "region"]
    list_select_related = ["salesperson", "region"]
    date_hierarchy = "month"
    inlines = [MonthlyReportCommentInline]
