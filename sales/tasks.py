from celery import shared_task

from sales.services import scoring as services
from salesops.months import add_months, current_month, parse_month


@shared_task(acks_late=True)
def score_months(
    *,
    first_month: str,
    last_month: str,
    run_id: int | None = None,
    salespeople: list[int] | None = None,
) -> int:
    """Scores for the half-years holding [first_month, last_month] ('YYYY-MM-DD' keys), of
    these salespeople only when they are named."""
    return services.score_months(
        first_month=parse_month(first_month),
        last_month=parse_month(last_month),
        run_id=run_id,
        salespeople=salespeople,
    )


@shared_task(acks_late=True, nightly=True)
def score_recent_months() -> int:
    """Nightly: rebuild the sales rollup of this month and last, then score their half-years."""
    this_month = current_month()
    return services.rebuild_and_score(first_month=add_months(this_month, -1), last_month=this_month)


@shared_task(acks_late=True)
def run_sales_import(*, import_id: int) -> int:
    """An uploaded sales file: checked with progress, then written in one transaction."""
    from sales.services import sales as sales_services

    return sales_services.run_sales_import(import_id=import_id)
