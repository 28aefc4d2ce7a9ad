"""The director's and head office's home: regions compared, rankings and this month's flags."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from customers.models import Customer
from rollups import building
from sales.models import Attainment
from salesops.months import add_months, current_month
from tests.factories import UserFactory
from tests.rollups import factories


def test_head_office_home_compares_regions_ranks_people_and_lists_flags(personas, login):
    world = factories.east_and_south(personas, current_month())
    Attainment.objects.filter(salesperson=world.colleague, month=current_month()).update(
        dismissal_flag=True
    )
    response = login(world.head_office).get(reverse("home"))
    html = response.content.decode()
    assert 'id="company-panel"' in html
    panel = next(p for p in response.context["panels"] if p.template.startswith("rollups/"))
    assert {row.name for row in panel.context["regions"]} == {"East China", "South China"}
    flagged = {score.salesperson: score for score in panel.context["flags"]}
    assert flagged[world.colleague].dismissal_flag
    assert "dismissal review" in html
    assert panel.context["best"][0].attainment >= panel.context["best"][-1].attainment


def test_managers_and_salespeople_do_not_get_the_company_panel(personas, login):
    factories.east_and_south(personas, current_month())
    for person in (personas.manager, personas.salesperson):
        assert 'id="company-panel"' not in login(person).get(reverse("home")).content.decode()
    assert 'id="company-panel"' in login(personas.director).get(reverse("home")).content.decode()


def _queries(client) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("home")).status_code == 200
    return len(captured)


def test_the_home_page_reads_the_same_number_of_queries_at_two_sizes(personas, login):
    factories.east_and_south(personas, current_month(), customers_each=1)
    client = login(personas.head_office)
    small = _queries(client)
    factories.east_and_south(personas, current_month(), customers_each=10)
    assert _queries(client) == small


def test_the_home_lists_this_months_claims_over_the_cap_in_force(personas, login):
    from tests.expenses.factories import approved_claim

    month = current_month()
    over = approved_claim(personas.salesperson, month, amounts=["3000", "2500.01"])
    approved_claim(personas.colleague, month, amounts=["5000"])  # at the cap is not above it
    response = login(personas.head_office).get(reverse("home"))

    panel = next(p for p in response.context["panels"] if p.template.startswith("rollups/"))
    assert [claim.pk for claim in panel.context["over_cap"]] == [over.pk]


def test_the_five_best_and_lowest_attainments_come_in_their_order(personas, login):
    world = factories.east_and_south(personas, current_month())
    scores = Attainment.objects.filter(month=current_month(), attainment__isnull=False)
    response = login(world.head_office).get(reverse("home"))

    panel = next(p for p in response.context["panels"] if p.template.startswith("rollups/"))
    expected = list(scores.order_by("-attainment", "pk")[:5])
    assert [score.pk for score in panel.context["best"]] == [score.pk for score in expected]
    lowest = list(scores.order_by("attainment", "-pk")[:5])
    assert [score.pk for score in panel.context["worst"]] == [score.pk for score in lowest]


def test_the_lowest_attainments_leave_out_scores_without_one_and_break_ties_by_row(personas, login):
    """The places from the bottom are counted back from those from the top: the rows without
    an attainment (no target) stay out of both lists, and equal attainments keep the order
    the page promises (the lower row first from the top, last from the bottom)."""
    world = factories.east_and_south(personas, current_month())
    stored = Attainment.objects.filter(month=current_month()).first()
    for attainment in [None, "50.0", None, "10.0", "50.0", "10.0", None, "50.0", "120.0"]:
        stored.pk, stored.salesperson, stored.attainment = None, UserFactory(), attainment
        stored.save()
    scores = Attainment.objects.filter(month=current_month(), attainment__isnull=False)

    response = login(world.head_office).get(reverse("home"))

    panel = next(p for p in response.context["panels"] if p.template.startswith("rollups/"))
    best = list(scores.order_by("-attainment", "pk")[:5])
    lowest = list(scores.order_by("attainment", "-pk")[:5])
    assert [score.pk for score in panel.context["best"]] == [score.pk for score in best]
    assert [score.pk for score in panel.context["worst"]] == [score.pk for score in lowest]


def test_the_home_lists_the_first_flags_and_counts_the_rest(personas, login, monkeypatch):
    """A month may flag hundreds of people (tier L: 219 dismissal reviews): the home lists the
    first in region order and links the rest to the team attainment page, which shows each
    person's flags."""
    from rollups import home

    monkeypatch.setattr(home, "FLAGS_LISTED", 1)
    world = factories.east_and_south(personas, current_month())
    scores = Attainment.objects.filter(month=current_month())
    scores.filter(salesperson__in=[world.salesperson, world.colleague]).update(dismissal_flag=True)
    scores.filter(salesperson=world.other_salesperson).update(probation_flag=True)

    response = login(world.head_office).get(reverse("home"))

    panel = next(p for p in response.context["panels"] if p.template.startswith("rollups/"))
    first = scores.filter(dismissal_flag=True) | scores.filter(probation_flag=True)
    first = first.order_by("region__code", "salesperson__display_name", "pk").first()
    assert [score.pk for score in panel.context["flags"]] == [first.pk]
    assert panel.context["flags_not_listed"] == 2
    html = response.content.decode()
    assert "2 more flags: see team attainment" in html
    assert reverse("sales:team_attainment") in html


def _region_rows(rows) -> dict:
    return {
        row.name: (row.figures.visits, row.figures.customers_visited, row.figures.class_counts())
        for row in rows
    }


def test_the_home_compares_the_regions_as_the_rollup_page_does_for_the_month(personas, login):
    """The home reads the regions' visits and classes of the month alone (the rollup page,
    thirteen months for its charts): a visit of last month counts on neither's month."""
    month = current_month()
    world = factories.east_and_south(personas, month)
    customer = Customer.objects.filter(owner=world.salesperson).first()
    factories.visit(customer, world.salesperson, add_months(month, -1))
    factories.classify(customer, "C", month)
    building.rebuild_all()
    client = login(world.head_office)

    home = client.get(reverse("home"))
    rollup = client.get(reverse("rollups:rollup", kwargs={"month": f"{month:%Y-%m}"}))

    panel = next(p for p in home.context["panels"] if p.template.startswith("rollups/"))
    assert _region_rows(panel.context["regions"]) == _region_rows(rollup.context["children"])
    east = _region_rows(panel.context["regions"])["East China"]
    assert east[0] == 4  # this month's visits, two customers each of two salespeople


def test_a_month_without_scores_yet_still_keeps_the_regions_figures(personas, login):
    """On a month's first day nobody has a score yet, so no score carries the versions the
    regions' figures are kept under: the home reads them itself instead of reading the cells
    again on every open."""
    factories.east_and_south(personas, add_months(current_month(), -1))
    Attainment.objects.filter(month=current_month()).delete()  # before anyone is scored
    client = login(personas.head_office)
    client.get(reverse("home"))

    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("home")).status_code == 200

    cells = ("rollups_salescell", "rollups_activitycell", "rollups_classcell", "rollups_scoreshare")
    assert [q["sql"] for q in captured if any(f'"{table}"' in q["sql"] for table in cells)] == []
