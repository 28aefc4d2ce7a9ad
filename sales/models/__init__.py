"""The sales app's tables: sale lines and imports, quotas, and the scoring results."""

from sales.models.bonuses import Bonus, BonusTransition
from sales.models.quotas import DealerTarget, Quota, QuotaChannel, RegionQuota
from sales.models.sales import Sale, SalesImport
from sales.models.scoring import Attainment, SalesRollup, ScoringRun

__all__ = [
    "Attainment",
    "Bonus",
    "BonusTransition",
    "DealerTarget",
    "Quota",
    "QuotaChannel",
    "RegionQuota",
    "Sale",
    "SalesImport",
    "SalesRollup",
    "ScoringRun",
]
