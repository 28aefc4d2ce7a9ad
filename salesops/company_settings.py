"""Head office sets the rules' numbers (rules.md §0.3, §0.5): each change is a new version of
the settings taking effect from a date, audited; the months already computed keep theirs."""

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from salesops import audit
from salesops.errors import DomainError
from salesops.models import CompanySettings, User

# Every setting head office edits on the settings page (rules.md §0.5), in the table's order.
EDITABLE_FIELDS = [
    "blank_area_days",
    "large_demand_threshold",
    "order_soon_days",
    "hot_follow_up_days",
    "keep_in_touch_days",
    "small_customer_threshold",
    "trip_director_threshold",
    "working_day_minutes",
    "average_visit_minutes",
    "average_travel_minutes",
    "average_speed_kmh",
    "road_factor",
    "late_visit_entry_days",
    "carry_over_restart_months",
    "first_to_target_bonus",
    "probation_attainment_percent",
    "dismissal_attainment_percent",
    "expense_due_day",
    "expense_decision_working_days",
    "monthly_expense_cap",
    "travel_advance_default",
    "handoff_min_visits",
    "handoff_cost_percent",
    "no_contact_alert_days",
]


def can_edit_settings(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active and user.owns_company_settings)


def versions() -> list[CompanySettings]:
    return list(CompanySettings.objects.order_by("-effective_from"))


@transaction.atomic
def change_settings(*, by: User, effective_from: date, values: dict) -> CompanySettings:
    """Write the settings in force from `effective_from` (today or later).

    The version in force on that day is copied and the given values laid over it; a version
    already starting that day is changed in place. Later versions are left as they are.
    """
    if not can_edit_settings(by):
        raise DomainError(_("Only head office and the administrator change the settings."))
    if effective_from < timezone.localdate():
        raise DomainError(
            _("A change takes effect today or later; past months keep their numbers."),
            field="effective_from",
        )
    unknown = set(values) - set(EDITABLE_FIELDS)
    if unknown:
        raise DomainError(_("Unknown settings: %(names)s") % {"names": ", ".join(sorted(unknown))})
    base = CompanySettings.in_force_on(effective_from)
    version = (
        CompanySettings.objects.select_for_update().filter(effective_from=effective_from).first()
    )
    if version is None:
        version = CompanySettings(
            **{name: getattr(base, name) for name in EDITABLE_FIELDS},
            effective_from=effective_from,
        )
    before = {name: getattr(version, name) for name in EDITABLE_FIELDS}
    for name, value in values.items():
        setattr(version, name, value)
    version.save()
    audit.record(
        "salesops.settings.changed",
        actor=by,
        target=version,
        changes={
            "effective_from": effective_from,
            **{
                name: {"from": before[name], "to": values[name]}
                for name in values
                if before[name] != values[name]
            },
        },
    )
    return version
