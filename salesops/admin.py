from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from salesops import audit, ledger
from salesops.models import AuditEntry, CompanySettings, JobRun, User


class ReadOnlyAdmin(admin.ModelAdmin):
    """Decisions happen in the app's pages (through services, with audit); admin only shows them."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class RegionMembershipInline(admin.TabularInline):
    model = User.regions.through  # Region.members, reached from the user: no territories import
    extra = 0
    verbose_name = _("region membership")
    verbose_name_plural = _("region memberships")


def _audited_save(action: str, request, obj, form, change):
    fields = form.changed_data if change else list(form.fields)
    audit.record(
        action,
        actor=request.user,
        target=obj,
        changes={
            name: form.cleaned_data.get(name)
            for name in fields
            if name not in ("password", "password1", "password2")
        },
    )


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "display_name", "role", "is_active", "last_login"]
    list_filter = ["role", "is_active", "regions"]
    search_fields = ["username", "display_name", "email", "first_name", "last_name"]
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (_("SalesOps"), {"fields": ("role", "display_name", "phone", "started_on")}),
    )
    add_fieldsets = (
        *DjangoUserAdmin.add_fieldsets,
        (_("SalesOps"), {"fields": ("role", "display_name", "email", "started_on")}),
    )
    inlines = [RegionMembershipInline]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # The admin saves inside one transaction, so the entry lands with the change.
        _audited_save(
            "salesops.user.changed" if change else "salesops.user.created",
            request,
            obj,
            form,
            change,
        )


@admin.register(CompanySettings)
class CompanySettingsAdmin(ReadOnlyAdmin):
    """Head office and the administrator change the settings on the app's settings page, where
    each change takes effect from a date and is audited (rules.md §0.3); admin only shows them."""

    list_display = ["effective_from", "first_to_target_bonus", "probation_attainment_percent"]


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["created_at", "action", "actor", "target_label"]
    list_filter = ["action"]
    search_fields = ["action", "target_label", "actor__username"]
    list_select_related = ["actor"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(JobRun)
class JobRunAdmin(ReadOnlyAdmin):
    """The job ledger, for whoever looks after the servers: what waits, runs, failed and why."""

    list_display = ["kind", "scope_key", "state", "attempts", "created_at", "finished_at"]
    list_filter = ["state", "kind"]
    search_fields = ["kind", "scope_key", "error"]
    exclude = ["arguments"]  # a mail's text (a reset link) is nobody's to read here
    actions = ["retry"]

    @admin.action(description=_("Run the selected failed jobs again"))
    def retry(self, request, queryset):
        count = ledger.retry_failed(
            run_ids=list(queryset.values_list("pk", flat=True)), by=request.user
        )
        self.message_user(request, _("%(count)s jobs queued again.") % {"count": count})
