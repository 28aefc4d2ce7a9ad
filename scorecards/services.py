"""Every change the scorecards make (the only writers): the manager's rating and a customer's
complaint (rules.md §10.4). One transaction each, with its audit entry."""

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from customers.models import Customer
from salesops import audit
from salesops.errors import DomainError
from salesops.models import User
from salesops.months import current_month, month_start
from scorecards import selectors
from scorecards.models import RATING_MAX, RATING_MIN, Complaint, ManagerRating


@transaction.atomic
def rate_salesperson(
    *, person: User, month: date, score: int, note: str, by: User
) -> ManagerRating:
    """Rate `person` for `month` (1–5). A second rating of the same month replaces the first;
    the audit entry keeps the score before and after."""
    if not selectors.may_rate(by, person):
        raise DomainError(_("Only the person's own manager rates them."))
    month = month_start(month)
    if month > current_month():
        raise DomainError(_("A month that has not begun cannot be rated."), field="month")
    if not RATING_MIN <= score <= RATING_MAX:
        raise DomainError(_("A rating runs from 1 to 5."), field="score")
    rating = (
        ManagerRating.objects.select_for_update().filter(salesperson=person, month=month).first()
    )
    before = {"score": rating.score, "note": rating.note} if rating else {}
    if rating is None:
        rating = ManagerRating(salesperson=person, month=month)
    rating.score, rating.note, rating.rated_by, rating.rated_at = score, note, by, timezone.now()
    rating.save()
    audit.record(
        "scorecards.rating.given",
        actor=by,
        target=rating,
        changes={"before": before, "after": {"score": score, "note": note}},
    )
    return rating


@transaction.atomic
def record_complaint(
    *, person: User, customer: Customer, received_on: date, summary: str, by: User
) -> Complaint:
    if not selectors.may_record_complaint(by, person):
        raise DomainError(_("Only the person's manager or director records complaints about them."))
    if not selectors.complaint_customers(by, person).filter(pk=customer.pk).exists():
        raise DomainError(_("Choose a customer of the person's region."), field="customer")
    if received_on > timezone.localdate():
        raise DomainError(_("A complaint cannot be dated in the future."), field="received_on")
    complaint = Complaint.objects.create(
        salesperson=person,
        customer=customer,
        region=customer.territory.region,
        received_on=received_on,
        summary=summary,
        recorded_by=by,
    )
    audit.record(
        "scorecards.complaint.recorded",
        actor=by,
        target=complaint,
        changes={"customer": customer.pk, "received_on": received_on, "summary": summary},
    )
    return complaint
