"""Reads for the quota grid: each takes the acting user and is scoped through salesops.access."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Sum

from salesops.models import User
from territories.models import DealerTarget, Quota, QuotaChannel, Region, RegionQuota
from territories.selectors import region_for, sellers_in

ZERO = Decimal("0.00")


@dataclass
class QuotaGrid:
    region: Region
    months: list[date]
    people: list[User]
    cells: dict[tuple[int, date, str], Decimal] = field(default_factory=dict)
    dealer_totals: dict[date, Decimal] = field(default_factory=dict)
    region_totals: dict[date, Decimal] = field(default_factory=dict)

    def sum_for(self, month: date) -> Decimal:
        people = sum((amount for (_p, m, _c), amount in self.cells.items() if m == month), ZERO)
        return people + self.dealer_totals.get(month, ZERO)

    def totals(self) -> list[dict]:
        """Per month: the sum of quotas and dealer targets against the region total."""
        rows = []
        for month in self.months:
            planned = self.sum_for(month)
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


def quota_grid_for(user: User, region_code: str, months: list[date]) -> QuotaGrid:
    region = region_for(user, region_code)
    grid = QuotaGrid(region=region, months=months, people=list(sellers_in(region)))
    quotas = Quota.objects.filter(
        salesperson__in=grid.people, month__gte=months[0], month__lte=months[-1]
    ).values_list("salesperson_id", "month", "channel", "amount")
    grid.cells = {(p, m, c): a for p, m, c, a in quotas}
    dealers = (
        DealerTarget.objects.filter(
            dealer__territory__region=region, month__gte=months[0], month__lte=months[-1]
        )
        .values("month")
        .annotate(total=Sum("amount"))
    )
    grid.dealer_totals = {row["month"]: row["total"] for row in dealers}
    grid.region_totals = dict(
        RegionQuota.objects.filter(
            region=region, month__gte=months[0], month__lte=months[-1]
        ).values_list("month", "amount")
    )
    return grid


def grid_rows(grid: QuotaGrid) -> list[dict]:
    """One row per salesperson × channel with a cell per month (template-friendly)."""
    rows = defaultdict(list)
    for person in grid.people:
        for channel, label in QuotaChannel.choices:
            rows[person.pk].append(
                {
                    "person": person,
                    "channel": channel,
                    "channel_label": label,
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


def parse_cells(values: dict[str, Decimal]) -> dict[tuple[int, date, str], Decimal]:
    """Grid field names `q-<person>-<YYYY-MM>-<channel>` → (person id, month, channel)."""
    cells = {}
    for name, amount in values.items():
        _prefix, person, year, month, channel = name.split("-", 4)
        cells[int(person), date(int(year), int(month), 1), channel] = amount
    return cells
