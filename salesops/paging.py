"""A region's people, a page at a time: the team pages (scorecards, attainment, the quota grid)
show 25 people a page, with the team's total row over all of them.

A region of the largest tier holds 125 salespeople; the first region of the smallest, 20. A
page that listed the whole team cost in proportion to it (docs/performance.md, P1), and a
person reads a team a screen at a time anyway. The same holds for what waits for a decision
(`counted_page`): a manager of 125 people has six times the plans and claims of one of 20."""

from collections.abc import Sequence

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet

from salesops.panel_rows import rows_counted

PEOPLE_PER_PAGE = 25


def people_page(rows: Sequence, number, *, count: int | None = None) -> Page:
    """The page `number` (the last for a number past it, the first for anything else) of
    `rows`. `count`, when the caller has it already (the total row's query counts the team),
    spares the count query."""
    paginator = Paginator(rows, PEOPLE_PER_PAGE)
    if count is not None:
        paginator.count = count  # a cached property: set, it is not read from the rows
    return paginator.get_page(number)


def counted_page(queryset: QuerySet, number, per_page: int) -> Page:
    """The page `number` of the queryset in its order (the last for a number past it, the first
    for anything else), its rows and how many there are in all read by one statement: a window
    count over the whole list, taken before the slice. Only a number past the last page costs
    more (a count, then that page)."""
    wanted = _whole_number(number)
    rows = _rows_of_page(queryset, wanted, per_page)
    paginator = Paginator(queryset, per_page)
    if rows:
        paginator.count = rows[0].rows_in_all
    elif wanted == 1:
        paginator.count = 0
    page = paginator.get_page(wanted)
    if page.number != wanted:
        rows = _rows_of_page(queryset, page.number, per_page)
    page.object_list = rows
    return page


def _whole_number(number) -> int:
    try:
        return max(int(number), 1)
    except (TypeError, ValueError):
        return 1


def _rows_of_page(queryset: QuerySet, number: int, per_page: int) -> list:
    start = (number - 1) * per_page
    return rows_counted(queryset, start, start + per_page)
