"""What the expenses app answers when other apps ask it something, and what it tells them when
an approved claim's travel cost moves between months."""

from datetime import date

from django.db.models import QuerySet, Sum
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver

from expenses.models import ExpenseClaim, ExpenseItem
from sales.signals import months_changed, travel_costs_wanted
from salesops.months import month_start
from salesops.stored import stored_values


@receiver(travel_costs_wanted)
def approved_travel_costs(sender, *, first_month: date, last_month: date, **kwargs) -> QuerySet:
    """Approved claims' items per salesperson and claim month, as one grouped statement: rows
    of (salesperson id, month, cost)."""
    return (
        ExpenseItem.objects.filter(
            claim__status=ExpenseClaim.Status.APPROVED,
            claim__month__gte=first_month,
            claim__month__lte=last_month,
        )
        .values("claim__salesperson_id", "claim__month")
        .annotate(total=Sum("amount"))
        .values_list("claim__salesperson_id", "claim__month", "total")
        .order_by()
    )


# rules.md §7.11: travel cost counts in the claim's month, so an approved claim whose month
# changes, or an item moved to another month's claim, takes cost from one month to another:
# both months are announced (the score and the rollup of each are refreshed).


@receiver(pre_save, sender=ExpenseClaim)
def remember_the_claims_month(sender, instance: ExpenseClaim, update_fields=None, **kwargs):
    instance._stored_place = stored_values(instance, ("month", "salesperson_id"), update_fields)


@receiver(post_save, sender=ExpenseClaim)
def announce_a_moved_claim(sender, instance: ExpenseClaim, **kwargs) -> None:
    before = getattr(instance, "_stored_place", None)
    if before is None or instance.status != ExpenseClaim.Status.APPROVED:
        return
    if (before["month"], before["salesperson_id"]) != (instance.month, instance.salesperson_id):
        _announce([before["month"], instance.month])


ITEM_PLACE = ("claim_id", "spent_on")


@receiver(pre_save, sender=ExpenseItem)
def remember_the_items_place(sender, instance: ExpenseItem, update_fields=None, **kwargs):
    instance._stored_place = stored_values(instance, ITEM_PLACE, update_fields)


@receiver(post_save, sender=ExpenseItem)
def announce_a_moved_item(sender, instance: ExpenseItem, **kwargs) -> None:
    """An item of an approved claim moved to another claim or to another month's date: the
    months of both claims and of both dates."""
    before = getattr(instance, "_stored_place", None)
    if before is None or _same_place(before, instance):
        return
    claims = ExpenseClaim.objects.filter(
        pk__in=[before["claim_id"], instance.claim_id], status=ExpenseClaim.Status.APPROVED
    )
    months = list(claims.values_list("month", flat=True))
    if months:
        months += [month_start(before["spent_on"]), month_start(instance.spent_on)]
    _announce(months)


def _same_place(before: dict, item: ExpenseItem) -> bool:
    same_month = month_start(before["spent_on"]) == month_start(item.spent_on)
    return same_month and before["claim_id"] == item.claim_id


def _announce(months: list[date]) -> None:
    if months:
        months_changed.send(ExpenseClaim, first_month=min(months), last_month=max(months))
