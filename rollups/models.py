"""The monthly region rollup's tables (rules.md §9.5), written only by `rollups.building`.

Each table is keyed by month and the finest grain its measure needs, and carries the province
and city of its territory (the first two levels of the territory's path), so a page sums a
level with one GROUP BY instead of walking the tree: sales by month × salesperson × territory ×
channel × customer, visits by month × salesperson × territory and by month × salesperson ×
customer, class counts by month × owner ×
territory × class, competitor sightings by month × territory × competitor, and the blank
cities of each month.
"""

from django.conf import settings
from django.db import models
from django.db.models import Expression, ExpressionWrapper, F, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from salesops.money import MoneyField

VISIT_COST = models.DecimalField(max_digits=20, decimal_places=6)


class Placed(models.Model):
    """Where a cell lies: its territory and that territory's region, province and city."""

    month = models.DateField(_("month"))
    territory = models.ForeignKey(
        "territories.Territory",
        verbose_name=_("territory"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    region = models.ForeignKey(
        "territories.Region",
        verbose_name=_("region"),
        null=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    province = models.ForeignKey(
        "territories.Territory",
        verbose_name=_("province"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    # None when the territory is a whole province (no city below it was named).
    city = models.ForeignKey(
        "territories.Territory",
        verbose_name=_("city"),
        null=True,
        on_delete=models.CASCADE,
        related_name="+",
    )

    class Meta:
        abstract = True


class SalesCell(Placed):
    # The salesperson's and the customer's own indexes are those below, led by each.
    salesperson = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("salesperson"),
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
    )
    channel = models.CharField(_("channel"), max_length=20)
    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
    )
    amount = MoneyField(signed=True, verbose_name=_("sales"))
    gross_profit = MoneyField(signed=True, verbose_name=_("gross profit"))
    lines = models.PositiveIntegerField(_("order lines"))
    # The customer's first sale on record fell in this month: a customer won (rules.md §10.2).
    new_customer = models.BooleanField(_("new customer"), default=False)
    # The cell's latest sale line: a customer's latest order is that of its latest cell, which
    # the no-contact alert (rules.md §11.4) needs to the second, not to the month.
    last_sold_at = models.DateTimeField(_("last order"), null=True)

    class Meta:
        verbose_name = _("sales cell")
        verbose_name_plural = _("sales cells")
        constraints = [
            models.UniqueConstraint(
                fields=["month", "salesperson", "territory", "channel", "customer"],
                name="one_rollup_sales_cell",
            )
        ]
        indexes = [
            models.Index(fields=["month", "region"]),
            models.Index(fields=["month", "province"]),
            models.Index(fields=["month", "city"]),
            models.Index(fields=["salesperson", "month"]),
            # The few cells that won their customer, for the scorecards' new customers: through
            # the index above a region's 125 people read 1,190 cells of a month to keep none.
            models.Index(
                fields=["salesperson", "month"],
                condition=models.Q(new_customer=True),
                name="sales_cell_new_customers",
            ),
            # A customer's value (rollups.values) reads its cells' profit and latest order
            # from the index alone (PostgreSQL: INCLUDE), not from a heap page per cell.
            models.Index(
                fields=["customer", "month"],
                include=["gross_profit", "last_sold_at"],
                name="sales_cell_customer_value",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.salesperson_id} {self.territory_id} {self.customer_id}"


class ActivityCell(Placed):
    # Indexed with the month below (activity_cell_person_months), which also serves the key.
    salesperson = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("salesperson"),
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
    )
    visits = models.PositiveIntegerField(_("visits"))
    customers_visited = models.PositiveIntegerField(_("customers visited"))
    # Visits whose record is complete (visits.models.COMPLETE_VISIT, rules.md §10.5).
    complete_visits = models.PositiveIntegerField(_("complete visit records"), default=0)

    class Meta:
        verbose_name = _("visit cell")
        verbose_name_plural = _("visit cells")
        constraints = [
            models.UniqueConstraint(
                fields=["month", "salesperson", "territory"], name="one_rollup_activity_cell"
            )
        ]
        # A year of a region's (or every region's) visits is summed from the index alone: head
        # office's rollup and home read 31,000 cells at tier L, 14 → 5 ms.
        indexes = [
            models.Index(
                fields=["month", "region"],
                include=["visits", "customers_visited", "complete_visits"],
                name="activity_cell_region_year",
            ),
            # A team's scorecards sum their people's visits of the period from the index alone:
            # a region's 125 people at tier L, 2.0 → 0.4 ms (docs/performance.md).
            models.Index(
                fields=["salesperson", "month"],
                include=["visits", "complete_visits"],
                name="activity_cell_person_months",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.salesperson_id} {self.territory_id}"


class CustomerVisitCell(models.Model):
    """A salesperson's visits to one customer in a month: the 80/20 counts each customer's
    visits and prices them at what a visit of that salesperson costs (rules.md §11.2). Not
    placed on the map: the pages that sum visits by territory read the visit cells."""

    month = models.DateField(_("month"))
    # The salesperson's and the customer's own indexes are those below, led by each.
    salesperson = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("salesperson"),
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
    )
    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
    )
    visits = models.PositiveIntegerField(_("visits"))

    class Meta:
        verbose_name = _("customer visit cell")
        verbose_name_plural = _("customer visit cells")
        constraints = [
            models.UniqueConstraint(
                fields=["month", "salesperson", "customer"], name="one_rollup_customer_visit_cell"
            )
        ]
        # By salesperson too, customer included so the index alone answers: a changed cost per
        # visit re-prices the customers the salesperson visited (rollups.values). By customer
        # with the visits and their salesperson, so a customer's value reads the index alone.
        indexes = [
            models.Index(
                fields=["customer", "month"],
                include=["salesperson", "visits"],
                name="visit_cell_customer_value",
            ),
            models.Index(fields=["salesperson", "month", "customer"]),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.salesperson_id} {self.customer_id}"


class ChangedVisit(models.Model):
    """A visit written since the region rollup last counted its customer's visit cells: noted
    for every insert, update and delete of a visit (before and after) by a trigger on the
    visits (PostgreSQL, migration 0012), whoever writes. The month's refresh takes the notes of
    its month and recounts only those customers' cells, instead of comparing the month whole
    (docs/performance.md, P5). No foreign key: a note outlives a deleted customer, whose
    cells the recount then removes."""

    customer_id = models.BigIntegerField()
    visited_at = models.DateTimeField()

    class Meta:
        verbose_name = _("changed visit")
        verbose_name_plural = _("changed visits")
        indexes = [models.Index(fields=["visited_at"], name="changed_visit_time")]

    def __str__(self) -> str:
        return f"{self.visited_at:%Y-%m-%d} {self.customer_id}"


class ClassCell(Placed):
    """How many customers held each class at the month's end (the last change before it)."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    customer_class = models.CharField(_("class"), max_length=1)
    customers = models.PositiveIntegerField(_("customers"))

    class Meta:
        verbose_name = _("class count")
        verbose_name_plural = _("class counts")
        constraints = [
            models.UniqueConstraint(
                fields=["month", "owner", "territory", "customer_class"],
                name="one_rollup_class_cell",
            )
        ]
        indexes = [models.Index(fields=["month", "region"])]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.territory_id} {self.customer_class}"


class CompetitorCell(Placed):
    competitor = models.ForeignKey(
        "customers.Competitor",
        verbose_name=_("competitor"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    sightings = models.PositiveIntegerField(_("sightings"))

    class Meta:
        verbose_name = _("competitor sightings")
        verbose_name_plural = _("competitor sightings")
        constraints = [
            models.UniqueConstraint(
                fields=["month", "territory", "competitor", "recorded_by"],
                name="one_rollup_competitor_cell",
            )
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.territory_id} {self.competitor_id}"


class BlankCity(models.Model):
    """A city that was a blank area at the month's end (rules.md §2.6): no customers, or no
    visit in the `blank_area_days` before the month's last day."""

    month = models.DateField(_("month"))
    city = models.ForeignKey(
        "territories.Territory", verbose_name=_("city"), on_delete=models.CASCADE, related_name="+"
    )
    region = models.ForeignKey(
        "territories.Region", verbose_name=_("region"), on_delete=models.CASCADE, related_name="+"
    )
    province = models.ForeignKey(
        "territories.Territory",
        verbose_name=_("province"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    customers = models.PositiveIntegerField(_("customers"))
    last_visit_at = models.DateTimeField(_("last visit"), null=True)

    class Meta:
        verbose_name = _("blank city")
        verbose_name_plural = _("blank cities")
        constraints = [
            models.UniqueConstraint(fields=["month", "city"], name="one_blank_city_a_month")
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.city_id}"


class ScoreShare(Placed):
    """A person's quota, carry-over, target and travel cost of a month placed on one territory
    (rules.md §9.5): the quota and carry-over split evenly over the territories the person held
    that month, the travel cost by the person's visits there. The shares of a person and month
    add up to the cent to their score (`sales.Attainment`)."""

    salesperson = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("salesperson"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    quota = MoneyField(signed=True, verbose_name=_("quota"))
    carried_over = MoneyField(signed=True, verbose_name=_("carried over"))
    target = MoneyField(signed=True, verbose_name=_("target"))
    travel_cost = MoneyField(signed=True, verbose_name=_("travel cost"))
    # How the travel cost was placed: the person's visits here that month, or none of the
    # person's visits at all (then the cost is split evenly, like the quota).
    visits = models.PositiveIntegerField(_("visits"), default=0)
    held = models.BooleanField(_("held that month"), default=False)

    class Meta:
        verbose_name = _("score share")
        verbose_name_plural = _("score shares")
        constraints = [
            models.UniqueConstraint(
                fields=["month", "salesperson", "territory"], name="one_rollup_score_share"
            )
        ]
        indexes = [
            models.Index(fields=["month", "region"]),
            models.Index(fields=["month", "province"]),
            models.Index(fields=["month", "city"]),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.salesperson_id} {self.territory_id}"


class ChannelQuotaShare(Placed):
    """A person's quota of one channel (rules.md §7.3) for a month on one territory, split like
    the whole quota (rules.md §9.5)."""

    salesperson = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("salesperson"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    channel = models.CharField(_("channel"), max_length=20)
    quota = MoneyField(signed=True, verbose_name=_("quota"))

    class Meta:
        verbose_name = _("channel quota share")
        verbose_name_plural = _("channel quota shares")
        constraints = [
            models.UniqueConstraint(
                fields=["month", "salesperson", "territory", "channel"],
                name="one_rollup_channel_quota_share",
            )
        ]
        indexes = [models.Index(fields=["month", "region"])]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.salesperson_id} {self.territory_id} {self.channel}"


def _visitor(verbose_name) -> models.ForeignKey:
    """A salesperson named on a customer value. No constraint in the database: the row is
    derived and rewritten by the rollup's jobs, and SQLite drops a constrained column by
    copying the table, which loses the table's triggers (migration 0010)."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=verbose_name,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )


def _rate_of(visitor: str) -> models.ForeignObject:
    """The named visitor's cost per visit for the value's window: a join on two columns, no
    column of its own."""
    return models.ForeignObject(
        "rollups.VisitorRate",
        from_fields=[visitor, "last_month"],
        to_fields=["salesperson", "last_month"],
        on_delete=models.DO_NOTHING,
        null=True,
        related_name="+",
    )


class CustomerValue(models.Model):
    """One customer's twelve months as the 80/20 reads them (rules.md §11): its gross profit
    and visits over the window ending with `last_month`, and its latest order ever. Kept from
    the sales cells and customer visit cells whenever those change, so the ranking of a region
    or the company joins one row per customer instead of summing each customer's cells."""

    customer = models.OneToOneField(
        "customers.Customer",
        verbose_name=_("customer"),
        on_delete=models.CASCADE,
        related_name="rollup_value",
    )
    # The window's last month: a row of an earlier window is stale and read as no row.
    last_month = models.DateField(_("month"))
    gross_profit_12m = MoneyField(signed=True, verbose_name=_("gross profit"))
    visits_12m = models.PositiveIntegerField(_("visits"))
    # Each visit is priced at its salesperson's cost per visit (`VisitorRate`, rules.md §11.2),
    # and a day's visits move nearly every salesperson's rate. So the row names the three
    # salespeople who visited the customer most in the window (most visits first, then the
    # lower id) with their visits, and those visits are priced when read (`visit_cost`); only
    # the visits of a fourth salesperson and later are kept priced, here, and re-priced when a
    # rate moves. Kept costs made a day rewrite every customer with several visitors: at tier
    # L, 46,842 of them with one visitor named, 8,146 with two, 1,509 with three
    # (docs/performance.md, P5).
    other_visit_cost_12m = models.DecimalField(
        _("other visitors' visit cost"), max_digits=20, decimal_places=6
    )
    # The visits are nullable (none without a visitor): SQLite adds a column with a default by
    # copying the table, which loses its triggers (migration 0010).
    visitor = _visitor(_("visitor"))
    visitor_visits = models.PositiveIntegerField(_("visitor's visits"), null=True)
    second_visitor = _visitor(_("second visitor"))
    second_visitor_visits = models.PositiveIntegerField(_("second visitor's visits"), null=True)
    third_visitor = _visitor(_("third visitor"))
    third_visitor_visits = models.PositiveIntegerField(_("third visitor's visits"), null=True)
    last_order_at = models.DateTimeField(_("last order"), null=True)
    visitor_rate = _rate_of("visitor")
    second_visitor_rate = _rate_of("second_visitor")
    third_visitor_rate = _rate_of("third_visitor")

    class Meta:
        verbose_name = _("customer value")
        verbose_name_plural = _("customer values")
        # A page of the 80/20 reads the customers within a span of gross profit, through
        # this index (scorecards.value._page_ids); it serves the window's lookups as well.
        indexes = [
            models.Index(fields=["last_month", "gross_profit_12m"], name="customer_value_rank")
        ]

    def __str__(self) -> str:
        return f"{self.last_month:%Y-%m} {self.customer_id}"


def visit_cost(value: str = "") -> Expression:
    """The visit cost of a customer value, reached through the relation `value` (none: the
    value itself): the other visitors' kept cost, plus each named visitor's visits times their
    rate."""
    return priced_visits(
        F(f"{value}other_visit_cost_12m"),
        (F(f"{value}visitor_visits"), F(f"{value}visitor_rate__cost_per_visit")),
        (F(f"{value}second_visitor_visits"), F(f"{value}second_visitor_rate__cost_per_visit")),
        (F(f"{value}third_visitor_visits"), F(f"{value}third_visitor_rate__cost_per_visit")),
    )


def priced_visits(other_cost, *visits_and_rates: tuple[Expression, Expression]) -> Expression:
    """`other_cost` plus each pair's visits times its rate (nothing without either)."""
    cost = other_cost
    for visits, rate in visits_and_rates:
        priced = ExpressionWrapper(visits * rate, output_field=VISIT_COST)
        cost = cost + Coalesce(priced, Value(0), output_field=VISIT_COST)
    return ExpressionWrapper(cost, output_field=VISIT_COST)


class VisitorRate(models.Model):
    """What one visit of a salesperson costs over the twelve months ending with `last_month`:
    their approved travel cost ÷ all their visits (rules.md §11.2). Kept beside the customer
    values, so that a changed rate re-prices exactly the customers its salesperson visited."""

    # Reached from a customer's copy of its visitors (customers.Customer.value_visitor, …).
    salesperson = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("salesperson"),
        on_delete=models.CASCADE,
        related_name="visitor_rate",
    )
    last_month = models.DateField(_("month"))
    cost_per_visit = models.DecimalField(_("cost per visit"), max_digits=20, decimal_places=6)

    class Meta:
        verbose_name = _("cost per visit")
        verbose_name_plural = _("costs per visit")

    def __str__(self) -> str:
        return f"{self.last_month:%Y-%m} {self.salesperson_id}"


class CellsVersion(models.Model):
    """A number that changes with every statement that writes a rollup table's rows, set by a
    trigger on the table (migration 0009) in the writer's own transaction. What a page read
    from those rows is kept between requests while the number stays the same
    (`rollups.kept`). It is drawn, not counted on: a rolled-back change never hands its
    number to a later one."""

    cells = models.CharField(_("cells"), primary_key=True, max_length=20)
    version = models.BigIntegerField(_("version"))

    class Meta:
        verbose_name = _("version of the cells")
        verbose_name_plural = _("versions of the cells")

    def __str__(self) -> str:
        return f"{self.cells} {self.version}"
