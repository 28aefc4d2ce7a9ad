import pghistory
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition

from salesops.fsm import StateMachineModel, TransitionLog
from salesops.models import FIRST_LEVEL


class Region(models.Model):
    """A sales region (e.g. East China) holding whole provinces of the territory tree."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name_zh = models.CharField(_("Chinese name"), max_length=80)
    name_en = models.CharField(_("English name"), max_length=80)
    office_city = models.ForeignKey(
        "Territory",
        verbose_name=_("regional office city"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("members"), blank=True, related_name="regions"
    )

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["code"]

    def __str__(self) -> str:
        return localized_name(self)


def localized_name(obj) -> str:
    return obj.name_zh if (get_language() or "").startswith("zh") else obj.name_en


class Territory(models.Model):
    """An administrative division: province → city → county (GB/T 2260 codes).

    `path` is the chain of codes from the province down ("330000/330100/330106/"), so every
    descendant of a territory is `path__startswith=territory.path`: choosing a province in a
    filter or scope includes its cities and counties without recursion.
    """

    class Level(models.TextChoices):
        PROVINCE = "province", _("Province")
        CITY = "city", _("City")
        COUNTY = "county", _("County")

    code = models.CharField(_("division code"), max_length=12, unique=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    path = models.CharField(max_length=64, unique=True, editable=False)
    name_zh = models.CharField(_("Chinese name"), max_length=80)
    name_en = models.CharField(_("English name"), max_length=120)
    latitude = models.DecimalField(
        _("latitude"), max_digits=8, decimal_places=5, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=8, decimal_places=5, null=True, blank=True
    )
    region = models.ForeignKey(
        Region,
        verbose_name=_("region"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="territories",
    )

    class Meta:
        verbose_name = _("territory")
        verbose_name_plural = _("territories")
        ordering = ["path"]
        indexes = [models.Index(fields=["region", "path"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(level="province", parent__isnull=True) | Q(parent__isnull=False),
                name="territory_only_provinces_are_roots",
            )
        ]

    def __str__(self) -> str:
        return localized_name(self)

    @property
    def depth(self) -> int:
        return self.path.count("/") - 1


class AssignmentQuerySet(models.QuerySet):
    def active(self):
        return self.filter(ended_on__isnull=True)


@pghistory.track()
class Assignment(models.Model):
    """A salesperson holding a territory from one date to another (history is kept)."""

    territory = models.ForeignKey(
        Territory, verbose_name=_("territory"), on_delete=models.PROTECT, related_name="assignments"
    )
    salesperson = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("salesperson"),
        on_delete=models.PROTECT,
        related_name="assignments",
    )
    started_on = models.DateField(_("from"), default=timezone.localdate)
    ended_on = models.DateField(_("to"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["territory__path", "-started_on"]
        constraints = [
            # rules.md §2.2: at most one active salesperson per territory.
            models.UniqueConstraint(
                fields=["territory"],
                condition=Q(ended_on__isnull=True),
                name="one_active_assignment_per_territory",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="assignment_ends_after_it_starts",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.territory} — {self.salesperson}"

    @property
    def is_active(self) -> bool:
        return self.ended_on is None


class TerritoryDraw(models.Model):
    """A recorded random draw (抓阄) settling a territory two or more salespeople asked for."""

    territory = models.ForeignKey(
        Territory, verbose_name=_("territory"), on_delete=models.PROTECT, related_name="draws"
    )
    candidates = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("candidates"), related_name="+"
    )
    winner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("winner"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("drawn by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    drawn_at = models.DateTimeField(_("drawn at"), auto_now_add=True)
    candidate_names = models.JSONField(_("candidates as drawn"), default=list)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("territory draw")
        verbose_name_plural = _("territory draws")
        ordering = ["-drawn_at"]

    def __str__(self) -> str:
        return f"{self.territory}: {self.winner}"


@pghistory.track()
class CrossTerritoryRequest(StateMachineModel):
    """A salesperson asks to work one customer outside their territories (rules.md §2.5)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.PROTECT,
        related_name="cross_territory_requests",
    )
    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="cross_territory_requests",
    )
    reason = models.TextField(_("reason"), max_length=1000)
    # The status changes only through the transitions below (salesops.approvals logs each).
    status = FSMField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING, protected=True
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_comment = models.CharField(_("comment"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)

    class Meta:
        verbose_name = _("cross-territory request")
        verbose_name_plural = _("cross-territory requests")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["requester", "customer"],
                condition=Q(status="pending"),
                name="one_pending_cross_territory_request",
            ),
            models.CheckConstraint(
                # The database refuses a status the state machine does not know.
                condition=Q(status__in=["pending", "approved", "rejected"]),
                name="cross_territory_request_status_is_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.requester} → {self.customer}"

    # --- who decides (salesops.access.may_decide): the region of the customer's territory

    @property
    def approval_level(self) -> int | None:
        return FIRST_LEVEL if self.status == self.Status.PENDING else None

    @property
    def approval_region(self):
        return self.customer.territory.region

    # --- states: pending → approved / rejected

    @transition(status, source=Status.PENDING, target=Status.APPROVED)
    def approve(self) -> None:
        pass

    @transition(status, source=Status.PENDING, target=Status.REJECTED)
    def reject(self) -> None:
        pass


class CrossTerritoryRequestTransition(TransitionLog):
    """One decision on a cross-territory request: who, when, from what to what, and why."""

    request = models.ForeignKey(
        CrossTerritoryRequest,
        verbose_name=_("cross-territory request"),
        on_delete=models.CASCADE,
        related_name="transitions",
    )
    source = models.CharField(
        pgettext_lazy("status", "from"), max_length=10, choices=CrossTerritoryRequest.Status.choices
    )
    target = models.CharField(
        pgettext_lazy("status", "to"), max_length=10, choices=CrossTerritoryRequest.Status.choices
    )

    class Meta(TransitionLog.Meta):
        verbose_name = _("cross-territory request transition")
        verbose_name_plural = _("cross-territory request transitions")
