"""Trip plans, planned visits and visit records (rules.md §5.1, §6.1).

The workflow (state machine, approvals, routes, locking) is built in visits/services.py; these
models state what the database can enforce.
"""

from decimal import Decimal

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition

from salesops.fsm import RegionalRequestModel, TransitionLog
from salesops.money import ZERO, MoneyField


def _cost(verbose_name) -> MoneyField:
    return MoneyField(verbose_name, default=ZERO)


@pghistory.track()
class TripPlan(RegionalRequestModel):
    """A salesperson's business trip: dates, cities, planned visits and estimated costs."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        MANAGER_APPROVED = "manager_approved", _("Approved by the manager, awaiting the director")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        RETURNED = "returned", _("Returned for changes")
        COMPLETED = "completed", _("Completed")

    salesperson = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("salesperson"),
        on_delete=models.PROTECT,
        related_name="trip_plans",
    )
    region = models.ForeignKey(
        "territories.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("title"), max_length=200)
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    cities = models.ManyToManyField(
        "territories.Territory", verbose_name=_("cities"), blank=True, related_name="+"
    )
    # rules.md §5.2: the status changes only through the transitions below (protected: a plain
    # assignment raises), and visits.services records each one in TripPlanTransition.
    status = FSMField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT, protected=True
    )
    estimated_lodging = _cost(_("estimated lodging"))
    estimated_transport = _cost(_("estimated transport"))
    estimated_phone = _cost(_("estimated phone"))
    estimated_entertainment = _cost(_("estimated entertainment"))
    estimated_other = _cost(_("estimated other costs"))
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("trip plan")
        verbose_name_plural = _("trip plans")
        ordering = ["-starts_on", "-id"]
        # What waits in a region (every page's menu counts it): its few submitted plans, not
        # its history (a region of tier L: 4,500 plans read for 42).
        indexes = [models.Index(fields=["region", "status"], name="trip_plan_region_status")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="trip_ends_after_it_starts"
            ),
            models.CheckConstraint(
                # The database refuses a status the state machine does not know.
                condition=Q(
                    status__in=[
                        "draft",
                        "submitted",
                        "manager_approved",
                        "approved",
                        "rejected",
                        "returned",
                        "completed",
                    ]
                ),
                name="trip_plan_status_is_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.starts_on:%Y-%m-%d}–{self.ends_on:%Y-%m-%d})"

    @property
    def estimated_total(self) -> Decimal:
        return (
            self.estimated_lodging
            + self.estimated_transport
            + self.estimated_phone
            + self.estimated_entertainment
            + self.estimated_other
        )

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATUSES

    # --- rules.md §5.2 states: draft → submitted → approved / rejected / returned → completed.
    # The methods only move the state; visits.services checks who may act and logs the move.

    @transition(status, source=[Status.DRAFT, Status.RETURNED], target=Status.SUBMITTED)
    def submit(self) -> None:
        pass

    @transition(status, source=Status.SUBMITTED, target=Status.APPROVED)
    def approve(self) -> None:
        pass

    @transition(status, source=Status.SUBMITTED, target=Status.MANAGER_APPROVED)
    def approve_pending_director(self) -> None:
        pass

    @transition(status, source=Status.MANAGER_APPROVED, target=Status.APPROVED)
    def approve_as_director(self) -> None:
        pass

    @transition(status, source=[Status.SUBMITTED, Status.MANAGER_APPROVED], target=Status.REJECTED)
    def reject(self) -> None:
        pass

    @transition(status, source=[Status.SUBMITTED, Status.MANAGER_APPROVED], target=Status.RETURNED)
    def return_for_changes(self) -> None:
        pass

    @transition(status, source=Status.APPROVED, target=Status.COMPLETED)
    def complete(self) -> None:
        pass


EDITABLE_STATUSES = (TripPlan.Status.DRAFT, TripPlan.Status.RETURNED)
DECIDABLE_STATUSES = (TripPlan.Status.SUBMITTED, TripPlan.Status.MANAGER_APPROVED)


class TripPlanTransition(TransitionLog):
    """One move of a trip plan through its states: who, when, from what to what, and why."""

    plan = models.ForeignKey(
        TripPlan, verbose_name=_("trip plan"), on_delete=models.CASCADE, related_name="transitions"
    )
    source = models.CharField(_("from"), max_length=20, choices=TripPlan.Status.choices)
    target = models.CharField(_("to"), max_length=20, choices=TripPlan.Status.choices)

    class Meta(TransitionLog.Meta):
        verbose_name = _("trip plan transition")
        verbose_name_plural = _("trip plan transitions")


class PlannedVisit(models.Model):
    """One visit a trip plan intends: whom, which day, why, and what result is expected."""

    plan = models.ForeignKey(
        TripPlan,
        verbose_name=_("trip plan"),
        on_delete=models.CASCADE,
        related_name="planned_visits",
    )
    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="planned_visits",
    )
    day = models.DateField(_("day"))
    purpose = models.CharField(_("purpose"), max_length=300)
    expected_result = models.CharField(_("expected result"), max_length=300, blank=True)
    route_position = models.PositiveSmallIntegerField(_("order in the day's route"), default=0)
    visit = models.OneToOneField(
        "Visit",
        verbose_name=_("logged visit"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="planned_visit",
    )

    class Meta:
        verbose_name = _("planned visit")
        verbose_name_plural = _("planned visits")
        ordering = ["day", "route_position", "id"]

    def __str__(self) -> str:
        return f"{self.day:%Y-%m-%d} {self.customer}"


@pghistory.track()
class Visit(models.Model):
    """A visit or call as it happened (rules.md §6.4). "Such information may not be fabricated"."""

    class Kind(models.TextChoices):
        ON_SITE = "on_site", _("On-site visit")
        PHONE = "phone", _("Phone call")
        SAMPLE = "sample", _("Sample delivery")
        MEETING = "meeting", _("Meeting")

    salesperson = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("salesperson"),
        on_delete=models.PROTECT,
        related_name="visits",
    )
    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="visits",
    )
    territory = models.ForeignKey(
        "territories.Territory",
        verbose_name=_("territory"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    visited_at = models.DateTimeField(_("when"), db_index=True)
    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices)
    person_met = models.CharField(_("person met"), max_length=100, blank=True)
    person_position = models.CharField(_("position"), max_length=100, blank=True)
    sales_objective = models.CharField(_("sales objective"), max_length=300, blank=True)
    task_objectives = models.CharField(_("task objectives"), max_length=300, blank=True)
    discussion = models.TextField(_("what was discussed"), blank=True)
    result = models.TextField(_("result against the objective"), blank=True)
    next_step = models.CharField(_("next step"), max_length=300, blank=True)
    follow_up_on = models.DateField(_("follow-up date"), null=True, blank=True)
    updated_demand = MoneyField(
        _("updated monthly demand (CNY)"),
        null=True,
        blank=True,
    )
    updated_expected_order_date = models.DateField(
        _("updated expected order date"), null=True, blank=True
    )
    is_late_entry = models.BooleanField(_("late entry"), default=False)
    created_at = models.DateTimeField(_("entered at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        ordering = ["-visited_at", "-id"]
        indexes = [
            models.Index(fields=["salesperson", "visited_at"]),
            models.Index(fields=["customer", "visited_at"]),
            # A city's latest visit in the blank-area window (visits.selectors.blank_areas):
            # each of its territories' recent visits, not their whole history (3.3 s → 0.24 s
            # for a region's regions page at tier L, docs/performance.md).
            models.Index(fields=["territory", "visited_at"], name="visit_territory_time"),
        ]

    def __str__(self) -> str:
        return f"{self.visited_at:%Y-%m-%d} {self.customer}"


# rules.md §10.5: a visit record is complete when it names the person met, what was discussed,
# the result, and a next step or a follow-up date. One rule for the scorecard's explanation and
# the rollup's `complete_visits` count, so the two never disagree.
COMPLETE_VISIT = (
    ~Q(person_met="")
    & ~Q(discussion="")
    & ~Q(result="")
    & (~Q(next_step="") | Q(follow_up_on__isnull=False))
)


class WeekLock(models.Model):
    """A salesperson's week whose visits are locked (rules.md §6.4: "may not be fabricated").

    Written by visits.services.lock_week, which the weekly report calls on submission.
    """

    salesperson = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("salesperson"),
        on_delete=models.PROTECT,
        related_name="locked_weeks",
    )
    week_start = models.DateField(_("week starting"))
    locked_at = models.DateTimeField(_("locked at"), auto_now_add=True)
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("locked week")
        verbose_name_plural = _("locked weeks")
        constraints = [
            models.UniqueConstraint(fields=["salesperson", "week_start"], name="one_lock_per_week")
        ]

    def __str__(self) -> str:
        return f"{self.salesperson} {self.week_start:%Y-%m-%d}"
