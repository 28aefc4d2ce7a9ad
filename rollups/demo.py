"""Demo: the region rollup filled for the demo's twelve months, and last month's rollup mailed
to head office (printed by the console mail backend under `make run`), as on the 1st."""

from rollups import building, mailing
from salesops.months import add_months, current_month


def seed(out) -> None:
    cells = building.rebuild_all()
    last_month = add_months(current_month(), -1)
    sent = mailing.mail_monthly_rollup(last_month)
    mailed = (
        f"last month's rollup ({last_month:%Y-%m}) mailed to {sent} head office people"
        if sent
        else f"last month's rollup ({last_month:%Y-%m}) already mailed"
    )
    out.write(f"  region rollup rebuilt ({cells} cells); {mailed}")
