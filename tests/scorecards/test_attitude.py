"""The attitude measure's input (rules.md §10.4): the manager's monthly rating and customer
complaints, entered in the app by the right people only, with an audit trail."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from salesops.errors import DomainError
from salesops.models import AuditEntry
from salesops.months import add_months, current_month
from scorecards import services
from scorecards.models import Complaint, ManagerRating
from tests.scorecards.factories import customer_of

pytestmark = pytest.mark.django_db

LAST_MONTH = add_months(current_month(), -1)


def _rate(person, by, score=4, month=LAST_MONTH, note=""):
    return services.rate_salesperson(person=person, month=month, score=score, note=note, by=by)


def test_the_regions_manager_rates_their_salesperson(personas):
    rating = _rate(personas.salesperson, personas.manager, score=5, note="主动")
    assert (rating.score, rating.rated_by, rating.month) == (5, personas.manager, LAST_MONTH)


def test_a_second_rating_of_the_month_replaces_the_first_and_the_audit_keeps_both(personas):
    _rate(personas.salesperson, personas.manager, score=3)
    _rate(personas.salesperson, personas.manager, score=5)

    assert ManagerRating.objects.get().score == 5
    last = AuditEntry.objects.filter(action="scorecards.rating.given").order_by("pk").last()
    assert last.changes["before"]["score"] == 3
    assert last.changes["after"]["score"] == 5


@pytest.mark.parametrize(
    "rater", ["other_manager", "director", "head_office", "admin", "colleague", "salesperson"]
)
def test_nobody_else_rates_a_salesperson(personas, rater):
    with pytest.raises(DomainError):
        _rate(personas.salesperson, getattr(personas, rater))
    assert not ManagerRating.objects.exists()


def test_the_director_rates_the_manager_and_the_manager_cannot_rate_themself(personas):
    with pytest.raises(DomainError):
        _rate(personas.manager, personas.manager)
    assert _rate(personas.manager, personas.director).rated_by == personas.director


def test_a_month_that_has_not_begun_cannot_be_rated(personas):
    with pytest.raises(DomainError, match="not begun"):
        _rate(personas.salesperson, personas.manager, month=add_months(current_month(), 1))


def test_the_manager_rates_from_the_scorecard_page(personas, login):
    url = reverse("scorecards:rate", args=[personas.salesperson.pk])
    response = login(personas.manager).post(
        url, {"month": f"{LAST_MONTH:%Y-%m}", "score": "2", "note": "周报总是迟交"}
    )
    assert response.status_code == 302
    assert ManagerRating.objects.get().note == "周报总是迟交"


def test_an_invalid_rating_shows_the_form_again(personas, login):
    url = reverse("scorecards:rate", args=[personas.salesperson.pk])
    response = login(personas.manager).post(url, {"month": "2025-13", "score": "9"})
    assert response.status_code == 200
    assert not ManagerRating.objects.exists()


def test_the_manager_records_a_complaint_against_a_customer_of_the_region(personas):
    customer = customer_of(personas.salesperson)
    complaint = services.record_complaint(
        person=personas.salesperson,
        customer=customer,
        received_on=timezone.localdate(),
        summary="<script>x</script> 送货太慢",
        by=personas.manager,
    )
    assert complaint.region == personas.east
    assert AuditEntry.objects.filter(action="scorecards.complaint.recorded").exists()


def test_a_complaint_cannot_name_a_customer_of_another_region(personas):
    other = customer_of(personas.other_salesperson)
    with pytest.raises(DomainError):
        services.record_complaint(
            person=personas.salesperson,
            customer=other,
            received_on=timezone.localdate(),
            summary="x",
            by=personas.director,
        )
    assert not Complaint.objects.exists()


def test_a_complaint_cannot_be_dated_in_the_future(personas):
    with pytest.raises(DomainError, match="future"):
        services.record_complaint(
            person=personas.salesperson,
            customer=customer_of(personas.salesperson),
            received_on=timezone.localdate() + timedelta(days=1),
            summary="x",
            by=personas.manager,
        )


def test_complaint_text_is_shown_as_text(personas, login):
    customer = customer_of(personas.salesperson)
    services.record_complaint(
        person=personas.salesperson,
        customer=customer,
        received_on=timezone.localdate().replace(day=1),
        summary="<b>太慢</b>",
        by=personas.manager,
    )
    url = reverse("scorecards:explain", args=[personas.salesperson.pk, "attitude"])
    content = login(personas.salesperson).get(url).content.decode()
    assert "&lt;b&gt;太慢&lt;/b&gt;" in content
