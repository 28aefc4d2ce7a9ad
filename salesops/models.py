from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date
from decimal import Decimal
from functools import reduce
from operator import or_

import pghistory
from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from salesops.money import MoneyField

# The levels at which a request waits for a decision (rules.md §1.8): the region's manager
# first, the sales director second (salesops.access.may_decide says who).
FIRST_LEVEL, SECOND_LEVEL = 1, 2


class Role(models.TextChoices):
    SALESPERSON = "salesperson", _("Salesperson")
    MANAGER = "manager", _("Regional manager")
    DIRECTOR = "director", _("Sales director")
    HEAD_OFFICE = "head_office", _("Head office")
    ADMIN = "admin", _("Administrator")


@pghistory.track(exclude=["password", "last_login"])
class User(AbstractUser):
    """A person who signs in. Regions they belong to are `user.regions` (territories app)."""

    role = models.CharField(_("role"), max_length=20, choices=Role.choices, blank=True)
    display_name = models.CharField(_("display name"), max_length=80, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    # rules.md §7.8: the probation months count from the day the person started in the job.
    started_on = models.DateField(_("started in the job on"), null=True, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.display_name or self.get_full_name() or self.username

    def save(self, *args, **kwargs) -> None:
        if self.started_on is None and self.date_joined is not None:
            self.started_on = timezone.localtime(self.date_joined).date()
        super().save(*args, **kwargs)

    @property
    def is_admin(self) -> bool:
        return self.is_superuser or self.role == Role.ADMIN

    @property
    def owns_company_settings(self) -> bool:
        # rules.md §0.3: head office owns the rules' numbers; the administrator may set them too.
        return self.is_admin or self.role == Role.HEAD_OFFICE

    @property
    def sells(self) -> bool:
        # rules.md §1.2: a regional manager also sells in their own territory.
        return self.role in (Role.SALESPERSON, Role.MANAGER)


def people_named(people: QuerySet, text: str, lookup: str = "icontains") -> QuerySet:
    """The people whose display name, username, first or last name matches `text` by
    `lookup`: whatever a person is shown as (`User.__str__`) finds them."""
    names = ("display_name", "username", "first_name", "last_name")
    return people.filter(reduce(or_, (Q(**{f"{name}__{lookup}": text}) for name in names)))


class AuditEntry(models.Model):
    """One decision or change, written in the same transaction as the change itself."""

    action = models.CharField(_("action"), max_length=80, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    target_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.PROTECT)
    target_id = models.CharField(max_length=64, blank=True)
    target = GenericForeignKey("target_type", "target_id")
    target_label = models.CharField(_("record"), max_length=200, blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self) -> str:
        return f"{self.action} {self.target_label}"


# The first version of the settings is in force since always.
SINCE_ALWAYS = date(2000, 1, 1)


def _since_always() -> date:
    return SINCE_ALWAYS


def _no_restart_months() -> list[int]:
    return []


class CompanySettings(models.Model):
    """The rules' numbers head office sets (rules.md §0.3, §0.5: every setting).

    One row per version: a change is a new row taking effect from `effective_from`, so the
    months already scored keep the numbers they were scored with (rules.md §0.3)."""

    effective_from = models.DateField(_("effective from"), unique=True, default=_since_always)

    # rules.md §2.6: a territory with no visits for this many days is a blank area.
    blank_area_days = models.PositiveIntegerField(
        _("blank area after days without visits"), default=60
    )
    # rules.md §4.1, §4.2, §3.9: classification and follow-up.
    large_demand_threshold = MoneyField(
        _("large demand from (monthly, CNY)"), default=Decimal("50000.00")
    )
    order_soon_days = models.PositiveIntegerField(_("order expected soon within days"), default=15)
    hot_follow_up_days = models.PositiveIntegerField(_("A/B follow-up every days"), default=2)
    keep_in_touch_days = models.PositiveIntegerField(_("C follow-up every days"), default=30)
    small_customer_threshold = MoneyField(
        _("small customer below (monthly, CNY)"), default=Decimal("10000.00")
    )
    # rules.md §5.4: trips above this estimated cost also need the sales director.
    trip_director_threshold = MoneyField(
        _("trip cost above which the director also approves (CNY)"), default=Decimal("5000.00")
    )
    working_day_minutes = models.PositiveIntegerField(_("working day (minutes)"), default=480)
    average_visit_minutes = models.PositiveIntegerField(_("average visit (minutes)"), default=60)
    average_travel_minutes = models.PositiveIntegerField(_("average travel (minutes)"), default=40)
    average_speed_kmh = models.PositiveIntegerField(_("average road speed (km/h)"), default=40)
    road_factor = models.DecimalField(
        _("road distance ÷ straight-line distance"),
        max_digits=4,
        decimal_places=2,
        default=Decimal("1.30"),
    )
    # rules.md §6.3 / issue 4: a visit entered later than this is a late entry.
    late_visit_entry_days = models.PositiveIntegerField(_("late visit entry after days"), default=2)
    # rules.md §8.3–§8.6: expenses.
    monthly_expense_cap = MoneyField(
        _("monthly expense cap per person (CNY)"), default=Decimal("5000.00")
    )
    expense_due_day = models.PositiveIntegerField(
        _("expense claim due on day of next month"), default=5
    )
    expense_decision_working_days = models.PositiveIntegerField(
        _("expense decision target (working days)"), default=3
    )
    travel_advance_default = MoneyField(
        _("default travel advance (CNY)"), default=Decimal("3000.00")
    )
    # rules.md §7.7–§7.9: assessment flags.
    first_to_target_bonus = MoneyField(_("first-to-target bonus (CNY)"), default=Decimal("1000.00"))
    probation_attainment_percent = models.PositiveIntegerField(
        _("probation below attainment % (2 months)"), default=80
    )
    dismissal_attainment_percent = models.PositiveIntegerField(
        _("dismissal review below attainment % (3 months)"), default=100
    )
    # rules.md §7.5: months of the year (1–12) in which carry-over starts afresh; none by default.
    carry_over_restart_months = models.JSONField(
        _("carry-over restart months"), default=_no_restart_months, blank=True
    )
    # rules.md §11.2: a customer outside the top 20% is suggested for hand-off to a dealer when
    # it took at least this many visits in 12 months and a visit cost of at least this share of
    # its gross profit.
    handoff_min_visits = models.PositiveIntegerField(
        _("hand-off: at least this many visits in 12 months"), default=6
    )
    handoff_cost_percent = models.PositiveIntegerField(
        _("hand-off: visit cost at least this percentage of gross profit"), default=50
    )
    # rules.md §11.4: a top-20% or class-A customer with no order and no contact this long.
    no_contact_alert_days = models.PositiveIntegerField(
        _("alert after days without order or contact (top fifth and class A)"), default=30
    )

    class Meta:
        verbose_name = _("company settings")
        verbose_name_plural = _("company settings")
        ordering = ["-effective_from"]

    def __str__(self) -> str:
        return _("Company settings from %(day)s") % {"day": self.effective_from}

    def save(self, *args, **kwargs) -> None:
        _forget_current()
        super().save(*args, **kwargs)
        _forget_current()

    def delete(self, *args, **kwargs):
        _forget_current()
        return super().delete(*args, **kwargs)

    @classmethod
    def current(cls) -> "CompanySettings":
        """The version in force today. Inside `per_request()` (every web request) it is read
        once and kept for the rest of that request, unless the request itself saves or deletes
        a version: from then on every call reads again. Outside (tasks, commands, the shell)
        every call reads."""
        return cls.current_carrying()[0]

    @classmethod
    def current_carrying(
        cls, **carried: models.Expression
    ) -> tuple["CompanySettings", dict | None]:
        """`current()`, and the values of the `carried` expressions, read in the same statement
        when the row is read now: a query the request runs anyway carries what a caller would
        otherwise ask the database for on its own. None in their place when the request
        already held the row (the caller then reads them itself)."""
        memo = _current_memo.get()
        if memo is not None and memo.row is not None:
            return memo.row, None
        row, values = cls._in_force_carrying(timezone.localdate(), carried)
        if memo is not None and memo.keep:
            memo.row = row
        return row, values

    @classmethod
    def in_force_on(cls, day: date) -> "CompanySettings":
        """The version in force on `day` (for a month: pass its first day). Kept for the rest
        of a request like `current()`; outside a request every call reads."""
        return cls._in_force_carrying(day, {})[0]

    @classmethod
    def _in_force_carrying(
        cls, day: date, carried: dict[str, models.Expression]
    ) -> tuple["CompanySettings", dict | None]:
        memo = _current_memo.get()
        if memo is not None and day in memo.by_day:
            return memo.by_day[day], None
        in_force = cls.objects.filter(effective_from__lte=day).order_by("-effective_from")
        row = in_force.annotate(**carried).first()
        values = None if row is None else {name: getattr(row, name) for name in carried}
        if row is None:
            row, _created = cls.objects.get_or_create(effective_from=SINCE_ALWAYS)
        if memo is not None and memo.keep:
            memo.by_day[day] = row
        return row, values

    @classmethod
    def setting_in_force_on(cls, day: date, name: str) -> models.Expression:
        """One setting of the version in force on `day`, as an expression a query can compare
        against (no query of its own); the setting's default when no version is on record."""
        field = cls._meta.get_field(name)
        version = cls.objects.filter(effective_from__lte=day).order_by("-effective_from")
        return Coalesce(
            models.Subquery(version.values(name)[:1]),
            models.Value(field.default),
            output_field=field,
        )

    @classmethod
    def versions_for(cls, days: list[date]) -> dict[date, "CompanySettings"]:
        """The version in force on each of these days, read in one query."""
        if not days:
            return {}
        versions = list(cls.objects.filter(effective_from__lte=max(days)))
        if not any(row.effective_from <= min(days) for row in versions):
            versions.append(cls.in_force_on(min(days)))
        versions.sort(key=lambda row: row.effective_from, reverse=True)
        return {day: next(row for row in versions if row.effective_from <= day) for day in days}

    @staticmethod
    @contextmanager
    def per_request() -> Iterator[None]:
        token = _current_memo.set(_Memo())
        try:
            yield
        finally:
            _current_memo.reset(token)


class _Memo:
    """`CompanySettings.current()` for one request. After a save in the request it stops
    keeping the row (the save may yet be rolled back), so every later call reads again."""

    def __init__(self) -> None:
        self.row: CompanySettings | None = None
        self.by_day: dict[date, CompanySettings] = {}
        self.keep = True


_current_memo: ContextVar[_Memo | None] = ContextVar("company_settings_memo", default=None)


def _forget_current() -> None:
    memo = _current_memo.get()
    if memo is not None:
        memo.row = None
        memo.by_day = {}
        memo.keep = False


class PasswordResetRequest(models.Model):
    """One request of the password-reset form, kept a day to throttle mail per address and per
    client (salesops.accounts)."""

    email = models.CharField(_("e-mail"), max_length=254, db_index=True)
    client = models.CharField(_("client address"), max_length=64, blank=True, db_index=True)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("password reset request")
        verbose_name_plural = _("password reset requests")

    def __str__(self) -> str:
        return f"{self.email} {self.created_at:%Y-%m-%d %H:%M}"


class SentMail(models.Model):
    """One mail of a periodic kind to one recipient (docs/architecture.md "Mail"): the unique
    key makes a job that runs twice send once."""

    kind = models.CharField(_("kind"), max_length=40)
    period = models.CharField(_("period"), max_length=40)
    recipient = models.CharField(_("recipient"), max_length=254)
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("sent mail")
        verbose_name_plural = _("sent mails")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "period", "recipient"], name="one_mail_per_kind_period_recipient"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.period} → {self.recipient}"


class JobRun(models.Model):
    """The ledger of background jobs (docs/architecture.md "Background work"): every job a
    person or the schedule starts is one row per kind and scope, written in the same
    transaction as the change that needs it. A second start of the same job joins the row;
    the sweeper publishes again whatever is queued too long or whose worker stopped renewing
    its lease."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    kind = models.CharField(_("kind"), max_length=60)
    scope_key = models.CharField(_("scope"), max_length=120)
    task_name = models.CharField(_("task"), max_length=120)
    arguments = models.JSONField(_("arguments"), default=dict)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.QUEUED)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    # Asked for again while running: it runs once more when this attempt ends.
    rerun = models.BooleanField(_("run again"), default=False)
    error = models.TextField(_("error"), blank=True)
    # Where a resumable job got to (committed with each batch), e.g. {"after_pk": 5000}.
    cursor = models.JSONField(_("resume point"), default=dict)
    worker = models.CharField(_("worker"), max_length=120, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    lease_until = models.DateTimeField(_("lease until"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")
        constraints = [
            models.UniqueConstraint(fields=["kind", "scope_key"], name="one_job_per_kind_scope"),
            models.CheckConstraint(
                condition=models.Q(state__in=["queued", "running", "done", "failed"]),
                name="job_run_state_known",
            ),
        ]
        indexes = [models.Index(fields=["state", "lease_until"], name="job_run_sweep")]

    def __str__(self) -> str:
        return f"{self.kind} {self.scope_key} ({self.state})"
