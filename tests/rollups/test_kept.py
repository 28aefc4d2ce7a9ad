"""Reads of the sales cells kept between requests (rollups.kept): used while the cells stay as
they are, read again after any write to them, whoever writes, rolled back or not."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.db.models import F
from django.test.utils import CaptureQueriesContext

from customers.models import Customer
from rollups import building, kept
from rollups.levels import Level
from rollups.models import (
    ActivityCell,
    ChannelQuotaShare,
    ClassCell,
    SalesCell,
    ScoreShare,
)
from rollups.selectors import children, monthly_figures, sales_by_channel, value_split
from sales.models import Attainment, Quota, QuotaChannel
from sales.services.scoring import score_months
from salesops.months import add_months
from tests.rollups import factories
from tests.sales.factories import set_quota

pytestmark = pytest.mark.django_db
MONTH = date(2026, 3, 1)


def _sold(world, amount, *, gross_profit=None):
    customer = factories.customer_in(world.xihu, world.salesperson)
    factories.sale(customer, world.salesperson, MONTH, amount, gross_profit=gross_profit)
    building.refresh_months(MONTH, MONTH)
    return customer


def _company(world) -> Level:
    return Level("company", MONTH, [world.east, world.south])  # a new level: a new request


def _sales(world) -> Decimal:
    return monthly_figures(_company(world))[MONTH].sales


def _version(cells: str) -> int | None:
    return kept.figures_versions()[cells]


def _cell_reads(read) -> int:
    with CaptureQueriesContext(connection) as captured:
        read()
    return sum('"rollups_salescell"' in query["sql"] for query in captured)


def test_every_kind_of_write_to_the_sales_cells_gives_them_a_new_version(personas):
    customer = _sold(personas, 1000)
    versions = [_version(kept.SALES)]
    SalesCell.objects.filter(customer=customer).update(amount=Decimal("900.00"))
    versions.append(_version(kept.SALES))
    SalesCell.objects.filter(customer=customer).delete()
    versions.append(_version(kept.SALES))
    assert None not in versions
    assert len(set(versions)) == 3


def test_a_kept_read_is_used_until_the_cells_change(personas):
    _sold(personas, 1000)
    assert _sales(personas) == Decimal("1000.00")
    assert _cell_reads(lambda: _sales(personas)) == 0  # kept: the cells did not change

    _sold(personas, 250)  # a new sale, through the rollup's own refresh
    assert _cell_reads(lambda: _sales(personas)) == 1
    assert _sales(personas) == Decimal("1250.00")


def test_a_change_made_by_hand_is_seen_at_the_next_read(personas):
    customer = _sold(personas, 1000)
    assert _sales(personas) == Decimal("1000.00")
    SalesCell.objects.filter(customer=customer).update(amount=Decimal("10.00"))
    assert _sales(personas) == Decimal("10.00")


def test_a_read_kept_inside_a_rolled_back_change_is_never_used_again(personas):
    _sold(personas, 1000)
    seen_inside = _sales_in_a_change_undone(personas, Decimal("1.00"))
    assert seen_inside == Decimal("1.00")  # and kept, with the change's version
    assert _sales(personas) == Decimal("1000.00")
    SalesCell.objects.update(amount=Decimal("2.00"))  # a later change, another version
    assert _sales(personas) == Decimal("2.00")


def _sales_in_a_change_undone(world, amount: Decimal) -> Decimal:
    """The sales read after setting every cell to `amount`, in a change then rolled back."""
    savepoint = transaction.savepoint()
    SalesCell.objects.update(amount=amount)
    seen = _sales(world)
    transaction.savepoint_rollback(savepoint)
    return seen


def test_each_level_keeps_its_own_reads(personas):
    """A director's company is their regions: their read is not head office's."""
    world = personas
    _sold(world, 1000, gross_profit="400.00")
    southern = factories.customer_in(world.shenzhen, world.other_salesperson)
    factories.sale(southern, world.other_salesperson, MONTH, 500, gross_profit="100.00")
    building.refresh_months(MONTH, MONTH)

    both = value_split(_company(world))
    east = value_split(Level("company", MONTH, [world.east]))
    assert (both.customers, both.gross_profit) == (2, Decimal("500.00"))
    assert (east.customers, east.gross_profit) == (1, Decimal("400.00"))
    assert value_split(_company(world)) == both


# --- the scores, the activity cells and the class cells (migration 0016) ------------------------


def _each_kind_of_write(model, row) -> list[int | None]:
    """The table's version before and after an update, a delete and an insert of `row`."""
    versions = [_version(TABLE_OF[model])]
    fields = {field.attname: getattr(row, field.attname) for field in model._meta.concrete_fields}
    model.objects.filter(pk=row.pk).update(**{FIGURE_OF[model]: F(FIGURE_OF[model]) + 1})
    versions.append(_version(TABLE_OF[model]))
    model.objects.filter(pk=row.pk).delete()
    versions.append(_version(TABLE_OF[model]))
    model.objects.create(**fields)
    versions.append(_version(TABLE_OF[model]))
    return versions


TABLE_OF = {
    Attainment: kept.SCORES,
    ActivityCell: kept.ACTIVITY,
    ClassCell: kept.CLASSES,
    Quota: kept.QUOTAS,  # migration 0017
    ScoreShare: kept.SHARES,
    ChannelQuotaShare: kept.SHARES,
}
FIGURE_OF = {
    Attainment: "sales",
    ActivityCell: "visits",
    ClassCell: "customers",
    Quota: "amount",
    ScoreShare: "quota",
    ChannelQuotaShare: "quota",
}


@pytest.mark.parametrize("model", list(TABLE_OF), ids=lambda m: m.__name__)
def test_every_kind_of_write_to_the_figures_gives_them_a_new_version(personas, model):
    """Whoever writes: a trigger on the table (and one SQLite's table copies would lose)."""
    factories.east_and_south(personas, MONTH, customers_each=1)
    versions = _each_kind_of_write(model, model.objects.order_by("pk").first())
    assert None not in versions
    assert len(set(versions)) == 4


def _reads_of(table: str, read) -> int:
    with CaptureQueriesContext(connection) as captured:
        read()
    return sum(f'"{table}"' in query["sql"] for query in captured)


def _visits(world) -> int:
    return monthly_figures(_company(world))[MONTH].visits


def test_the_visits_are_kept_until_a_visit_changes_their_cells(personas):
    world = factories.east_and_south(personas, MONTH, customers_each=1)
    before = _visits(world)
    assert _reads_of("rollups_activitycell", lambda: _visits(world)) == 0

    customer = Customer.objects.filter(owner=world.salesperson).first()
    factories.visit(customer, world.salesperson, MONTH, day=12)
    building.refresh_visits(MONTH)

    assert _reads_of("rollups_activitycell", lambda: _visits(world)) == 1
    assert _visits(world) == before + 1


def test_the_scores_are_kept_until_the_scoring_writes_them(personas):
    world = factories.east_and_south(personas, MONTH, customers_each=1)
    quota = monthly_figures(_company(world))[MONTH].quota
    assert _reads_of("reports_attainment", lambda: monthly_figures(_company(world))) == 0

    set_quota(world.salesperson, MONTH, 5000)  # 2,000 before
    score_months(first_month=MONTH, last_month=MONTH)

    assert monthly_figures(_company(world))[MONTH].quota == quota + Decimal("3000.00")


def test_a_page_of_the_month_alone_keeps_its_own_visits(personas):
    """The home reads one month of visits, the rollup page thirteen: neither is served the
    other's kept rows."""
    world = factories.east_and_south(personas, MONTH, customers_each=1)
    customer = Customer.objects.filter(owner=world.salesperson).first()
    factories.visit(customer, world.salesperson, add_months(MONTH, -1))
    building.rebuild_all()

    series = monthly_figures(_company(world))
    month_alone = Level("company", MONTH, [world.east, world.south], series=False)
    children_of_the_month = {row.name: row.figures.visits for row in children(month_alone)}

    assert series[add_months(MONTH, -1)].visits == 1
    assert sum(children_of_the_month.values()) == series[MONTH].visits


def _channel_quota(world, channel: str) -> Decimal | None:
    rows = sales_by_channel(_company(world))
    return next((row["quota"] for row in rows if row["channel"] == channel), None)


def test_the_channel_quotas_are_kept_until_a_quota_changes(personas):
    """Head office's channel table sums the quotas of everyone scored: kept while the quotas
    and the scores stay as they are, read again as soon as a quota is set."""
    world = factories.east_and_south(personas, MONTH, customers_each=1)
    label = str(QuotaChannel.TERMINAL.label)
    before = _channel_quota(world, label)
    assert _reads_of("territories_quota", lambda: sales_by_channel(_company(world))) == 0

    set_quota(world.salesperson, MONTH, 5000)  # 2,000 before: no scoring yet

    assert _reads_of("territories_quota", lambda: sales_by_channel(_company(world))) == 1
    assert _channel_quota(world, label) == before + Decimal("3000.00")


def test_the_shares_are_kept_until_the_rollup_writes_them(personas):
    """A region's provinces read the scores placed on their territories (the shares)."""
    world = factories.east_and_south(personas, MONTH, customers_each=1)

    def provinces():
        level = Level("region", MONTH, [world.east, world.south], region=world.east)
        return {row.name: row.figures.quota for row in children(level)}

    before = provinces()
    assert _reads_of("rollups_scoreshare", provinces) == 0

    set_quota(world.salesperson, MONTH, 5000)
    score_months(first_month=MONTH, last_month=MONTH)
    building.refresh_score_shares(MONTH, MONTH)

    assert _reads_of("rollups_scoreshare", provinces) == 1
    assert sum(provinces().values()) == sum(before.values()) + Decimal("3000.00")
