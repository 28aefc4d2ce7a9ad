"""Chart data, built from the same rows the page's tables show (so both say the same)."""

from sales.models import Attainment
from salesops.models import User
from scorecards.periods import HALF, Period


def half_year_months(person: User, period: Period) -> list[Attainment]:
    """The person's monthly attainment over the half-year holding the period (one query)."""
    half = period.of_kind(HALF)
    return list(
        Attainment.objects.filter(
            salesperson=person, month__gte=half.start, month__lt=half.end
        ).order_by("month")
    )


def attainment_chart(months: list[Attainment]) -> dict:
    """Attainment by month: the quota, the carried-over part on top of it, and the sales."""
    return {
        "labels": [f"{row.month:%Y-%m}" for row in months],
        "quota": [float(row.quota) for row in months],
        "carried_over": [float(row.carried_over) for row in months],
        "sales": [float(row.sales) for row in months],
    }
