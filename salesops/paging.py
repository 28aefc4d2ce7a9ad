"""A region's people, a page at a time: the team pages (scorecards, attainment, the quota grid)
show 25 people a page, with the team's total row over all of them.

A region of the largest tier holds 125 salespeople; the first region of the smallest, 20. A
page that listed the whole team cost in proportion to it (docs/performance.md, P1), and a
person reads a team a screen at a time anyway."""

from collections.abc import Sequence

from django.core.paginator import Page, Paginator

PEOPLE_PER_PAGE = 25


def people_page(rows: Sequence, number, *, count: int | None = None) -> Page:
    """The page `number` (the last for a number past it, the first for anything else) of
    `rows`. `count`, when the caller has it already (the total row's query counts the team),
    spares the count query."""
    paginator = Paginator(rows, PEOPLE_PER_PAGE)
    if count is not None:
        paginator.count = count  # a cached property: set, it is not read from the rows
    return paginator.get_page(number)
