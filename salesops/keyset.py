"""Keyset pagination for long lists: a page is "the next 50 rows after this one", found through
the sort's index, so page 1,000 costs what page 1 costs and no page counts the whole table.

A page link carries a cursor (the sort value and id of the row it continues from) in `after`
or `before`. The count shown beside a list is bounded (`bounded_count`): "1,000+" is all a
person needs to know about a list they will filter anyway.

Sorting is on one field (nulls last in both directions) with the primary key breaking ties in
the same direction, so every row has exactly one place and a page never repeats or skips a row.
On a column that holds no nulls the order and the cursor's bound are plain, so the sort's index
serves any page in either direction."""

import base64
import json
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import F, Q, QuerySet

COUNT_LIMIT = 1000


@dataclass
class KeysetPage:
    rows: list
    has_next: bool
    has_previous: bool
    next_cursor: str = ""
    previous_cursor: str = ""
    extra: dict = field(default_factory=dict)

    def __iter__(self):
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    @property
    def has_other_pages(self) -> bool:
        return self.has_next or self.has_previous


def bounded_count(queryset: QuerySet, limit: int = COUNT_LIMIT) -> tuple[int, bool]:
    """How many rows, counting at most `limit` + 1 (so the count stops early on a big table).
    Returns (count, more): `more` is True when there are more than `limit`."""
    count = queryset.order_by()[: limit + 1].count()
    return min(count, limit), count > limit


def _encode(values: list) -> str:
    raw = json.dumps([None if value is None else str(value) for value in values])
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _decode(cursor: str, fields: list) -> list | None:
    """The cursor's values, or None when it is not one of ours (a fresh first page then)."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        raw = json.loads(base64.urlsafe_b64decode(padded.encode()))
        if not isinstance(raw, list) or len(raw) != len(fields):
            return None
        return [None if v is None else f.to_python(v) for f, v in zip(fields, raw, strict=True)]
    except (ValueError, TypeError, ValidationError):
        return None


def _beyond(name: str, nullable: bool, value: Any, pk: Any, *, moving_up: bool, forward: bool) -> Q:
    """Rows after (forward) or before the row with this sort value and id, nulls last. The id
    breaks ties in the sort's own direction."""
    tie = Q(pk__gt=pk) if moving_up else Q(pk__lt=pk)
    if value is None:
        if forward:
            return Q(**{f"{name}__isnull": True}) & tie
        return Q(**{f"{name}__isnull": False}) | (Q(**{f"{name}__isnull": True}) & tie)
    step = Q(**{f"{name}__gt" if moving_up else f"{name}__lt": value})
    on = step | (Q(**{name: value}) & tie)
    if not nullable:
        # The inclusive bound alone lets the database start the index scan at the cursor.
        return Q(**{f"{name}__gte" if moving_up else f"{name}__lte": value}) & on
    return on | Q(**{f"{name}__isnull": True}) if forward else on


def _order(name: str, nullable: bool, *, ascending: bool, nulls_last: bool) -> list:
    if not nullable:  # plain, so an index serves either direction
        return [F(name).asc() if ascending else F(name).desc(), "pk" if ascending else "-pk"]
    nulls = {"nulls_last": True} if nulls_last else {"nulls_first": True}
    column = F(name).asc(**nulls) if ascending else F(name).desc(**nulls)
    return [column, "pk" if ascending else "-pk"]


def keyset_page(
    queryset: QuerySet,
    *,
    ordering: str,
    size: int,
    after: str = "",
    before: str = "",
) -> KeysetPage:
    """One page of `queryset` sorted by `ordering` ("name" or "-name"), then by id."""
    descending = ordering.startswith("-")
    name = ordering.lstrip("-")
    model = queryset.model
    sort_field, pk_field = model._meta.get_field(name), model._meta.pk
    position = _decode(after or before, [sort_field, pk_field]) if (after or before) else None
    forward = not (before and position is not None)
    nullable = sort_field.null
    if forward:
        order = _order(name, nullable, ascending=not descending, nulls_last=True)
    else:  # read backwards from the cursor, then turn the rows round
        order = _order(name, nullable, ascending=descending, nulls_last=False)
    ordered = queryset.order_by(*order)
    if position is not None:
        moving_up = (not descending) == forward  # the direction's next rows hold larger values
        ordered = ordered.filter(
            _beyond(name, nullable, *position, moving_up=moving_up, forward=forward)
        )
    rows = list(ordered[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    if not forward:
        rows.reverse()
    page = KeysetPage(
        rows=rows,
        has_next=more if forward else True,
        has_previous=(position is not None) if forward else more,
    )
    if rows:
        first, last = rows[0], rows[-1]
        page.next_cursor = _encode([getattr(last, name), last.pk])
        page.previous_cursor = _encode([getattr(first, name), first.pk])
    return page


def page_of_request(request, queryset: QuerySet, *, ordering: str, size: int) -> KeysetPage:
    """`keyset_page` at the cursor the request's page link carries (`after` or `before`)."""
    return keyset_page(
        queryset,
        ordering=ordering,
        size=size,
        after=request.GET.get("after", ""),
        before=request.GET.get("before", ""),
    )
