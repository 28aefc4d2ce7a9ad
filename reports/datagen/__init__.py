"""A deterministic organisation at three sizes for the performance benchmark (`generate_data`).

The same tier, seed and end date always give the same rows. Amounts are Pareto-skewed the way
real books are (a few customers carry most revenue, a few salespeople hold many times the
median book); visits and sales are written in date order, as production writes them; derived
tables (the sales rollup, attainment, classes) are filled by the production jobs themselves.
The manifest (row counts and a checksum of monthly totals per salesperson) is stored in the
database, so a benchmark can tell generated data from anything else."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Tier:
    name: str
    regions: int
    territories: int
    salespeople: int
    customers: int
    visits: int
    sales: int
    months: int


TIERS = {
    "S": Tier("S", 1, 30, 20, 2_000, 15_000, 50_000, 12),
    "M": Tier("M", 4, 300, 150, 30_000, 810_000, 5_000_000, 36),
    "L": Tier("L", 8, 2_400, 1_000, 200_000, 6_000_000, 10_000_000, 36),
}

MANIFEST_TABLE = "salesops_perf_manifest"
