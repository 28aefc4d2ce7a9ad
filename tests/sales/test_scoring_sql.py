"""PostgreSQL scores in one statement (sales.scoring_sql): every column of every row is what the
rules as written person by person (sales.scoring._person_scores) give, on irregular data: quotas
missing in some months, months without sales, travel without either, a restart month, two
settings versions, new starters, ties at half a tenth of a percent."""

import random
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection, transaction

from sales import scoring, scoring_sql, standings
from sales.models import Attainment, QuotaChannel
from sales.scoring import periods_to_score, periods_touching, score_periods
from salesops.models import CompanySettings
from salesops.months import add_months, half_year_of, months_between
from tests.expenses.factories import approved_claim
from tests.sales.factories import local, make_sale, set_quota

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the statement is PostgreSQL's"),
]

FIRST, LAST = date(2025, 1, 1), date(2026, 3, 1)
COMPARED = [
    field.attname
    for field in Attainment._meta.concrete_fields
    if field.attname not in ("id", "computed_at")
]


class _RolledBack(Exception):
    pass


def _scores_by(set_based: bool, monkeypatch, periods=None, **options) -> dict:
    """Every stored score after scoring the history (or `periods`) one way; the writes are
    rolled back."""
    monkeypatch.setattr(scoring, "_set_based", lambda: set_based)
    found = {}
    try:
        with transaction.atomic():
            score_periods(periods or periods_touching(FIRST, LAST), **options)
            found.update(
                {
                    (row["salesperson_id"], row["month"]): row
                    for row in Attainment.objects.values(*COMPARED)
                }
            )
            raise _RolledBack
    except _RolledBack:
        pass
    return found


@pytest.fixture(params=[[7], []], ids=["restart in July", "no restart"])
def irregular_history(personas, request):
    """Four sellers over fifteen months, drawn from a fixed seed; carry-over restarting in July
    from the second settings version, or never (the statement's windows differ)."""
    draw = random.Random(20261129)
    CompanySettings.objects.create(
        effective_from=date(2025, 6, 1),
        carry_over_restart_months=request.param,
        probation_attainment_percent=90,
        dismissal_attainment_percent=95,
    )
    people = [
        personas.salesperson,
        personas.colleague,
        personas.manager,
        personas.other_salesperson,
    ]
    for person, started in zip(
        people, [date(2025, 7, 3), date(2025, 1, 20), None, None], strict=True
    ):
        person.started_on = started
        person.save(update_fields=["started_on"])
    for person in people:
        for month in months_between(FIRST, LAST):
            _a_month_of(person, month, draw)
    return people


def _a_month_of(person, month: date, draw: random.Random) -> None:
    if draw.random() < 0.8:
        set_quota(person, month, str(draw.choice([400, 1000, 2500, 5000])), QuotaChannel.TERMINAL)
    for day in draw.sample(range(1, 28), draw.choice([0, 1, 2, 3])):
        amount = draw.choice(["49", "100", "333.33", "1250", "2000", "4999.99"])
        profit = draw.choice([None, Decimal("-20.00"), Decimal("10.00")])
        make_sale(person, amount, local(month.year, month.month, day), gross_profit=profit)
    if draw.random() < 0.3:
        approved_claim(person, month, amounts=[str(draw.choice([35, 120, 777]))])


def test_the_statement_scores_as_the_rules_do_person_by_person(irregular_history, monkeypatch):
    in_python = _scores_by(False, monkeypatch)
    in_sql = _scores_by(True, monkeypatch)

    assert in_sql == in_python
    rows = list(in_python.values())
    # The history holds what the rules act on, so the comparison is not of empty cases.
    assert any(row["probation_flag"] for row in rows)
    assert any(row["dismissal_flag"] for row in rows)
    restarts = CompanySettings.in_force_on(date(2025, 7, 1)).carry_over_restart_months
    assert any(row["carry_restarted"] for row in rows) == bool(restarts)
    assert any(row["crossing_sale_id"] for row in rows)
    assert any(row["travel_efficiency"] for row in rows)
    assert any(row["carried_over"] > 0 for row in rows)


@pytest.mark.parametrize(
    "since",
    [date(2025, 9, 1), date(2026, 1, 1), date(2026, 3, 1)],
    ids=["from September: starts in May", "from January: starts in November", "from March"],
)
def test_a_re_score_of_some_people_from_a_month_is_the_same_either_way(
    irregular_history, personas, monkeypatch, since
):
    salesperson, newcomer = irregular_history[0], personas.other_manager
    for month in months_between(date(2025, 8, 1), LAST):  # nothing stored before August
        set_quota(newcomer, month, "3000", QuotaChannel.TERMINAL)
        make_sale(newcomer, "1000", local(month.year, month.month, 9))
    score_periods(periods_touching(FIRST, LAST))
    make_sale(salesperson, "90000", local(since.year, since.month, 12))
    make_sale(newcomer, "500", local(since.year, since.month, 13))
    # As a day's re-score runs (sales.services.scoring.score_months).
    options = {
        "periods": periods_to_score(since, since),
        "people": {salesperson.pk, newcomer.pk},
        "since": since,
    }
    histories = _histories_read(monkeypatch)

    in_python = _scores_by(False, monkeypatch, **options)
    in_sql = _scores_by(True, monkeypatch, **options)

    assert in_sql == in_python
    assert in_sql[salesperson.pk, since]["sales"] >= Decimal("90000")
    assert in_sql[salesperson.pk, add_months(since, 1)]["carried_over"] == 0
    # The salesperson is scored from two months before the half-year, carrying in what their
    # stored score of that month says; the newcomer, with no score stored there in September's
    # case, from the first month on record.
    start = add_months(half_year_of(since), -2)
    assert histories[start] == {salesperson.pk} | ({newcomer.pk} if since.month != 9 else set())
    assert histories.get(FIRST) == ({newcomer.pk} if since.month == 9 else None)


def test_what_a_stored_score_carried_in_is_what_a_later_start_continues_from(
    irregular_history, monkeypatch
):
    """The re-score's result depends on the carry-over it reads: a stored score's carried-over
    amount changed by hand moves the later months' targets by the same amount."""
    salesperson = irregular_history[0]
    CompanySettings.objects.update(carry_over_restart_months=[])
    score_periods(periods_touching(FIRST, LAST))
    start, since = date(2025, 11, 1), date(2026, 1, 1)
    stored = Attainment.objects.get(salesperson=salesperson, month=start)
    before = Attainment.objects.get(salesperson=salesperson, month=since).carried_over
    Attainment.objects.filter(pk=stored.pk).update(
        carried_over=stored.carried_over + Decimal("1000000.00")
    )

    monkeypatch.setattr(scoring, "_set_based", lambda: True)
    score_periods(periods_to_score(since, since), people={salesperson.pk}, since=since)

    after = Attainment.objects.get(salesperson=salesperson, month=since).carried_over
    assert after == before + Decimal("1000000.00")


def _histories_read(monkeypatch) -> dict[date, set[int]]:
    """The people whose scores each computation reads, by the first month of its history."""
    histories: dict[date, set[int]] = {}
    compute = scoring_sql.compute

    def recorded(calendar, **options):
        histories.setdefault(calendar[0].month, set()).update(options["people"] or ())
        return compute(calendar, **options)

    monkeypatch.setattr(scoring_sql, "compute", recorded)
    return histories


@pytest.mark.parametrize("quota", ["1", "700", "1999.99", "2000", "2000.01", "3500", "5000"])
def test_the_crossing_read_from_the_end_of_the_month_is_the_first_to_reach_the_target(
    personas, monkeypatch, quota
):
    """The statement finds each crossing counting back from the month's last sale
    (`sales.standings`); the rules find it counting forward. Lines sold at one moment, lines of
    nothing, and targets reached exactly, just before and just after a line, the same either
    way."""
    person, month = personas.salesperson, date(2025, 7, 1)
    set_quota(person, month, quota, QuotaChannel.TERMINAL)
    draw = random.Random(quota)
    for amount in ["500", "0", "0", "1000", "500", "0", "750", "1000", "250", "0"]:
        day, hour = draw.choice([3, 3, 9, 20]), draw.choice([9, 9, 15])
        make_sale(person, amount, local(2025, 7, day, hour))

    in_python = _scores_by(False, monkeypatch, periods=[month])
    in_sql = _scores_by(True, monkeypatch, periods=[month])

    assert in_sql == in_python
    score = in_sql[person.pk, month]
    assert (score["crossing_sale_id"] is not None) == (score["sales"] >= Decimal(quota))


def test_the_standings_are_written_again_only_for_the_months_whose_scores_changed(
    irregular_history, monkeypatch
):
    """A month's ranks and first-to-target flag depend on its scores alone, so a run that
    leaves a month's scores as they were leaves its standings too; a changed score ranks its
    month again, for everyone."""
    monkeypatch.setattr(scoring, "_set_based", lambda: True)
    score_periods(periods_touching(FIRST, LAST))
    ranked = []
    rank_and_flag = standings.rank_and_flag
    monkeypatch.setattr(standings, "rank_and_flag", lambda months: ranked.append(months))

    score_periods(periods_touching(FIRST, LAST))
    make_sale(irregular_history[1], "90000", local(2026, 2, 12))
    monkeypatch.setattr(standings, "rank_and_flag", rank_and_flag)
    score_periods(periods_touching(FIRST, LAST))

    assert ranked == []  # the rerun changed nothing
    february = Attainment.objects.filter(month=date(2026, 2, 1))
    best = february.get(salesperson=irregular_history[1])
    assert (best.company_rank, best.region_rank) == (1, 1)
    assert sorted(row.company_rank for row in february.exclude(attainment=None)) == list(
        range(1, february.exclude(attainment=None).count() + 1)
    )
