import pghistory
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from salesops.jobs import Job
from salesops.money import MoneyField


class Channel(models.TextChoices):
    TERMINAL_LARGE = "terminal_large", _("Terminal customer (large)")
    TERMINAL_MEDIUM = "terminal_medium", _("Terminal customer (medium)")
    TERMINAL_SMALL = "terminal_small", _("Terminal customer (small)")
    DEALER = "dealer", _("Dealer")
    DIRECT_STORE = "direct_store", _("Direct store")


class Source(models.TextChoices):
    PHONE_LIST = "phone_list", _("Phone list")
    INTERNET = "internet", _("Internet")
    REFERRAL = "referral", _("Referral")
    WALK_IN = "walk_in", _("Walk-in")
    ADVERTISING = "advertising", _("Advertising")
    OTHER = "other", _("Other")


class CustomerClass(models.TextChoices):
    """rules.md §4.1: two axes, monthly demand × how soon an order is expected."""

    A = "A", _("A: large demand, order within the threshold")
    B = "B", _("B: small demand, order within the threshold")
    C = "C", _("C: large demand, order later or unknown")
    D = "D", _("D: small demand, order later or unknown")


class CreditTier(models.TextChoices):
    """Dealers' credit tiers (rules.md §3.8). Only tier A may get credit."""

    A = "A", _("A: first-level agent")
    AA = "AA", _("AA: second-level agent")
    AAA = "AAA", _("AAA: system integrator")


class Contact(models.Model):
    """A person at a customer (rules.md §3.3: name, position, phone; e-mail too)."""

    customer = models.ForeignKey(
        "Customer", verbose_name=_("customer"), on_delete=models.CASCADE, related_name="contacts"
    )
    name = models.CharField(_("name"), max_length=100)
    position = models.CharField(_("position"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    normalized_phone = models.CharField(max_length=20, blank=True, editable=False, db_index=True)
    email = models.EmailField(_("e-mail"), blank=True)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["customer", "id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.position})" if self.position else self.name


# A change that is news (rules.md §4.5): a C or D customer turning A or B. A first
# classification (from no class) is not.
UPGRADE = Q(from_class__in=["C", "D"], to_class__in=["A", "B"])


class ClassChange(models.Model):
    """Every change of a customer's class, with its date (rules.md §4.5: a C turning A is news)."""

    customer = models.ForeignKey(
        "Customer",
        verbose_name=_("customer"),
        on_delete=models.CASCADE,
        related_name="class_changes",
    )
    from_class = models.CharField(
        _("previous class"), max_length=1, choices=CustomerClass.choices, blank=True
    )
    to_class = models.CharField(_("new class"), max_length=1, choices=CustomerClass.choices)
    changed_at = models.DateTimeField(_("changed at"), db_index=True)

    class Meta:
        verbose_name = _("class change")
        verbose_name_plural = _("class changes")
        ordering = ["-changed_at", "-id"]
        indexes = [
            models.Index(fields=["customer", "-changed_at"]),
            # The homes' recent upgrades (customers.selectors.recent_upgrades) read the upgrades
            # alone: every customer's first classification is a change too, and at tier L the
            # week's changes were the whole table (docs/performance.md).
            models.Index(fields=["-changed_at"], condition=UPGRADE, name="class_change_upgrades"),
        ]

    def __str__(self) -> str:
        return f"{self.customer_id}: {self.from_class or '-'} → {self.to_class}"


class CreditIncident(models.Model):
    """A bad debt or a dispute with a dealer: three clean months are needed for credit
    (rules.md §3.8)."""

    class Kind(models.TextChoices):
        BAD_DEBT = "bad_debt", _("Bad debt")
        DISPUTE = "dispute", _("Dispute")

    customer = models.ForeignKey(
        "Customer",
        verbose_name=_("dealer"),
        on_delete=models.CASCADE,
        related_name="credit_incidents",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    occurred_on = models.DateField(_("date"))
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("credit incident")
        verbose_name_plural = _("credit incidents")
        ordering = ["-occurred_on"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.occurred_on}"


class Competitor(models.Model):
    """The competitors registry (rules.md §6.5)."""

    name = models.CharField(_("name"), max_length=200)
    normalized_name = models.CharField(max_length=200, unique=True, editable=False)
    brand = models.CharField(_("brand"), max_length=200, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("competitor")
        verbose_name_plural = _("competitors")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class CompetitorObservation(models.Model):
    """What was seen of a competitor at a customer or in a territory (rules.md §6.5: brand, price,
    quality, payment terms, after-sales service, strengths and weaknesses).

    Visits write these through `customers.services.record_competitor_observation`; the
    territory's top three competitors are counted from them.
    """

    competitor = models.ForeignKey(
        Competitor,
        verbose_name=_("competitor"),
        on_delete=models.PROTECT,
        related_name="observations",
    )
    territory = models.ForeignKey(
        "territories.Territory",
        verbose_name=_("territory"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    customer = models.ForeignKey(
        "Customer",
        verbose_name=_("customer"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="competitor_observations",
    )
    visit = models.ForeignKey(
        "visits.Visit",
        verbose_name=_("visit"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="competitor_observations",
    )
    observed_on = models.DateField(_("observed on"), db_index=True)
    price = models.CharField(_("price"), max_length=100, blank=True)
    quality = models.CharField(_("quality"), max_length=200, blank=True)
    payment_terms = models.CharField(_("payment terms"), max_length=200, blank=True)
    after_sales = models.CharField(_("after-sales service"), max_length=200, blank=True)
    strengths = models.CharField(_("strengths"), max_length=300, blank=True)
    weaknesses = models.CharField(_("weaknesses"), max_length=300, blank=True)
    estimated_monthly_volume = MoneyField(
        _("their estimated monthly volume (CNY)"),
        null=True,
        blank=True,
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("competitor observation")
        verbose_name_plural = _("competitor observations")
        ordering = ["-observed_on", "-id"]
        indexes = [models.Index(fields=["territory", "observed_on"])]

    def __str__(self) -> str:
        return f"{self.competitor} {self.observed_on}"


class Handover(models.Model):
    """A departing salesperson's book moved to a successor in one step (rules.md §3.7)."""

    from_person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handed over by"),
        on_delete=models.PROTECT,
        related_name="handovers_given",
    )
    to_person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("successor"),
        on_delete=models.PROTECT,
        related_name="handovers_received",
    )
    region = models.ForeignKey(
        "territories.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    customers = models.ManyToManyField(
        "Customer", verbose_name=_("customers"), related_name="handovers"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("handed over at"), auto_now_add=True)

    class Meta:
        verbose_name = _("handover")
        verbose_name_plural = _("handovers")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.from_person} → {self.to_person}"


class ImportBatch(Job):
    """An uploaded prospect list: parsed rows waiting for the preview, then imported at once
    (a job the user waits on: `done` of `total` lines)."""

    class Status(models.TextChoices):
        PREVIEW = "preview", _("Preview")
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Importing")
        DONE = "done", _("Imported")
        FAILED = "failed", _("Failed")

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    file_name = models.CharField(_("file"), max_length=200)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PREVIEW
    )
    content = models.BinaryField(editable=False, default=bytes)  # the file, for remapping
    default_territory = models.ForeignKey(
        "territories.Territory", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    columns = models.JSONField(default=list)  # [{"heading": "客户名称", "field": "name"}]
    rows = models.JSONField(default=list)  # cleaned rows, ready for the database
    errors = models.JSONField(default=list)  # [{"line": 3, "message": "..."}]
    duplicates = models.JSONField(default=list)  # [{"line": 3, "matches": "..."}]
    task_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.file_name


# Each customer's copy of its row of the region rollup's values (the fields below): derived,
# kept out of the row history, and read in the covering index of Customer.Meta.
VALUE_COPIES = (
    "value_month",
    "value_gross_profit",
    "value_last_order_at",
    "value_visits",
    "value_other_visit_cost",
    "value_visitor",
    "value_visitor_visits",
    "value_second_visitor",
    "value_second_visitor_visits",
    "value_third_visitor",
    "value_third_visitor_visits",
)
# The named visitors' costs per visit, joined from the copies: no columns, nothing to track.
VALUE_RATES = ("value_visitor_rate", "value_second_visitor_rate", "value_third_visitor_rate")


def _copied_visitor() -> models.ForeignKey:
    """A copy of a visitor named on the customer's value row. As on that row: no constraint,
    the copy is derived and rewritten by the jobs."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )


def _copied_rate_of(visitor: str) -> models.ForeignObject:
    """A copied visitor's cost per visit for the copy's window, joined straight from the copy:
    through the visitor's user row, head office's counts joined 200,000 customers to the users
    as well. A join on two columns, no column of its own."""
    return models.ForeignObject(
        "rollups.VisitorRate",
        from_fields=[visitor, "value_month"],
        to_fields=["salesperson", "last_month"],
        on_delete=models.DO_NOTHING,
        null=True,
        related_name="+",
    )


# Row history for what people change; the derived fields are left out, so the nightly job
# writing classes and follow-up dates (kept in ClassChange) adds no history rows of its own.
@pghistory.track(
    exclude=[
        "customer_class",
        "class_since",
        "next_follow_up_at",
        "normalized_name",
        "normalized_phone",
        *VALUE_COPIES,
        *VALUE_RATES,
    ]
)
class Customer(models.Model):
    """A prospect (准客户) or, from its first sale on, a customer (成交客户). rules.md §3.1."""

    class Status(models.TextChoices):
        PROSPECT = "prospect", _("Prospect")
        CUSTOMER = "customer", _("Customer")

    # On PostgreSQL the names are searched in a table of their own, with their trigram index,
    # kept by triggers (migration 0019): `salesops.names` reads it.
    NAMES_APART = "customer_names"

    name = models.CharField(_("name"), max_length=200)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PROSPECT
    )
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    # Both read through the indexes below that begin with them (Meta.indexes): an index of
    # its own was one more for every write of a customer to keep.
    territory = models.ForeignKey(
        "territories.Territory",
        verbose_name=_("territory"),
        on_delete=models.PROTECT,
        related_name="customers",
        db_index=False,
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="customers",
        db_index=False,
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    latitude = models.DecimalField(
        _("latitude"), max_digits=8, decimal_places=5, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=8, decimal_places=5, null=True, blank=True
    )
    industry = models.CharField(_("industry"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    estimated_monthly_demand = MoneyField(
        _("estimated monthly demand (CNY)"),
        null=True,
        blank=True,
    )
    expected_order_date = models.DateField(_("expected order date"), null=True, blank=True)
    current_supplier = models.CharField(_("current supplier or brand"), max_length=200, blank=True)
    current_price = models.CharField(_("price they pay"), max_length=100, blank=True)
    source = models.CharField(_("source"), max_length=20, choices=Source.choices, blank=True)
    last_contacted_at = models.DateTimeField(_("last contact"), null=True, blank=True)
    # Duplicate detection keys (rules.md §3.4), written by the services from name and phone.
    # Indexed in Meta.indexes, like the class below: compared whole, never by a prefix, so
    # without the second, pattern-matching index that `db_index` adds on PostgreSQL.
    normalized_name = models.CharField(max_length=200, blank=True, editable=False)
    normalized_phone = models.CharField(max_length=20, blank=True, editable=False)
    # rules.md §4.5: written by customers.classification (nightly and after each change).
    customer_class = models.CharField(
        _("class"), max_length=1, choices=CustomerClass.choices, blank=True
    )
    class_since = models.DateTimeField(_("class since"), null=True, blank=True)
    next_follow_up_at = models.DateTimeField(
        _("next follow-up"), null=True, blank=True, db_index=True
    )
    # rules.md §4.7: the follow-up date the latest visit or call asked for (local midnight of
    # that day), cleared by a later contact that sets none. It wins over the class cadence.
    follow_up_requested_for = models.DateTimeField(
        _("follow-up set at the last contact"), null=True, blank=True
    )
    # rules.md §3.8: dealers only.
    credit_tier = models.CharField(
        _("credit tier"), max_length=3, choices=CreditTier.choices, blank=True
    )
    agreement_signed_on = models.DateField(_("agreement signed on"), null=True, blank=True)
    agreed_monthly_order = MoneyField(
        _("agreed monthly order (CNY)"),
        null=True,
        blank=True,
    )
    # Copies of the customer's row of the region rollup's values (rollups.CustomerValue): the
    # last month of the window it is for, its twelve months' gross profit, latest order,
    # visits, the other visitors' visit cost and its three named visitors with their visits,
    # written with that row (rollups.values). The 80/20's counts of its marks and the quiet
    # customers' panel read them in the covering index below instead of joining every
    # customer of the scope to its value (scorecards.value): at tier L head office's counts
    # joined 200,000 customers to their values on each open. Nothing shows them.
    value_month = models.DateField(null=True, editable=False)
    value_gross_profit = MoneyField(signed=True, null=True, editable=False)
    value_last_order_at = models.DateTimeField(null=True, editable=False)
    value_visits = models.PositiveIntegerField(null=True, editable=False)
    value_other_visit_cost = models.DecimalField(
        max_digits=20, decimal_places=6, null=True, editable=False
    )
    value_visitor = _copied_visitor()
    value_visitor_visits = models.PositiveIntegerField(null=True, editable=False)
    value_second_visitor = _copied_visitor()
    value_second_visitor_visits = models.PositiveIntegerField(null=True, editable=False)
    value_third_visitor = _copied_visitor()
    value_third_visitor_visits = models.PositiveIntegerField(null=True, editable=False)
    value_visitor_rate = _copied_rate_of("value_visitor")
    value_second_visitor_rate = _copied_rate_of("value_second_visitor")
    value_third_visitor_rate = _copied_rate_of("value_third_visitor")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        ordering = ["name"]
        indexes = [
            models.Index(fields=["territory", "name"]),
            # The list's default sort and its keyset pages (salesops.keyset): name, then id.
            models.Index(fields=["name", "id"], name="customer_name_keyset"),
            models.Index(fields=["owner", "next_follow_up_at"], name="customer_owner_follow_up"),
            models.Index(fields=["normalized_name"], name="customer_normalized_name"),
            models.Index(fields=["normalized_phone"], name="customer_normalized_phone"),
            models.Index(fields=["customer_class"], name="customer_class"),
            # A region's follow-ups due (the manager's and director's homes) are read by
            # territory: at tier L, 3,400 due among a region's 29,000 customers.
            models.Index(
                fields=["territory", "next_follow_up_at"], name="customer_territory_follow_up"
            ),
            # What the 80/20's marks and the quiet customers' panel read of each customer of a
            # scope (scorecards.value), without its wide row. At tier L head office's 80/20 read
            # the whole table (157 MB) for its counts, 271-283 → 200-228 ms a page, and the
            # manager's home a region's 29,000 rows for its quiet customers, 156-168 → 137-138
            # ms. PostgreSQL only; elsewhere a plain index on the territory.
            models.Index(
                fields=["territory"],
                include=[
                    "id",
                    "status",
                    "customer_class",
                    "last_contacted_at",
                    "created_at",
                    "name",
                    *VALUE_COPIES,
                ],
                name="customer_marks_and_names",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(credit_tier="") | Q(channel="dealer"),
                name="customer_credit_tier_only_for_dealers",
            ),
            models.CheckConstraint(
                condition=Q(estimated_monthly_demand__isnull=True)
                | Q(estimated_monthly_demand__gte=0),
                name="customer_demand_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_dealer(self) -> bool:
        return self.channel == Channel.DEALER
