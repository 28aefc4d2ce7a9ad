from django.contrib import admin

from reports.models import ReportComment, WeeklyReport
from salesops.admin import ReadOnlyAdmin


class ReportCommentInline(admin.TabularInline):
    model = ReportComment
    fields = ["created_at", "author", "body"]
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(WeeklyReport)
class WeeklyReportAdmin(ReadOnlyAdmin):
    list_display = ["week_start", "salesperson", "region", "status", "submitted_at", "is_late"]
    list_filter = ["status", "is_late", "region"]
    list_select_related = ["salesperson", "region"]
    date_hierarchy = "week_start"
    inlines = [ReportCommentInline]
