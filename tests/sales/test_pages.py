"""The pages render with their real templates and show the scores, scoped to the viewer."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Sum
from django.urls import reverse

from sales.models import Attainment, DealerTarget, Quota, Sale, ScoringRun
from sales.scoring import score_period
from salesops import paging
from salesops.months import add_months, current_month, half_year_of
from tests.customers.factories import CustomerFactory
from tests.sales.factories import local, make_sale, set_quota

pytestmark = pytest.mark.django_db

JULY = date(2025, 7, 1)


def _scored(personas):
    for person in (personas.salesperson, personas.colleague):
        for month in range(7, 10):
            set_quota(person, date(2025, month, 1), "375000")
    make_sale(personas.salesperson, "300000", local(2025, 7, 15))
    make_sale(personas.colleague, "400000", local(2025, 7, 16))
    score_period(JULY)


def test_my_attainment_shows_carry_over_month_by_month(personas, login):
    _scored(personas)

    response = login(personas.salesperson).get(reverse("sales:my_attainment") + "?period=2025-07")

    content = response.content.decode()
    assert response.status_code == 200
    assert "75,000.00" in content  # July's unmet part carried into August
    assert "450,000.00" in content
    assert "400,000.00" not in content  # the colleague's sales are not shown


def test_team_attainment_lists_the_region_with_ranks_and_bonus(personas, login):
    _scored(personas)

    response = login(personas.manager).get(reverse("sales:team_attainment") + "?month=2025-07")

    content = response.content.decode()
    assert "First to target: bonus" in content
    assert str(personas.colleague) in content
    assert str(personas.salesperson) in content


def test_other_regions_manager_sees_no_east_china_scores(personas, login):
    _scored(personas)

    response = login(personas.other_manager).get(
        reverse("sales:team_attainment") + "?month=2025-07"
    )

    assert str(personas.salesperson) not in response.content.decode()


def test_run_from_the_page_shows_progress_until_done(
    personas, login, django_capture_on_commit_callbacks
):
    _scored(personas)
    Attainment.objects.all().delete()
    client = login(personas.manager)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("sales:run_scoring"),
            {"first_month": "2025-07", "last_month": "2025-07"},
            HTTP_HX_REQUEST="true",
        )
    run = ScoringRun.objects.get()
    status = client.get(reverse("sales:scoring_run", args=[run.pk]), HTTP_HX_REQUEST="true")

    assert "<progress" in response.content.decode()
    assert run.status == ScoringRun.Status.DONE
    assert run.percent == 100
    assert "Scores recomputed." in status.content.decode()
    assert Attainment.objects.filter(month=JULY).count() == 2


def test_director_saves_the_quota_grid_for_open_months(personas, login):
    month = current_month()
    field = f"q-{personas.salesperson.pk}-{month:%Y-%m}-terminal"
    url = reverse("sales:quota_grid", args=["east-china"])

    response = login(personas.director).post(url, {"save": "1", field: "300000"})

    assert response.status_code == 302
    assert Quota.objects.get(salesperson=personas.salesperson, month=month).amount == 300000


def test_the_grid_shows_a_page_of_people_and_saving_it_keeps_the_others(
    personas, login, monkeypatch
):
    """A region's team in pages, so the table stays within 200 rows at any size
    (docs/performance.md, P3); the region's totals and check still cover everyone."""
    monkeypatch.setattr(paging, "PEOPLE_PER_PAGE", 2)
    month = current_month()
    url = reverse("sales:quota_grid", args=["east-china"])
    client = login(personas.director)

    first, second = client.get(url), client.get(url, {"page": 2})
    people = [{row["person"] for row in page.context["rows"]} for page in (first, second)]
    assert len(people[0]) == 2 and people[0].isdisjoint(people[1])
    assert people[0] | people[1] == set(first.context["grid"].team_page.paginator.object_list)
    kept, last = next(iter(people[0])), next(iter(people[1]))
    set_quota(kept, month, 500)
    field = f"q-{last.pk}-{month:%Y-%m}-terminal"

    saved = client.post(url + "?page=2", {"save": "1", field: "700"})

    assert saved.status_code == 302 and saved.url.endswith("?page=2")
    assert Quota.objects.get(salesperson=last, month=month, channel="terminal").amount == 700
    assert Quota.objects.get(salesperson=kept, month=month).amount == 500
    # Each page's totals are the whole team's: the first page's month holds both amounts,
    # though it shows the cells of one of the two people alone.
    for page in (client.get(url), client.get(url, {"page": 2})):
        grid = page.context["grid"]
        shown = {row["person"].pk for row in page.context["rows"]}
        assert {person for person, _month, _channel in grid.cells} <= shown
        assert grid.sums_by_month()[month] == _planned_in_region(month)


def _planned_in_region(month) -> Decimal:
    """Every quota and dealer target of East China for the month, summed here."""
    quotas = Quota.objects.filter(month=month, salesperson__regions__code="east-china")
    targets = DealerTarget.objects.filter(month=month, dealer__territory__region__code="east-china")
    summed = [query.aggregate(total=Sum("amount"))["total"] for query in (quotas, targets)]
    return sum((total or Decimal(0) for total in summed), Decimal(0))


def test_director_spreads_a_total_over_the_open_months(personas, login):
    url = reverse("sales:quota_grid", args=["east-china"])
    data = {
        "spread": "1",
        "salesperson": personas.colleague.pk,
        "channel": "direct_store",
        "total": "100",
    }

    login(personas.director).post(url, data)

    open_months = Quota.objects.filter(salesperson=personas.colleague)
    assert sum(quota.amount for quota in open_months) == 100
    assert all(quota.month >= current_month() for quota in open_months)
    assert half_year_of(current_month()) <= min(q.month for q in open_months)


def test_quota_for_a_closed_month_is_refused(personas):
    from sales.services.quotas import save_quota_grid
    from salesops.errors import DomainError

    with pytest.raises(DomainError, match="closed"):
        save_quota_grid(
            by=personas.director,
            region=personas.east,
            cells={(personas.salesperson.pk, date(2025, 7, 1), "terminal"): 1},
        )


def test_head_office_imports_a_csv_and_sees_line_errors(
    personas, login, django_capture_on_commit_callbacks
):
    CustomerFactory(name="宁波永固胶业", territory=personas.ningbo, owner=personas.salesperson)
    csv = (
        "order_number,line,date,customer,salesperson,amount,gross_profit\n"
        "SO-1,1,2025-07-10 10:00,宁波永固胶业,li,1000,200\n"
        "SO-2,1,2025-07-11 10:00,宁波永固胶业,li,-5,0\n"
    ).encode()
    client = login(personas.head_office)

    with django_capture_on_commit_callbacks(execute=True):  # the import job, in-process
        response = client.post(
            reverse("sales:import"), {"file": SimpleUploadedFile("july.csv", csv)}
        )
    page = client.get(response.url).content.decode()

    assert "cannot be negative" in page
    assert 'data-job-status="failed"' in page
    assert not Sale.objects.exists()


def test_grid_checks_the_region_total_against_quotas_and_dealer_targets(personas, login):
    month = current_month()
    dealer = CustomerFactory(name="宁波恒力胶粘经销部", territory=personas.ningbo, channel="dealer")
    url = reverse("sales:quota_grid", args=["east-china"])
    data = {
        "save": "1",
        f"q-{personas.salesperson.pk}-{month:%Y-%m}-terminal": "300000",
        f"q-{personas.salesperson.pk}-{month:%Y-%m}-direct_store": "75000",
        f"r-{month:%Y-%m}": "455000",
    }
    client = login(personas.director)
    dealers = reverse("sales:dealer_targets", args=["east-china"]) + "?name=恒力"
    client.post(dealers, {"save": "1", f"d-{dealer.pk}-{month:%Y-%m}": "80000"})

    client.post(url, data)
    matching = client.get(url).content.decode()
    client.post(url, {**data, f"r-{month:%Y-%m}": "500000"})
    differing = client.get(url).content.decode()

    assert "matches" in matching
    assert "differs by -45,000.00" in differing


def test_manager_sees_the_grid_read_only(personas, login):
    response = login(personas.manager).get(reverse("sales:quota_grid", args=["east-china"]))

    assert response.status_code == 200
    assert "Save quotas" not in response.content.decode()


def test_director_reads_team_attainment_one_region_at_a_time(personas, login):
    _scored(personas)
    set_quota(personas.other_salesperson, JULY, "375000")
    score_period(JULY)
    url = reverse("sales:team_attainment") + "?month=2025-07"
    client = login(personas.director)

    first = client.get(url).content.decode()
    south = client.get(url + "&region=south-china").content.decode()

    assert str(personas.salesperson) in first  # the first region in scope, east-china
    assert str(personas.other_salesperson) not in first
    assert str(personas.salesperson) not in south
    assert str(personas.other_salesperson) in south


def test_attainment_pages_open_on_the_newest_scored_months(personas, login):
    _scored(personas)

    mine = login(personas.salesperson).get(reverse("sales:my_attainment"))
    team = login(personas.manager).get(reverse("sales:team_attainment"))

    assert "450,000.00" in mine.content.decode()  # the 2025 half-year, not an empty current one
    assert "李明" in team.content.decode() and "张伟" in team.content.decode()


def test_the_quota_grid_opens_on_the_current_half_year_even_after_older_scores(personas, login):
    set_quota(personas.manager, JULY, "375000")  # the manager's own scores end in July 2025
    _scored(personas)
    assert Attainment.objects.filter(salesperson=personas.manager, month=JULY).exists()

    response = login(personas.manager).get(reverse("sales:quota_grid", args=["east-china"]))

    assert response.context["period"] == half_year_of(current_month())
    assert current_month() in response.context["open_months"]


def test_the_grid_links_the_dealers_targets_instead_of_listing_every_dealer(personas, login):
    CustomerFactory(name="宁波恒力胶粘经销部", territory=personas.ningbo, channel="dealer")

    page = login(personas.director).get(reverse("sales:quota_grid", args=["east-china"]))

    html = page.content.decode()
    assert 'id="dealer-targets-link"' in html
    assert reverse("sales:dealer_targets", args=["east-china"]) in html
    assert "宁波恒力胶粘经销部" not in html


def test_a_refused_cell_says_why_next_to_it_and_nothing_is_saved(personas, login):
    month = current_month()
    good = f"q-{personas.salesperson.pk}-{month:%Y-%m}-terminal"
    bad = f"q-{personas.colleague.pk}-{month:%Y-%m}-terminal"
    url = reverse("sales:quota_grid", args=["east-china"])

    response = login(personas.director).post(url, {"save": "1", good: "375,000", bad: "lots"})

    html = response.content.decode()
    assert response.status_code == 200
    assert f'id="{bad}-refused"' in html
    assert "Enter an amount such as 375,000.00 or 375000." in html
    assert 'value="lots"' in html and 'value="375,000"' in html
    assert not Quota.objects.exists()


def test_a_cell_of_a_closed_month_is_refused_with_a_message(personas, login):
    closed = add_months(half_year_of(current_month()), -1)
    name = f"q-{personas.salesperson.pk}-{closed:%Y-%m}-terminal"
    url = reverse("sales:quota_grid", args=["east-china"]) + f"?period={closed:%Y-%m}"

    response = login(personas.director).post(url, {"save": "1", name: "1000"})

    assert "This month is closed" in response.content.decode()
    assert not Quota.objects.exists()


def test_the_grid_accepts_grouped_and_full_width_amounts(personas, login):
    month = current_month()
    field = f"q-{personas.salesperson.pk}-{month:%Y-%m}-terminal"
    url = reverse("sales:quota_grid", args=["east-china"])

    login(personas.director).post(url, {"save": "1", field: "３７５，０００"})

    assert Quota.objects.get(salesperson=personas.salesperson, month=month).amount == 375000


def test_my_attainment_shows_the_figures_behind_a_flag_and_a_restart(personas, login):
    from salesops.models import SINCE_ALWAYS, CompanySettings

    CompanySettings.objects.update_or_create(
        effective_from=SINCE_ALWAYS, defaults={"carry_over_restart_months": [8]}
    )
    personas.salesperson.started_on = date(2025, 7, 3)
    personas.salesperson.save(update_fields=["started_on"])
    _scored(personas)

    response = login(personas.salesperson).get(reverse("sales:my_attainment") + "?period=2025-07")

    content = response.content.decode()
    assert "Extend probation one month" in content
    assert "2025-07 to 2025-08: sales 300,000.00 of quota 750,000.00 = 40.0% (below 80%)" in content
    assert "carry-over restarted" in content


def test_team_attainment_shows_a_page_of_the_team_and_totals_all_of_it(
    personas, login, monkeypatch
):
    """25 people a page (docs/performance.md, P1): the total row and the paginator's count come
    from one aggregate over the whole team, and the page links keep the month and region."""
    _scored(personas)
    monkeypatch.setattr(paging, "PEOPLE_PER_PAGE", 1)
    url = reverse("sales:team_attainment") + "?month=2025-07&region=east-china"
    client = login(personas.manager)

    first, second = client.get(url), client.get(url + "&page=2")

    people = [[row.salesperson for row in page.context["rows"]] for page in (first, second)]
    assert people == [[personas.colleague], [personas.salesperson]]  # by rank: 400,000 first
    assert first.context["page"].paginator.num_pages == 2
    assert second.context["total"]["sales"] == 700000
    assert 'href="?month=2025-07&amp;region=east-china&page=2"' in first.content.decode()


def test_team_attainment_totals_the_region_from_its_sums(personas, login):
    _scored(personas)  # July: 300,000 and 400,000 against 375,000 each

    response = login(personas.manager).get(reverse("sales:team_attainment") + "?month=2025-07")

    total = response.context["total"]
    assert total["sales"] == 700000 and total["target"] == 750000
    assert str(total["attainment"]) == "93.3"  # 700,000 ÷ 750,000, not a mean of the two
    assert 'id="team-attainment-total"' in response.content.decode()
