"""80/20 for a scope (rules.md §11.2, §11.4): hand-off suggestions and the no-contact alert."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from customers.models import Customer, CustomerClass
from salesops.months import current_month
from scorecards import home, value
from tests.expenses.factories import approved_claim
from tests.sales.factories import local, make_sale, scored_this_month
from tests.scorecards.factories import customer_of, make_visit, refresh_derived_tables

pytestmark = pytest.mark.django_db


def _this_month(day=1):
    month = current_month()
    return local(month.year, month.month, day)


def _bought(person, profit, **fields):
    customer = customer_of(person, **fields)
    make_sale(person, Decimal(profit) * 2, _this_month(), customer=customer, gross_profit=profit)
    return customer


def _analysis(person, **kwargs):
    refresh_derived_tables(current_month())
    return value.analyse(Customer.objects.filter(owner=person), **kwargs)


def test_a_customer_costing_more_visits_than_its_profit_justifies_is_suggested(personas):
    person = personas.salesperson
    big = [_bought(person, "100000") for _ in range(2)]
    costly = _bought(person, "1000")
    cheap = _bought(person, "1000")
    for customer in [costly] * 6 + [cheap] * 2 + big:
        make_visit(person, customer, _this_month(1))
    # 10 visits in the window cost 1,000 in all: 100 a visit. The costly customer's six visits
    # cost 600, 60% of its 1,000 gross profit, above the 50% of the rule.
    approved_claim(person, current_month(), amounts=["1000"])

    analysis = _analysis(person)
    rows = {customer.pk: customer for customer in analysis.customers}

    assert rows[costly.pk].visits_12m == 6
    assert rows[costly.pk].visit_cost_12m == Decimal("600")
    assert rows[costly.pk].handoff_mark == 1
    assert rows[cheap.pk].handoff_mark == 0  # two visits: below the six of the rule
    assert {c.pk for c in value.only(analysis, value.FILTER_HANDOFF)} == {costly.pk}


def test_a_top_customer_is_never_suggested_for_hand_off(personas):
    person = personas.salesperson
    top = _bought(person, "10")
    for _ in range(8):
        make_visit(person, top, _this_month(1))
    approved_claim(person, current_month(), amounts=["5000"])

    [row] = _analysis(person).customers

    assert (row.top_mark, row.handoff_mark) == (1, 0)


def test_a_filtered_list_keeps_the_ranks_of_the_whole_population(personas):
    person = personas.salesperson
    for profit in ("900", "800", "700", "600", "500", "400"):
        _bought(person, profit)
    costly = _bought(person, "1")
    for _ in range(6):
        make_visit(person, costly, _this_month(1))
    approved_claim(person, current_month(), amounts=["600"])

    [row] = value.only(_analysis(person), value.FILTER_HANDOFF)

    assert row.pk == costly.pk
    assert row.value_rank == 7


@pytest.mark.parametrize(("days", "alert"), [(29, False), (30, True), (45, True)])
def test_a_class_a_customer_alerts_after_30_days_without_order_or_contact(personas, days, alert):
    person = personas.salesperson
    now = timezone.now()
    customer = customer_of(person, customer_class=CustomerClass.A)
    Customer.objects.filter(pk=customer.pk).update(
        created_at=now - timedelta(days=400), last_contacted_at=now - timedelta(days=days)
    )

    alerts = value.no_contact_alerts(Customer.objects.filter(owner=person), now=now)

    assert (customer in alerts) is alert


def test_a_recent_order_silences_the_alert_of_a_top_customer(personas):
    person = personas.salesperson
    now = timezone.now()
    customer = customer_of(person)
    Customer.objects.filter(pk=customer.pk).update(created_at=now - timedelta(days=400))
    # Its large order ten days ago, so that the order three days ago is the latest on any day
    # of the month (an order on the month's first day is not older than three days on the 1st).
    make_sale(person, "10000", now - timedelta(days=10), customer=customer, gross_profit="5000")
    make_sale(person, "100", now - timedelta(days=3), customer=customer, gross_profit="10")
    refresh_derived_tables(current_month())

    later = now + timedelta(days=26)
    assert not value.no_contact_alerts(Customer.objects.filter(owner=person), now=later).exists()
    later = now + timedelta(days=27)
    assert value.no_contact_alerts(Customer.objects.filter(owner=person), now=later).exists()


def test_a_quiet_class_c_customer_outside_the_top_does_not_alert(personas):
    person = personas.salesperson
    for _ in range(5):
        _bought(person, "9000")
    quiet = _bought(person, "10", customer_class=CustomerClass.C)
    Customer.objects.filter(pk=quiet.pk).update(created_at=timezone.now() - timedelta(days=400))
    refresh_derived_tables(current_month())
    later = timezone.now() + timedelta(days=60)
    alerts = value.no_contact_alerts(Customer.objects.filter(owner=person), now=later)
    assert quiet not in alerts


def test_the_home_panel_lists_the_same_alerts_as_the_80_20_in_the_same_order(personas):
    """The panel picks the alerts out without ranking everyone: its first rows, their top-20%
    marks and its count are the 80/20 page's alert list."""
    person = personas.salesperson
    long_ago = timezone.now() - timedelta(days=400)
    for profit in ("9000", "9000", "7000", "500", "400", "300", "200", "100"):
        _bought(person, profit)
    customer_of(person, customer_class=CustomerClass.A, name="甲类未下单")
    customer_of(person, customer_class=CustomerClass.C, name="丙类未下单")
    Customer.objects.filter(owner=person).update(created_at=long_ago)
    refresh_derived_tables(current_month())
    customers = Customer.objects.filter(owner=person)
    later = timezone.now() + timedelta(days=60)

    rows, count = value.first_alerts_with_count(customers, 2, now=later)

    alerts = list(value.no_contact_alerts(customers, now=later))
    assert count == len(alerts) == 3  # the top two (9,000 each, tied) and the class A
    assert [(row.pk, row.top_mark) for row in rows] == [
        (row.pk, row.top_mark) for row in alerts[:2]
    ]


def test_the_alert_shows_on_the_sellers_home_page(personas, login):
    person = personas.salesperson
    customer = customer_of(person, customer_class=CustomerClass.A, name="宁波大客户")
    Customer.objects.filter(pk=customer.pk).update(created_at=timezone.now() - timedelta(days=90))

    content = login(person).get(reverse("home")).content.decode()

    assert "宁波大客户" in content
    assert 'id="quiet-customers-mine"' in content


def test_the_manager_home_shows_the_regions_quiet_customers_and_team_attainment(personas, login):
    customer = customer_of(personas.salesperson, customer_class=CustomerClass.A, name="杭州大客户")
    Customer.objects.filter(pk=customer.pk).update(created_at=timezone.now() - timedelta(days=90))

    content = login(personas.manager).get(reverse("home")).content.decode()

    assert "杭州大客户" in content
    assert 'id="team-attainment-panel"' in content
    assert 'id="home-blank-areas"' in content


def test_the_manager_home_shows_the_first_of_the_team_and_the_whole_teams_total(
    personas, login, monkeypatch
):
    scored_this_month({personas.salesperson: "300000", personas.colleague: "100000"})
    monkeypatch.setattr(home, "PANEL_ROWS", 1)

    response = login(personas.manager).get(reverse("home"))

    panel = next(
        p for p in response.context["panels"] if p.template.endswith("team_attainment_panel.html")
    )
    assert [row.salesperson for row in panel.context["rows"]] == [personas.salesperson]
    assert panel.context["total"]["sales"] == Decimal("400000")
    assert 'id="team-attainment-more"' in response.content.decode()


def test_the_value_page_is_scoped_to_the_viewer(personas, login):
    mine = _bought(personas.salesperson, "100", name="李明的客户")
    _bought(personas.other_salesperson, "100", name="林晓燕的客户")

    content = login(personas.salesperson).get(reverse("scorecards:customer_value")).content
    content = content.decode()

    assert mine.name in content
    assert "林晓燕的客户" not in content


def test_the_value_page_explains_an_empty_scope(personas, login):
    response = login(personas.salesperson).get(reverse("scorecards:customer_value"))
    assert 'id="value-empty"' in response.content.decode()


def test_the_value_export_neutralises_formulas(personas, login):
    _bought(personas.salesperson, "100", name="=HYPERLINK(1)")
    response = login(personas.salesperson).get(
        reverse("scorecards:customer_value_export", args=["csv"])
    )
    assert "'=HYPERLINK(1)" in response.content.decode("utf-8-sig")


def test_an_unknown_territory_is_a_404(personas, login):
    url = reverse("scorecards:customer_value") + f"?territory={personas.guangdong.code}"
    assert login(personas.salesperson).get(url).status_code == 404
    assert login(personas.other_manager).get(url).status_code == 200


LISTED = ["pk", "value_rank", "top_mark", "handoff_mark", "alert_mark", "gross_profit_12m"]
LISTED += ["visits_12m", "visit_cost_12m", "last_order_at", "territory", "owner"]


def _as_listed(customers) -> list[tuple]:
    return [tuple(str(getattr(customer, name)) for name in LISTED) for customer in customers]


@pytest.mark.parametrize(
    ("show", "listed_in_all"), [("", 10), (value.FILTER_TOP, 4), (value.FILTER_HANDOFF, 2)]
)
def test_a_page_of_the_ranked_list_is_the_rows_read_whole(personas, show, listed_in_all):
    """The page sorts the customers' ids, then reads its customers whole with their marks and
    takes their ranks from the ladder: the same rows, ranks (ties included), marks and
    figures, in the same order, as ranking the whole list by windows, on every page and
    filtered. Pages of three: the first page ends inside a tie."""
    person = personas.salesperson
    # Equal profits across the first pages' end, and a customer with no profit at all.
    for profit in ("900", "800", "800", "800", "600", "500", "400"):
        _bought(person, profit)
    customer_of(person)
    costly = [_bought(person, "1"), _bought(person, "2")]
    for customer in costly * 6:
        make_visit(person, customer, _this_month(1))
    approved_claim(person, current_month(), amounts=["1200"])
    analysis = _analysis(person)
    listed = value.only(analysis, show)

    count = value.alert_counts(analysis).get(show, analysis.ranking.population)
    numbers = value.ranked_page(analysis, show, 1, 3, count=count).paginator.page_range
    pages = [value.ranked_page(analysis, show, number, 3, count=count) for number in numbers]

    whole = _as_listed(listed)
    assert [row for page in pages for row in _as_listed(page)] == whole
    assert len(whole) == listed_in_all


def test_a_customer_won_between_the_ladder_and_the_counts_fails_no_page(personas):
    """The list's count is read after the ladder: a customer committed in between makes it
    one more than the ladder holds, and the page still reads, as the ladder stands (the next
    request reads the new version)."""
    person = personas.salesperson
    for profit in ("900", "800", "700"):
        _bought(person, profit)
    analysis = _analysis(person)
    _bought(person, "600")
    refresh_derived_tables(current_month())
    count = analysis.ranking.population + 1
    page = value.ranked_page(analysis, "", 1, 10, count=count)
    assert [customer.value_rank for customer in page] == [1, 2, 3]
