"""Quotas, targets and travel costs placed on regions, provinces and cities (rules.md §9.5):
the splits add up to the cent, every level adds up to the company, the incremental refresh
equals the nightly rebuild, a province's quota explains itself in both languages, and its
export and PDF carry the figures."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Sum
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from expenses.models import ExpenseClaim, ExpenseItem
from expenses.services import decide_claim, submit_claim
from rollups import building
from rollups.levels import Level
from rollups.models import ChannelQuotaShare, ScoreShare
from rollups.selectors import children, monthly_figures, sales_by_channel
from rollups.shares import split_by_weight, split_evenly
from sales.models import Attainment, Quota, QuotaChannel
from sales.services.quotas import save_quota_grid
from sales.services.scoring import score_months
from salesops.models import Role
from salesops.months import add_months, current_month
from territories.models import Assignment, Territory
from territories.services import end_assignment
from tests.expenses.factories import approved_claim
from tests.factories import UserFactory
from tests.rollups import factories
from tests.sales.factories import set_quota

MONTH = add_months(current_month(), -1)
MEASURES = ("quota", "carried_over", "target", "travel_cost")
CHANNELS = list(QuotaChannel.values)


def test_an_even_split_gives_the_leftover_cents_to_the_first_territories():
    assert split_evenly(Decimal("100.00"), ["a", "b", "c"]) == {
        "a": Decimal("33.34"),
        "b": Decimal("33.33"),
        "c": Decimal("33.33"),
    }
    assert split_evenly(Decimal("0.02"), ["a", "b", "c"]) == {
        "a": Decimal("0.01"),
        "b": Decimal("0.01"),
        "c": Decimal("0.00"),
    }


def test_a_split_by_visits_gives_the_leftover_cents_to_the_largest_remainders():
    assert split_by_weight(Decimal("10.00"), {"a": 1, "b": 2}) == {
        "a": Decimal("3.33"),
        "b": Decimal("6.67"),
    }
    assert split_by_weight(Decimal("0.05"), {"a": 1, "b": 1, "c": 1}) == {
        "a": Decimal("0.02"),
        "b": Decimal("0.02"),
        "c": Decimal("0.01"),
    }


@given(
    total=st.decimals(min_value=0, max_value=Decimal("9999999.99"), places=2),
    weights=st.lists(st.integers(1, 50), min_size=1, max_size=8),
)
def test_every_split_adds_up_to_the_whole_to_the_cent(total, weights):
    keys = list(range(len(weights)))
    assert sum(split_evenly(total, keys).values()) == total
    assert sum(split_by_weight(total, dict(zip(keys, weights, strict=True))).values()) == total


def _day(month: date, day: int) -> date:
    return month.replace(day=day)


def _figure(figures, name) -> Decimal:
    return getattr(figures, name) or Decimal("0.00")


def _sum(rows, name) -> Decimal:
    return sum((_figure(row.figures, name) for row in rows), Decimal("0.00"))


def _assert_every_level_adds_up(world) -> None:
    """company = Σ regions = Σ provinces (and what no province holds) = Σ cities (and the
    provinces as a whole) = Σ people, for every measure, to the cent."""
    regions = [world.east, world.south]
    company = Level("company", MONTH, regions)
    scored = Attainment.objects.filter(month=MONTH).aggregate(
        quota=Sum("quota"),
        carried_over=Sum("carried_over"),
        target=Sum("target"),
        travel_cost=Sum("travel_cost"),
    )
    figures = monthly_figures(company)[MONTH]
    region_rows = children(company)
    for name in MEASURES:
        assert _figure(figures, name) == (scored[name] or 0) == _sum(region_rows, name), name
    for region in regions:
        level = Level("region", MONTH, regions, region=region)
        region_figures = monthly_figures(level)[MONTH]
        provinces = children(level)
        for name in MEASURES:
            assert _figure(region_figures, name) == _sum(provinces, name), (region, name)
        for row in (row for row in provinces if row.key is not None):
            _assert_the_area_adds_up(world, regions, row)


def _assert_the_area_adds_up(world, regions, province_row) -> None:
    province = Level("province", MONTH, regions, area=_territory(province_row.key))
    cities = children(province)
    for name in MEASURES:
        assert _figure(monthly_figures(province)[MONTH], name) == _sum(cities, name)
        assert _figure(province_row.figures, name) == _sum(cities, name)
    for row in (row for row in cities if row.key is not None):
        city = Level("city", MONTH, regions, area=_territory(row.key))
        people = children(city)
        for name in MEASURES:
            assert _figure(row.figures, name) == _sum(people, name), (row.name, name)


def _territory(pk):
    return Territory.objects.select_related("region", "parent").get(pk=pk)


amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("99999.99"), places=2)
people_months = st.lists(
    st.tuples(
        st.integers(0, 2),  # the person
        st.lists(st.integers(0, 6), max_size=3),  # territories held in the month
        st.lists(st.integers(0, 6), max_size=4),  # on-site visits, by territory
        st.lists(st.tuples(st.integers(0, 2), amounts), max_size=3),  # quotas by channel
        st.lists(amounts, max_size=2),  # approved travel costs
    ),
    min_size=1,
    max_size=4,
)


def _clear() -> None:
    for table in (ExpenseItem, ExpenseClaim, Quota, Attainment, ScoreShare, ChannelQuotaShare):
        table.objects.all().delete()
    factories.Visit.objects.all().delete()
    Assignment.objects.filter(ended_on__isnull=False).delete()


@pytest.mark.django_db
@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
    phases=[Phase.explicit, Phase.reuse, Phase.generate],  # a failure is reported unshrunk
)
@given(months=people_months)
def test_quotas_and_travel_costs_add_up_at_every_level_to_the_cent(personas, months):
    _clear()
    world = personas
    people = [world.salesperson, world.colleague, world.other_salesperson]
    places = [
        world.xihu,
        world.ningbo,
        world.hangzhou,
        world.shanghai_city,
        world.jiangsu,
        world.shenzhen,
        world.guangzhou,
    ]
    customers = {}
    for person_index, held, visited, quotas, costs in months:
        person = people[person_index]
        for place in held:  # held for part of the month, so no active holder is displaced
            Assignment.objects.create(
                territory=places[place],
                salesperson=person,
                started_on=_day(MONTH, 2),
                ended_on=_day(MONTH, 20),
            )
        for place in visited:
            key = (person_index, place)
            if key not in customers:
                customers[key] = factories.customer_in(places[place], person)
            factories.visit(customers[key], person, MONTH)
        for channel, amount in quotas:
            set_quota(person, MONTH, amount, CHANNELS[channel])
        if costs and not ExpenseClaim.objects.filter(salesperson=person, month=MONTH).exists():
            approved_claim(person, MONTH, amounts=costs)
    score_months(first_month=MONTH, last_month=MONTH)
    building.rebuild_all()
    _assert_every_level_adds_up(world)
    by_channel = dict(
        ChannelQuotaShare.objects.values_list("channel").annotate(total=Sum("quota")).order_by()
    )
    quotas = dict(
        Quota.objects.filter(month=MONTH).values_list("channel").annotate(total=Sum("amount"))
    )
    assert by_channel == quotas


@pytest.mark.django_db
def test_a_province_shows_the_part_of_the_quota_of_the_territories_held_in_it(personas):
    world = personas
    for territory, first_day, last_day in ((world.ningbo, 1, 15), (world.xihu, 16, 28)):
        Assignment.objects.create(
            territory=territory,
            salesperson=world.salesperson,
            started_on=_day(MONTH, first_day),
            ended_on=_day(MONTH, last_day),
        )
    set_quota(world.salesperson, MONTH, "1000.01", QuotaChannel.TERMINAL)
    set_quota(world.salesperson, MONTH, "300.00", QuotaChannel.DEALER)
    score_months(first_month=MONTH, last_month=MONTH)
    building.rebuild_all()
    regions = [world.east, world.south]
    zhejiang = Level("province", MONTH, regions, area=world.zhejiang)
    # Li held Ningbo, then Xihu (in Hangzhou) that month: one half each, the odd cent going to
    # Xihu, whose division code (330106) comes before Ningbo's (330200).
    by_city = {row.name: row.figures.quota for row in children(zhejiang)}
    assert by_city == {"Hangzhou": Decimal("650.01"), "Ningbo": Decimal("650.00")}
    assert monthly_figures(zhejiang)[MONTH].quota == Decimal("1300.01")
    channels = {row["channel"]: row["quota"] for row in sales_by_channel(zhejiang)}
    assert channels == {"Terminal customers": Decimal("1000.01"), "Dealers": Decimal("300.00")}
    ningbo = Level("city", MONTH, regions, area=world.ningbo)
    channels = {row["channel"]: row["quota"] for row in sales_by_channel(ningbo)}
    assert channels == {"Terminal customers": Decimal("500.00"), "Dealers": Decimal("150.00")}


@pytest.mark.django_db
def test_travel_cost_follows_the_on_site_visits(personas):
    world = personas
    ningbo_customer = factories.customer_in(world.ningbo, world.salesperson)
    xihu_customer = factories.customer_in(world.xihu, world.salesperson)
    for customer, visits in ((ningbo_customer, 2), (xihu_customer, 1)):
        for day in range(1, visits + 1):
            factories.visit(customer, world.salesperson, MONTH, day=day)
    approved_claim(world.salesperson, MONTH, amounts=["100.00"])
    score_months(first_month=MONTH, last_month=MONTH)
    building.rebuild_all()
    costs = dict(ScoreShare.objects.values_list("territory__name_en", "travel_cost"))
    # Nothing is spent on the province he holds but did not visit.
    assert costs == {
        "Zhejiang": Decimal("0.00"),
        "Ningbo": Decimal("66.67"),
        "Xihu District": Decimal("33.33"),
    }


@pytest.mark.django_db
def test_a_person_who_never_held_a_territory_is_shown_as_not_placed(personas):
    world = personas
    newcomer = UserFactory(
        username="qian", display_name="钱新", role=Role.SALESPERSON, regions=[world.east]
    )
    set_quota(newcomer, MONTH, "500.00")
    set_quota(world.colleague, MONTH, "800.00")
    score_months(first_month=MONTH, last_month=MONTH)
    building.rebuild_all()
    regions = [world.east, world.south]
    company = Level("company", MONTH, regions)
    rows = {row.name: row.figures.quota for row in children(company)}
    assert rows == {
        "East China": Decimal("800.00"),
        "South China": None,
        "Not placed in a territory": Decimal("500.00"),
    }
    assert monthly_figures(company)[MONTH].quota == Decimal("1300.00")
    east = Level("region", MONTH, regions, region=world.east)
    assert monthly_figures(east)[MONTH].quota == Decimal("800.00")


def _snapshot() -> dict[str, set[tuple]]:
    return {
        table.__name__: {
            tuple(str(value) for value in row)
            for row in table.objects.values_list(
                *[f.attname for f in table._meta.concrete_fields if f.name != "id"]
            )
        }
        for table in (ScoreShare, ChannelQuotaShare)
    }


@pytest.mark.django_db
def test_the_incremental_refresh_equals_the_nightly_rebuild(
    personas, django_capture_on_commit_callbacks
):
    this_month = current_month()
    world = factories.east_and_south(personas, this_month)
    ningbo_customer = factories.customer_in(world.ningbo, world.salesperson)
    # Later changes reach the shares through the receivers only (queued on commit).
    with django_capture_on_commit_callbacks(execute=True):
        save_quota_grid(
            by=world.director,
            region=world.east,
            cells={(world.salesperson.pk, this_month, QuotaChannel.DEALER): Decimal("777.77")},
        )
    with django_capture_on_commit_callbacks(execute=True):
        factories.visit(ningbo_customer, world.salesperson, this_month, day=1)
    claim = approved_claim(world.salesperson, this_month, amounts=["120.00"], status="draft")
    submit_claim(claim=claim, by=world.salesperson)
    with django_capture_on_commit_callbacks(execute=True):
        decide_claim(claim=claim, by=world.manager, decision="approve")
    held = Assignment.objects.get(salesperson=world.colleague, ended_on__isnull=True)
    with django_capture_on_commit_callbacks(execute=True):
        end_assignment(assignment=held, by=world.manager)
    incremental = _snapshot()
    assert any("777.77" in row for row in incremental["ChannelQuotaShare"])
    assert (
        ScoreShare.objects.filter(
            salesperson=world.salesperson, month=this_month, territory=world.ningbo
        )
        .exclude(travel_cost=0)
        .exists()
    )
    building.rebuild_all()
    assert _snapshot() == incremental


def _explain(client, area, language: str):
    url = reverse("rollups:explain", kwargs={"month": f"{MONTH:%Y-%m}", "measure": "scores"})
    return client.get(
        f"{url}?area={area.pk}", HTTP_HX_REQUEST="true", HTTP_ACCEPT_LANGUAGE=language
    )


@pytest.mark.django_db
def test_a_provinces_quota_explains_its_split_in_english_and_chinese(personas, login):
    world = factories.east_and_south(personas, MONTH)
    client = login(world.head_office)
    english = _explain(client, world.zhejiang, "en").content.decode()
    assert "split evenly, to the cent, over the territories they held" in english
    assert "Territories held" in english
    assert "李明" in english and "2,000.00" in english  # Li's quota, all of it on Zhejiang
    chinese = _explain(client, world.zhejiang, "zh-hans").content.decode()
    assert "平均分摊" in chinese
    assert "2,000.00" in chinese
    page = client.get(
        reverse("rollups:rollup", kwargs={"month": f"{MONTH:%Y-%m}"})
        + f"?area={world.zhejiang.pk}",
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    ).content.decode()
    assert "按渠道" in page and 'data-measure="channels"' in page


@pytest.mark.django_db
def test_a_provinces_export_and_pdf_carry_its_cities_targets_and_travel_costs(personas, login):
    world = factories.east_and_south(personas, MONTH)
    approved_claim(world.salesperson, MONTH, amounts=["90.00"])
    score_months(first_month=MONTH, last_month=MONTH)
    building.rebuild_all()
    client = login(world.head_office)
    query = f"?area={world.zhejiang.pk}"
    url = reverse("rollups:export", kwargs={"month": f"{MONTH:%Y-%m}", "file_format": "csv"})
    body = b"".join(client.get(url + query, HTTP_ACCEPT_LANGUAGE="en").streaming_content)
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
    whole = next(row for row in rows if row["City"] == "The province as a whole")
    assert (whole["Target"], whole["Travel cost"]) == ("2000.00", "0.00")
    # Li's two visits were to his Hangzhou customers: the whole claim lies on Hangzhou.
    hangzhou = next(row for row in rows if row["City"] == "Hangzhou")
    assert (hangzhou["Target"], hangzhou["Travel cost"]) == ("0.00", "90.00")
    pdf = client.get(
        reverse("rollups:pdf", kwargs={"month": f"{MONTH:%Y-%m}"}) + query,
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "按渠道" in text and "2,000.00" in text and "90.00" in text


def _more_people(world, count: int, first: int) -> None:
    """`count` more salespeople with a city for part of the month, a quota, a claim and a visit."""
    for index in range(first, first + count):
        person = UserFactory(username=f"seller{index}", role=Role.SALESPERSON, regions=[world.east])
        Assignment.objects.create(
            territory=[world.ningbo, world.xihu][index % 2],
            salesperson=person,
            started_on=_day(MONTH, 1),
            ended_on=_day(MONTH, 10),
        )
        set_quota(person, MONTH, "100.00", QuotaChannel.DEALER)
        approved_claim(person, MONTH, amounts=["10.00"])
        factories.visit(factories.customer_in(world.ningbo, person), person, MONTH)
    score_months(first_month=MONTH, last_month=MONTH)
    building.rebuild_all()


def _query_counts(client, world) -> list[int]:
    month = f"{MONTH:%Y-%m}"
    page = reverse("rollups:rollup", kwargs={"month": month})
    urls = [f"{page}?region={world.east.code}", f"{page}?area={world.zhejiang.pk}"]
    urls.append(f"{page}?area={world.ningbo.pk}")
    for measure in ("scores", "travel", "channels"):
        explain = reverse("rollups:explain", kwargs={"month": month, "measure": measure})
        urls.append(f"{explain}?area={world.zhejiang.pk}")
    counts = []
    for url in urls:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url, HTTP_HX_REQUEST="true").status_code == 200
        counts.append(len(captured))
    return counts


@pytest.mark.django_db
def test_the_placed_figures_cost_the_same_queries_with_more_people(personas, login):
    world = factories.east_and_south(personas, MONTH, customers_each=1)
    client = login(world.head_office)
    _more_people(world, 1, first=0)
    fewer = _query_counts(client, world)
    _more_people(world, 4, first=1)
    assert ScoreShare.objects.filter(month=MONTH, territory=world.xihu).count() == 2
    assert _query_counts(client, world) == fewer


@pytest.mark.django_db
def test_a_citys_travel_cost_names_the_visits_and_the_expense_items_it_came_from(personas, login):
    world = factories.east_and_south(personas, MONTH)
    approved_claim(world.salesperson, MONTH, amounts=["60.00", "30.00"])
    score_months(first_month=MONTH, last_month=MONTH)
    building.rebuild_all()
    url = reverse("rollups:explain", kwargs={"month": f"{MONTH:%Y-%m}", "measure": "travel"})
    response = login(world.head_office).get(
        f"{url}?area={world.hangzhou.pk}", HTTP_HX_REQUEST="true", HTTP_ACCEPT_LANGUAGE="en"
    )
    rows = response.context["explanation"].rows
    # Li: 90.00 claimed in two items, both on-site visits of the month in Hangzhou.
    assert rows == [["李明", "Hangzhou", Decimal("90.00"), 2, 2, 2, Decimal("90.00")]]
    assert "on-site visits" in response.content.decode()
