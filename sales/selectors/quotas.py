"""Reads for the quota grid: each takes the acting user and is scoped through salesops.access."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.core.paginator import Page
from django.db.models import Exists, OuterRef, Q, QuerySet, Sum

from customers.models import Channel, Customer
from sales.models import DealerTarget, Quota, QuotaChannel, RegionQuota
from salesops.keyset import KeysetPage, keyset_page
from salesops.paging import people_page
from territories.models import Region
from territories.selectors import sellers_in

ZERO = Decimal("0.00")


@dataclass
class QuotaGrid:
    region: Region
    months: list[date]
    # The page of the region's team shown (salesops.paging), and its people's quotas.
    team_page: Page
    cells: dict[tuple[int, date, str], Decimal] = field(default_factory=dict)
    # Per month: the whole team's quotas with the region's dealers' targets, and the region's
    # own total they are checked against.
    planned: dict[date, Decimal] = field(default_factory=dict)
    region_totals: dict[date, Decimal] = field(default_factory=dict)

    def sums_by_month(self) -> dict[date, Decimal]:
        """Each month's quotas and dealer targets."""
        return {month: self.planned.get(month, ZERO) for month in self.months}

    def totals(self) -> list[dict]:
        """Per month: the sum of quotas and dealer targets against the region total."""
        sums = self.sums_by_month()
        rows = []
        for month in self.months:
            planned = sums[month]
            total = self.region_totals.get(month)
            rows.append(
                {
                    "month": month,
                    "sum": planned,
                    "region_total": total,
                    "difference": None if total is None else planned - total,
                }
            )
        return rows


def quota_grid_for(region: Region, months: list[date], page_number=None) -> QuotaGrid:
    """The grid of a region in the user's scope (`territories.selectors.chosen_region`): the
    cells of one page of its team, and each month's totals over the whole team. The page's
    cells alone are read, and the team's summed by the database: a region of 125 people at
    tier L holds 2,250 cells for six months, of which a page shows 450."""
    team = list(sellers_in(region))
    grid = QuotaGrid(region=region, months=months, team_page=people_page(team, page_number))
    in_months = Q(month__gte=months[0], month__lte=months[-1])
    shown = [person.pk for person in grid.team_page.object_list]
    quotas = Quota.objects.filter(in_months, salesperson__in=shown)
    cells = quotas.values_list("salesperson_id", "month", "channel", "amount")
    grid.cells = {(p, m, c): a for p, m, c, a in cells}
    grid.planned = _planned_by_month(region, [person.pk for person in team], in_months)
    region_totals = RegionQuota.objects.filter(in_months, region=region)
    grid.region_totals = dict(region_totals.values_list("month", "amount"))
    return grid


def _planned_by_month(region: Region, team: list[int], in_months: Q) -> dict[date, Decimal]:
    """The team's quotas and the region's dealers' targets summed per month, in one query (the
    dealers' own targets are paged on their page; the grid needs only their sums)."""
    quotas = Quota.objects.filter(in_months, salesperson__in=team)
    targets = DealerTarget.objects.filter(in_months, dealer__territory__region=region)
    quota_sums, target_sums = (
        rows.values("month").annotate(total=Sum("amount")).order_by() for rows in (quotas, targets)
    )
    planned = defaultdict(lambda: ZERO)
    for row in quota_sums.union(target_sums, all=True):
        planned[row["month"]] += row["total"]
    return dict(planned)


def grid_rows(grid: QuotaGrid) -> list[dict]:
    """One row per salesperson × channel with a cell per month (template-friendly), for the
    page of the team shown."""
    rows = defaultdict(list)
    for person in grid.team_page.object_list:
        for channel, label in QuotaChannel.choices:
            rows[person.pk].append(
                {
                    "person": person,
                    "channel": channel,
                    "channel_label": label,
                    "label": f"{person} {label}",
                    "cells": [
                        {
                            "name": f"q-{person.pk}-{month:%Y-%m}-{channel}",
                            "month": month,
                            "amount": grid.cells.get((person.pk, month, channel)),
                        }
                        for month in grid.months
                    ],
                }
            )
    return [row for person_rows in rows.values() for row in person_rows]


# --- dealers' monthly targets (rules.md §7.3), a page of their own ---------------------------

DEALER_PAGE_ROWS = 50


def dealers_for_targets(region: Region, name: str = "") -> QuerySet[Customer]:
    """The region's dealers whose targets the page lists: those with a signed agreement or a
    target on record. A name looks through every dealer of the region, so one without either
    can be found and given its first target."""
    dealers = Customer.objects.filter(territory__region=region, channel=Channel.DEALER)
    if name:
        return dealers.filter(name__icontains=name)
    has_target = DealerTarget.objects.filter(dealer=OuterRef("pk"))
    return dealers.filter(Q(agreement_signed_on__isnull=False) | Exists(has_target))


@dataclass
class DealerTargetPage:
    region: Region
    months: list[date]
    dealers: KeysetPage
    cells: dict[tuple[int, date], Decimal] = field(default_factory=dict)


def dealer_target_page_for(
    region: Region, months: list[date], *, name: str = "", after="", before=""
) -> DealerTargetPage:
    """One keyset page of a region in the user's scope (`territories.selectors.chosen_region`):
    its dealers by name, with their targets for the months; two queries whatever the number."""
    dealers = keyset_page(
        dealers_for_targets(region, name),
        ordering="name",
        size=DEALER_PAGE_ROWS,
        after=after,
        before=before,
    )
    targets = DealerTarget.objects.filter(
        dealer__in=[dealer.pk for dealer in dealers], month__gte=months[0], month__lte=months[-1]
    ).values_list("dealer_id", "month", "amount")
    cells = {(dealer, month): amount for dealer, month, amount in targets}
    return DealerTargetPage(region=region, months=months, dealers=dealers, cells=cells)


def dealer_rows(page: DealerTargetPage) -> list[dict]:
    return [
        {
            "dealer": dealer,
            "cells": [
                {
                    "name": f"d-{dealer.pk}-{month:%Y-%m}",
                    "month": month,
                    "amount": page.cells.get((dealer.pk, month)),
                }
                for month in page.months
            ],
        }
        for dealer in page.dealers
    ]


def region_total_cells(grid: QuotaGrid) -> list[dict]:
    return [
        {"name": f"r-{month:%Y-%m}", "month": month, "amount": grid.region_totals.get(month)}
        for month in grid.months
    ]


def parse_cells(values: dict[str, Decimal]) -> dict[str, dict]:
    """Grid field names → the three kinds of cell the grid holds:
    `q-<person>-<YYYY-MM>-<channel>`, `d-<dealer>-<YYYY-MM>` and `r-<YYYY-MM>`."""
    parsed = {"cells": {}, "dealer_targets": {}, "region_totals": {}}
    for name, amount in values.items():
        kind, rest = name.split("-", 1)
        if kind == "q":
            person, year, month, channel = rest.split("-", 3)
            parsed["cells"][int(person), date(int(year), int(month), 1), channel] = amount
        elif kind == "d":
            dealer, year, month = rest.split("-")
            parsed["dealer_targets"][int(dealer), date(int(year), int(month), 1)] = amount
        else:
            year, month = rest.split("-")
            parsed["region_totals"][date(int(year), int(month), 1)] = amount
    return parsed
