"""Reads for the scorecards, each taking the acting user (scoped through salesops.access)."""

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from customers.selectors import customers_for
from salesops import access
from salesops.models import User
from scorecards import measures
from scorecards.models import Complaint, ManagerRating
from scorecards.periods import Period
from visits.models import COMPLETE_VISIT

EXPLANATION_ROWS = 200  # a figure's rows are shown a page of at most 200 at a time


def scorecard_people(user: User) -> QuerySet[User]:
    """The sellers whose scorecards this user reads: a salesperson themself, a manager or a
    director the sellers of their regions (themself included), head office everyone."""
    people = access.visible_people(user).filter(access.sellers_q(), is_active=True)
    return people.order_by("username")


def scorecard_person(user: User, pk: int) -> User:
    """404 for anyone outside the user's scope (rules.md §1.7)."""
    return get_object_or_404(scorecard_people(user), pk=pk)


def team_scorecards(
    user: User, period: Period, *, region_code: str = "", now=None
) -> list[measures.Scorecard]:
    people = scorecard_people(user)
    if region_code:
        people = people.filter(regions__code=region_code)
    return measures.scorecards(people, period, now=now)


def person_scorecard(person: User, period: Period, *, now=None) -> measures.Scorecard:
    people = User.objects.filter(pk=person.pk)
    return measures.scorecards(people, period, now=now)[0]


def _person_regions(person: User):
    return person.regions.all()


def may_rate(user: User, person: User) -> bool:
    """rules.md §10.4: the region's manager rates the salespeople of their region; a manager's
    own rating comes from the region's director (as their requests do, rules.md §1.5). Nobody
    rates themself."""
    if user.pk == person.pk or not access.is_active_user(user):
        return False
    regions = _person_regions(person)
    if access.is_manager(person):
        return access.is_director(user) and any(access.is_director_of(user, r) for r in regions)
    return access.is_manager(user) and any(access.is_regional_manager_of(user, r) for r in regions)


def may_record_complaint(user: User, person: User) -> bool:
    """The manager or the director of the person's region records a customer's complaint
    against them (never against themself)."""
    if user.pk == person.pk or not access.is_active_user(user):
        return False
    regions = _person_regions(person)
    if access.is_manager(user):
        return any(access.is_regional_manager_of(user, region) for region in regions)
    return access.is_director(user) and any(access.is_director_of(user, r) for r in regions)


def complaint_customers(user: User, person: User):
    """Customers a complaint may name: those of the person's regions the user sees."""
    return customers_for(user).filter(territory__region__in=_person_regions(person))


def ratings_of(person: User, period: Period) -> QuerySet[ManagerRating]:
    return measures.period_ratings([person.pk], period).select_related("rated_by")


def complaints_of(person: User, period: Period) -> QuerySet[Complaint]:
    return measures.period_complaints([person.pk], period).select_related("customer", "recorded_by")


# --- explanations: the rows and the formula behind each figure (rules.md §10) -----------------


def _page(queryset, number) -> Page:
    return Paginator(queryset, EXPLANATION_ROWS).get_page(number)


def explain_attainment(person: User, period: Period, page=None) -> dict:
    months = list(measures.attainment_rows([person.pk], period))
    lines = (
        measures.period_sales([person.pk], period)
        .select_related("customer")
        .order_by("sold_at", "pk")
    )
    return {"months": months, "lines": _page(lines, page)}


def explain_new_customers(person: User, period: Period, page=None) -> dict:
    firsts = (
        measures.first_sales([person.pk], period)
        .select_related("customer", "customer__territory")
        .order_by("sold_at", "pk")
    )
    return {"lines": _page(firsts, page)}


def explain_travel(person: User, period: Period, page=None) -> dict:
    items = (
        measures.travel_items([person.pk], period)
        .select_related("claim")
        .order_by("spent_on", "pk")
    )
    months = list(measures.attainment_rows([person.pk], period))
    return {"items": _page(items, page), "months": months}


def explain_attitude(person: User, period: Period, page=None) -> dict:
    return {
        "complaints": _page(complaints_of(person, period), page),
        "ratings": list(ratings_of(person, period)),
    }


def explain_reports(person: User, period: Period, page=None, *, now=None) -> dict:
    people = User.objects.filter(pk=person.pk)
    incomplete = (
        measures.period_visits([person.pk], period)
        .exclude(COMPLETE_VISIT)
        .select_related("customer")
        .order_by("visited_at", "pk")
    )
    return {
        "weeks": measures.week_compliance(people, period, now),
        "incomplete": _page(incomplete, page),
    }


EXPLANATIONS = {
    "attainment": explain_attainment,
    "new_customers": explain_new_customers,
    "travel": explain_travel,
    "attitude": explain_attitude,
    "reports": explain_reports,
}
