"""A home panel shows the first rows of a list and how many there are in all. Counting them in
the same statement as the rows (a window count over the whole list, taken before the limit)
keeps such a panel at one query, so a home of many panels stays within its query budget."""

from django.db.models import Count, Expression, QuerySet, Window
from django.db.models.functions import RowNumber


def first_rows_with_count(queryset: QuerySet, limit: int) -> tuple[list, int]:
    """The first `limit` rows of the queryset, in its order, and the number of rows in all."""
    rows = list(queryset.annotate(rows_in_all=Window(Count("pk")))[:limit])
    return rows, rows[0].rows_in_all if rows else 0


def first_rows_by_group(
    queryset: QuerySet, *, group: Expression, order_by: list, limit: int
) -> dict:
    """Per value of `group`: its first `limit` rows by `order_by` and its number of rows, all
    in one statement. A group with no rows is absent."""
    ranked = queryset.annotate(
        panel_group=group,
        panel_place=Window(RowNumber(), partition_by=[group], order_by=order_by),
        panel_count=Window(Count("pk"), partition_by=[group]),
    ).filter(panel_place__lte=limit)
    groups: dict = {}
    for row in sorted(ranked, key=lambda row: row.panel_place):
        groups.setdefault(row.panel_group, []).append(row)
    return {key: (rows, rows[0].panel_count) for key, rows in groups.items()}
