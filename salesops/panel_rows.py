"""A home panel shows the first rows of a list and how many there are in all. Counting them in
the same statement as the rows (a window count over the whole list, taken before the limit)
keeps such a panel at one query, so a home of many panels stays within its query budget."""

from functools import reduce
from operator import or_

from django.db.models import (
    Case,
    Count,
    Expression,
    IntegerField,
    Q,
    QuerySet,
    RowRange,
    Value,
    When,
    Window,
)


def first_rows_with_count(queryset: QuerySet, limit: int) -> tuple[list, int]:
    """The first `limit` rows of the queryset, in its order, and the number of rows in all."""
    rows = rows_counted(queryset, 0, limit)
    return rows, rows[0].rows_in_all if rows else 0


def rows_counted(queryset: QuerySet, start: int, stop: int) -> list:
    """The rows `start` to `stop` of the queryset, in its order, each carrying the number of
    rows in all (`rows_in_all`): a window count taken before the slice."""
    return list(queryset.annotate(rows_in_all=Window(Count("pk")))[start:stop])


def first_rows_by_scope(
    queryset: QuerySet, scopes: dict[str, Q], *, group: Expression, order_by: list, limit: int
) -> dict[str, dict]:
    """Several panels' lists at once, one per scope (a condition on the queryset's rows, e.g.
    "mine" and "my region"), in one statement: per scope and value of `group` (e.g. overdue
    or due today), its first `limit` rows by `order_by` and its number of rows. A row in two
    scopes is read once and listed in both; a group with no rows is absent from its scope.

    Every window shares one partition (the group) and one order, so the rows are sorted once
    whatever the number of scopes: a row's place in a scope is the running count of that
    scope's rows up to it, and the scope's number of rows its count over the group. Numbered
    per scope (a partition of its own each), the rows were sorted once per scope: the
    manager's home at tier L sorted the region's 3,359 due customers twice."""
    in_order = {"partition_by": [group], "order_by": order_by}
    up_to_here = RowRange(start=None, end=0)
    annotations = {"panel_group": group}
    kept = []
    for index, condition in enumerate(scopes.values()):
        within = Case(When(condition, then=Value(1)), default=Value(0), output_field=IntegerField())
        members = Count("pk", filter=condition)
        annotations |= {
            f"panel_in_{index}": within,
            f"panel_place_{index}": Window(members, **in_order, frame=up_to_here),
            f"panel_count_{index}": Window(members, partition_by=[group]),
        }
        kept.append(Q(**{f"panel_in_{index}": 1, f"panel_place_{index}__lte": limit}))
    in_any = reduce(or_, scopes.values())
    # No order of its own: the rows are placed by their numbers below, and the model's default
    # order (a customer's name) sorted every due customer of the scope once more (the
    # manager's home at tier L: 3,496 rows, about a seventh of the statement).
    picked = queryset.filter(in_any).annotate(**annotations).filter(reduce(or_, kept))
    rows = list(picked.order_by())
    found: dict[str, dict] = {}
    for index, name in enumerate(scopes):
        # A row kept for another scope may be in this one too, beyond its first `limit`.
        inside = [
            row
            for row in rows
            if getattr(row, f"panel_in_{index}") == 1
            and getattr(row, f"panel_place_{index}") <= limit
        ]
        groups: dict = {}
        for row in sorted(inside, key=lambda row: getattr(row, f"panel_place_{index}")):
            groups.setdefault(row.panel_group, []).append(row)
        found[name] = {
            key: (members, getattr(members[0], f"panel_count_{index}"))
            for key, members in groups.items()
        }
    return found
