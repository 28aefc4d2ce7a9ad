"""`{% load quota_cells %}`: the input cells of the quota grid and the dealers' targets.

A grid page holds up to 50 people × 3 channels × 6 months: 900 cells. Rendered through a
template include each, the cells took most of the page (a manager's grid at tier M: about a
second of 1.1 s); written here in one pass, with the same escaping, they take a few
milliseconds each hundred (docs/performance.md, P1)."""

from django import template
from django.utils.html import format_html

from salesops.money import format_money

register = template.Library()


@register.simple_tag(takes_context=True)
def quota_cell(context, cell: dict, label: str) -> str:
    """One month's cell: the amount on record (or what was typed, when the grid came back
    refused, with the reason beside it), greyed out where the month is closed or the user
    only reads the grid."""
    errors = cell.get("errors")
    editable = context.get("can_edit") and cell["month"] in context.get("open_months", ())
    return format_html(
        '<td><input class="form-control form-control-sm text-end{}" name="{}" '
        'aria-label="{} {}"{} value="{}" inputmode="decimal"{}>{}</td>',
        " is-invalid" if errors else "",
        cell["name"],
        label,
        f"{cell['month']:%Y-%m}",
        format_html(' aria-describedby="{}-refused"', cell["name"]) if errors else "",
        _shown_value(cell),
        "" if editable else " disabled",
        _refusal(cell["name"], errors),
    )


def _shown_value(cell: dict) -> str:
    if cell.get("typed") is not None:
        return cell["typed"]
    return format_money(cell["amount"]) if cell.get("amount") is not None else ""


def _refusal(name: str, errors) -> str:
    if not errors:
        return ""
    return format_html(
        '<div class="invalid-feedback" id="{}-refused">{}</div>', name, " ".join(map(str, errors))
    )
