"""The director's and head office's home (issue 11): the regions compared this month, the
salespeople ranked by attainment, and the flags raised this month — first-to-target bonuses,
probation, dismissal review and expense claims over the monthly cap."""

from django.db.models import Case, Count, F, Q, Sum, Value, When, Window
from django.db.models.functions import Least, RowNumber
from django.http import HttpRequest

from expenses.models import ExpenseClaim
from rollups import kept, selectors
from rollups.levels import COMPANY, Level
from sales.models import Attainment
from salesops import access
from salesops.models import CompanySettings
from salesops.months import current_month
from salesops.navigation import Panel

RANKED = 5
# The flags listed by name, in region order; the rest are counted, and the team attainment
# page shows every person's flags by region. At tier L a month raises 219 of them (the
# dismissal reviews of 1,000 people), which the home page listed one by one.
FLAGS_LISTED = 20
# What the rankings and flags show of a score, alone: the query numbers every score of the
# month by four windows, and whole rows (each with its salesperson's and region's) made each
# of those sorts wide (head office's home at tier L: 1,000 rows of 444 bytes, sorted 4 times).
RANKING_COLUMNS = (
    "attainment",
    "bonus_flag",
    "probation_flag",
    "dismissal_flag",
    "salesperson__display_name",
    "salesperson__first_name",
    "salesperson__last_name",
    "salesperson__username",
    "region__code",
    "region__name_zh",
    "region__name_en",
)


def reads_the_company(user) -> bool:
    return access.is_director(user) or access.sees_all_regions(user)


def home_panels(request: HttpRequest) -> list[Panel]:
    user = request.user
    if not reads_the_company(user):
        return []
    regions = access.regions_in_scope(user)  # shared with the home page, read once
    if not regions:
        return []
    month = current_month()
    level = Level(COMPANY, month, regions, series=False)
    scores = (
        Attainment.objects.filter(month=month, region__in=regions)
        .select_related("salesperson", "region")
        .only(*RANKING_COLUMNS)
        .annotate(**kept.versions_carried())  # for the regions' kept figures
    )
    ranked = _rankings_and_flags(scores)
    versions = ranked.pop("versions")
    if versions is not None:
        level.knows_versions(versions)
    # The region comparison's "not placed" row needs the month's scores summed: the rankings'
    # query counted them over the same rows, so the comparison does not read them again.
    totals = ranked.pop("totals")
    level.read_once(selectors.PLACED_TOTALS, lambda: totals)
    context = {
        "level": level,
        "regions": selectors.children(level),
        **ranked,
        "over_cap": _claims_over_cap(regions, month),
    }
    return [Panel("rollups/_partials/home_panel.html", context, order=5)]


def _rankings_and_flags(scores) -> dict:
    """The RANKED highest and lowest attainments of the month, its first FLAGS_LISTED flagged
    scores in region order and how many are flagged in all, from one query: each row's place
    counted from the top and from the bottom (a row without an attainment last both ways, so
    it never pushes a ranked row out), kept when either place is within RANKED or the row is
    among the flags listed. The same query sums the month's
    scores over every row ("totals": `rollups.selectors.PLACED`'s measures; empty without a
    score), as windows taken before the rows are kept, and carries the versions the regions'
    figures are kept under ("versions"). A month without a score yet (its first hours, before
    the night's scoring) has no row to carry them: "versions" is None, and the level reads
    them in a query of their own, so the regions' figures are still kept (four reads of the
    cells on every open otherwise)."""
    top = Window(RowNumber(), order_by=[F("attainment").desc(nulls_last=True), F("pk").asc()])
    # Counted from the bottom, the attained rows are in the reverse of their order from the
    # top, so their places come from it and their number, without sorting the month's scores
    # a second time; a row without an attainment keeps its place beyond them both ways.
    attained = Window(Count("attainment"))
    bottom = Case(When(attainment__isnull=True, then=top), default=attained - top + 1)
    flagged = Q(bonus_flag=True) | Q(probation_flag=True) | Q(dismissal_flag=True)
    is_flagged = Case(When(flagged, then=Value(True)), default=Value(False))
    by_region = Window(
        RowNumber(),
        partition_by=[is_flagged],
        order_by=[F("region__code"), F("salesperson__display_name"), F("pk")],
    )
    sums = {f"month_{name}": Window(Sum(name)) for name in selectors.PLACED}
    rows = list(
        # In no order: the rows kept are few, and sorted here (the model's order sorted the
        # month's every score once more).
        scores.order_by()
        .annotate(
            from_top=top,
            from_bottom=bottom,
            place=Least(top, bottom),
            flag_place=by_region,
            flags_in_all=Window(Count("pk", filter=flagged)),
            **sums,
        )
        .filter(Q(place__lte=RANKED) | (flagged & Q(flag_place__lte=FLAGS_LISTED)))
    )
    # Every month's row is ranked from the top, so the first is kept whenever there are rows.
    totals = {name: getattr(rows[0], f"month_{name}") for name in selectors.PLACED} if rows else {}
    versions = kept.carried_versions(rows[0]) if rows else None
    ranked = [row for row in rows if row.attainment is not None]
    best = [row for row in ranked if row.from_top <= RANKED]
    worst = [row for row in ranked if row.from_bottom <= RANKED]
    flags = [
        row
        for row in rows
        if (row.bonus_flag or row.probation_flag or row.dismissal_flag)
        and row.flag_place <= FLAGS_LISTED
    ]
    return {
        "best": sorted(best, key=lambda row: row.from_top),
        "worst": sorted(worst, key=lambda row: row.from_bottom),
        "flags": sorted(flags, key=lambda row: row.flag_place),
        "flags_not_listed": rows[0].flags_in_all - len(flags) if rows else 0,
        "totals": totals,
        "versions": versions,
    }


def _claims_over_cap(regions, month) -> list[ExpenseClaim]:
    """This month's claims (filed, not rejected) above the monthly cap (rules.md §8.5)."""
    # The month's cap is read inside the claims' query: one query fewer on the home.
    cap = CompanySettings.setting_in_force_on(month, "monthly_expense_cap")
    claims = (
        ExpenseClaim.objects.filter(month=month, region__in=regions)
        .exclude(status__in=[ExpenseClaim.Status.DRAFT, ExpenseClaim.Status.REJECTED])
        .annotate(total=Sum("items__amount"))
        .filter(total__gt=cap)
        .select_related("salesperson", "region")
        .order_by("-total")
    )
    return list(claims[:20])
