"""The scoring job on rules.md §7.4's worked example: 375,000 a month (75,000 store + 300,000
terminal)."""

from datetime import date
from decimal import Decimal

import pytest

from sales.models import Attainment, QuotaChannel
from sales.scoring import score_period
from sales.services.scoring import score_months
from salesops.models import SINCE_ALWAYS, CompanySettings
from tests.expenses.factories import approved_claim
from tests.sales.factories import local, make_sale, set_quota

pytestmark = pytest.mark.django_db

JULY, AUGUST, SEPTEMBER = date(2025, 7, 1), date(2025, 8, 1), date(2025, 9, 1)
H2 = [date(2025, month, 1) for month in range(7, 13)]


def _east_china_quota(person, months=H2):
    for month in months:
        set_quota(person, month, "75000", QuotaChannel.DIRECT_STORE)
        set_quota(person, month, "300000", QuotaChannel.TERMINAL)


def _score(person, month) -> Attainment:
    return Attainment.objects.get(salesperson=person, month=month)


def test_unmet_part_of_the_target_carries_into_next_month(personas):
    _east_china_quota(personas.salesperson)
    make_sale(personas.salesperson, "300000", local(2025, 7, 15))

    score_period(JULY)

    july, august = _score(personas.salesperson, JULY), _score(personas.salesperson, AUGUST)
    assert (july.target, july.sales, july.attainment) == (
        Decimal("375000"),
        300000,
        Decimal("80.0"),
    )
    assert august.carried_over == Decimal("75000.00")
    assert august.target == Decimal("450000.00")


def test_surplus_does_not_carry(personas):
    _east_china_quota(personas.salesperson)
    make_sale(personas.salesperson, "300000", local(2025, 7, 15))
    make_sale(personas.salesperson, "500000", local(2025, 8, 15))

    score_period(JULY)

    september = _score(personas.salesperson, SEPTEMBER)
    assert september.carried_over == 0
    assert september.target == Decimal("375000.00")


def test_cumulative_attainment_is_cumulative_sales_over_cumulative_quota(personas):
    _east_china_quota(personas.salesperson)
    make_sale(personas.salesperson, "300000", local(2025, 7, 15))
    make_sale(personas.salesperson, "500000", local(2025, 8, 15))

    score_period(JULY)

    august = _score(personas.salesperson, AUGUST)
    assert august.cumulative_quota == Decimal("750000.00")
    assert august.cumulative_sales == Decimal("800000.00")
    assert august.cumulative_attainment == Decimal("106.7")


def test_a_june_shortfall_carries_into_july_across_the_half_year(personas):
    june = date(2025, 6, 1)
    _east_china_quota(personas.salesperson, [june, JULY])
    make_sale(personas.salesperson, "255000", local(2025, 6, 10))  # 120,000 short

    score_months(first_month=june, last_month=JULY)

    july = _score(personas.salesperson, JULY)
    assert july.carried_over == Decimal("120000.00")
    assert july.target == Decimal("495000.00")
    assert not july.carry_restarted


def test_scoring_july_alone_still_carries_the_june_shortfall(personas):
    june = date(2025, 6, 1)
    _east_china_quota(personas.salesperson, [june, JULY])
    make_sale(personas.salesperson, "255000", local(2025, 6, 10))

    score_period(JULY)

    assert _score(personas.salesperson, JULY).carried_over == Decimal("120000.00")


def test_carry_over_restarts_only_in_the_months_head_office_names(personas):
    june = date(2025, 6, 1)
    CompanySettings.objects.update_or_create(
        effective_from=SINCE_ALWAYS, defaults={"carry_over_restart_months": [7]}
    )
    _east_china_quota(personas.salesperson, [june, JULY, AUGUST])
    make_sale(personas.salesperson, "255000", local(2025, 6, 10))

    score_months(first_month=june, last_month=AUGUST)

    july, august = _score(personas.salesperson, JULY), _score(personas.salesperson, AUGUST)
    assert (july.carried_over, july.target, july.carry_restarted) == (0, 375000, True)
    assert (august.carried_over, august.carry_restarted) == (Decimal("375000.00"), False)


def test_sale_at_half_past_eleven_local_on_the_last_day_counts_in_that_month(personas):
    _east_china_quota(personas.salesperson)
    make_sale(personas.salesperson, "375000", local(2025, 7, 31, 23, 30))

    score_period(JULY)

    assert _score(personas.salesperson, JULY).sales == Decimal("375000.00")
    assert _score(personas.salesperson, AUGUST).sales == 0


def test_rerun_leaves_the_same_rows(personas):
    _east_china_quota(personas.salesperson)
    make_sale(personas.salesperson, "300000", local(2025, 7, 15))
    score_period(JULY)
    first = list(Attainment.objects.order_by("month").values(*_compared_fields()))

    score_period(JULY)

    assert list(Attainment.objects.order_by("month").values(*_compared_fields())) == first
    assert Attainment.objects.count() == 6


def _compared_fields():
    return [f.name for f in Attainment._meta.concrete_fields if f.name not in ("computed_at",)]


def test_bonus_goes_to_the_first_in_the_region_whose_sale_crossed_the_target(personas):
    for person in (personas.salesperson, personas.colleague):
        _east_china_quota(person)
    # The colleague sells more in total, but the salesperson's crossing sale came first.
    make_sale(personas.salesperson, "200000", local(2025, 7, 3))
    make_sale(personas.colleague, "300000", local(2025, 7, 4))
    make_sale(personas.salesperson, "175000", local(2025, 7, 10))
    make_sale(personas.colleague, "200000", local(2025, 7, 12))

    score_period(JULY)

    mine, theirs = _score(personas.salesperson, JULY), _score(personas.colleague, JULY)
    assert mine.target_met_at == local(2025, 7, 10)
    assert theirs.target_met_at == local(2025, 7, 12)
    assert (mine.bonus_flag, theirs.bonus_flag) == (True, False)
    assert (theirs.region_rank, mine.region_rank) == (1, 2)


def test_no_bonus_when_nobody_meets_the_target(personas):
    _east_china_quota(personas.salesperson)
    make_sale(personas.salesperson, "374999.99", local(2025, 7, 10))

    score_period(JULY)

    assert not Attainment.objects.filter(bonus_flag=True).exists()


def test_each_region_has_its_own_first_to_target(personas):
    for person in (personas.salesperson, personas.other_salesperson):
        _east_china_quota(person)
    make_sale(personas.salesperson, "375000", local(2025, 7, 10))
    make_sale(personas.other_salesperson, "375000", local(2025, 7, 20))

    score_period(JULY)

    assert Attainment.objects.filter(month=JULY, bonus_flag=True).count() == 2
    assert _score(personas.other_salesperson, JULY).company_rank == 1


def _started(person, day):
    person.started_on = day
    person.save(update_fields=["started_on"])


def test_below_80_percent_over_two_months_flags_probation(personas):
    _started(personas.salesperson, date(2025, 7, 1))
    _east_china_quota(personas.salesperson)
    make_sale(personas.salesperson, "599000", local(2025, 7, 10))  # 79.9% of 750,000

    score_period(JULY)

    august = _score(personas.salesperson, AUGUST)
    assert august.probation_flag
    assert not _score(personas.salesperson, JULY).probation_flag
    assert august.flag_basis["probation"] == {
        "first_month": "2025-07",
        "last_month": "2025-08",
        "quota": "750000.00",
        "sales": "599000.00",
        "percent": "79.9",
        "threshold": 80,
        "below": True,
    }


def test_probation_is_for_new_people_hired_in_may_not_for_last_years_hires(personas):
    may, june = date(2025, 5, 1), date(2025, 6, 1)
    _started(personas.salesperson, date(2025, 5, 12))
    _started(personas.colleague, date(2024, 3, 1))
    for person in (personas.salesperson, personas.colleague):
        _east_china_quota(person, [date(2025, 4, 1), may, june])
        make_sale(person, "300000", local(2025, 5, 20))  # 40% of May and June

    score_months(first_month=may, last_month=june)

    assert _score(personas.salesperson, june).probation_flag
    assert not _score(personas.salesperson, may).probation_flag
    assert not Attainment.objects.filter(salesperson=personas.colleague, probation_flag=True)


def test_probation_does_not_fire_in_the_second_month_of_every_half_year(personas):
    _started(personas.salesperson, date(2024, 1, 15))
    _east_china_quota(personas.salesperson)

    score_period(JULY)

    assert not Attainment.objects.filter(probation_flag=True).exists()


def test_exactly_80_percent_over_two_months_is_not_probation(personas):
    _east_china_quota(personas.salesperson)
    make_sale(personas.salesperson, "600000", local(2025, 7, 10))

    score_period(JULY)

    assert not _score(personas.salesperson, AUGUST).probation_flag


def test_below_100_percent_over_three_months_flags_dismissal_review(personas):
    _east_china_quota(personas.salesperson)
    make_sale(personas.salesperson, "1124999", local(2025, 8, 10))

    score_period(JULY)

    september = _score(personas.salesperson, SEPTEMBER)
    assert september.dismissal_flag
    assert september.flag_basis["dismissal"]["first_month"] == "2025-07"
    assert september.flag_basis["dismissal"]["sales"] == "1124999.00"
    # Three consecutive months are any three: July and August have no full window yet.
    assert not Attainment.objects.filter(dismissal_flag=True, month__lt=SEPTEMBER).exists()


def test_dismissal_review_looks_at_any_three_consecutive_months(personas):
    _east_china_quota(personas.salesperson)
    for month in (7, 8, 9):
        make_sale(personas.salesperson, "375000", local(2025, month, 10))
    make_sale(personas.salesperson, "300000", local(2025, 10, 10))

    score_period(JULY)

    assert not _score(personas.salesperson, SEPTEMBER).dismissal_flag
    assert _score(personas.salesperson, date(2025, 10, 1)).dismissal_flag


def test_flag_thresholds_come_from_company_settings(personas):
    _started(personas.salesperson, date(2025, 7, 1))
    CompanySettings.objects.update_or_create(
        effective_from=SINCE_ALWAYS, defaults={"probation_attainment_percent": 50}
    )
    _east_china_quota(personas.salesperson)
    make_sale(personas.salesperson, "400000", local(2025, 7, 10))

    score_period(JULY)

    assert not _score(personas.salesperson, AUGUST).probation_flag


def test_travel_efficiency_is_travel_cost_over_gross_profit(personas):
    _east_china_quota(personas.salesperson)
    make_sale(personas.salesperson, "100000", local(2025, 7, 10), gross_profit="20000")
    approved_claim(personas.salesperson, JULY, amounts=["1500", "500"])

    score_period(JULY)

    july = _score(personas.salesperson, JULY)
    assert july.travel_cost == Decimal("2000.00")
    assert july.travel_efficiency == Decimal("0.1000")


def test_travel_efficiency_with_no_gross_profit_is_not_a_number(personas):
    _east_china_quota(personas.salesperson)
    approved_claim(personas.salesperson, JULY, amounts=["800"])

    score_period(JULY)

    july = _score(personas.salesperson, JULY)
    assert july.travel_cost == Decimal("800.00")
    assert july.travel_efficiency is None


def test_scoring_reads_a_constant_number_of_queries(personas, django_assert_max_num_queries):
    for person in (personas.salesperson, personas.colleague, personas.manager):
        _east_china_quota(person)
        for day in range(1, 20):
            make_sale(person, "10000", local(2025, 7, day))

    # Carry-over and the flag windows read the months on record, the start dates and the
    # settings versions, and the bonuses; on PostgreSQL the scores are copied into a temporary
    # table, upserted from it and the table dropped (three statements) and the standings take
    # their lock, and the job ledger queues the rollup's placing of the new scores (three):
    # still a constant number, whatever the number of sales.
    with django_assert_max_num_queries(30):
        score_period(JULY)


def test_sale_at_local_midnight_on_the_first_counts_in_the_new_month(personas):
    _east_china_quota(personas.salesperson)
    make_sale(personas.salesperson, "1000", local(2025, 8, 1, 0, 0))

    score_period(JULY)

    assert _score(personas.salesperson, JULY).sales == 0
    assert _score(personas.salesperson, AUGUST).sales == Decimal("1000.00")


def test_new_years_eve_late_sale_stays_in_december_and_its_half_year(personas):
    december = date(2025, 12, 1)
    set_quota(personas.salesperson, december, "375000")
    make_sale(personas.salesperson, "375000", local(2025, 12, 31, 23, 30))

    score_months(first_month=december, last_month=december)

    assert _score(personas.salesperson, december).target_met_at == local(2025, 12, 31, 23, 30)
    assert not Attainment.objects.filter(month__year=2026).exists()


def test_month_without_quota_still_carries_the_unmet_target(personas):
    set_quota(personas.salesperson, JULY, "375000")
    make_sale(personas.salesperson, "100000", local(2025, 7, 5))

    score_period(JULY)

    august = _score(personas.salesperson, AUGUST)
    assert (august.quota, august.carried_over, august.target) == (0, Decimal("275000"), 275000)
    assert august.attainment == Decimal("0.0")


def test_unmet_target_keeps_accumulating_over_several_months(personas):
    _east_china_quota(personas.salesperson)

    score_period(JULY)

    targets = [row.target for row in Attainment.objects.order_by("month")]
    assert targets == [Decimal(375000 * n) for n in range(1, 7)]


def test_a_change_in_june_moves_the_already_scored_july_target(personas):
    june = date(2025, 6, 1)
    _east_china_quota(personas.salesperson, [june, JULY])
    score_months(first_month=june, last_month=JULY)
    assert _score(personas.salesperson, JULY).carried_over == Decimal("375000.00")

    make_sale(personas.salesperson, "255000", local(2025, 6, 10))
    score_months(first_month=june, last_month=june)

    assert _score(personas.salesperson, JULY).carried_over == Decimal("120000.00")


def test_rescoring_the_people_of_a_days_sales_equals_scoring_everyone(personas):
    for person in (personas.salesperson, personas.colleague):
        _east_china_quota(person)
    make_sale(personas.colleague, "375000", local(2025, 7, 20))
    make_sale(personas.salesperson, "100000", local(2025, 8, 3))
    score_period(JULY)
    # The day's sale: the salesperson meets July's target before the colleague did, which
    # moves the colleague's rank and first-to-target flag though nobody re-scores their row.
    make_sale(personas.salesperson, "400000", local(2025, 7, 15))

    score_months(first_month=JULY, last_month=JULY, salespeople=[personas.salesperson.pk])
    rescored = list(Attainment.objects.order_by("salesperson", "month").values(*_compared_fields()))
    score_period(JULY)

    assert rescored == list(
        Attainment.objects.order_by("salesperson", "month").values(*_compared_fields())
    )
    mine, theirs = _score(personas.salesperson, JULY), _score(personas.colleague, JULY)
    assert (mine.bonus_flag, theirs.bonus_flag) == (True, False)
    assert (mine.region_rank, theirs.region_rank) == (1, 2)


def test_rescoring_from_a_month_leaves_the_earlier_months_alone(personas):
    _east_china_quota(personas.salesperson)
    make_sale(personas.salesperson, "300000", local(2025, 7, 15))
    score_period(JULY)
    july = _score(personas.salesperson, JULY)

    make_sale(personas.salesperson, "50000", local(2025, 8, 2))
    score_months(first_month=AUGUST, last_month=AUGUST, salespeople=[personas.salesperson.pk])

    assert _score(personas.salesperson, JULY).computed_at == july.computed_at
    assert _score(personas.salesperson, AUGUST).sales == Decimal("50000.00")
    assert _score(personas.salesperson, AUGUST).target == Decimal("450000.00")


def test_crossings_at_the_same_moment_go_to_the_earlier_sale(personas):
    for person in (personas.salesperson, personas.colleague):
        _east_china_quota(person)
    first = make_sale(personas.colleague, "375000", local(2025, 7, 10))
    make_sale(personas.salesperson, "375000", local(2025, 7, 10))

    score_period(JULY)

    theirs = _score(personas.colleague, JULY)
    assert (theirs.crossing_sale_id, theirs.bonus_flag) == (first.pk, True)
    assert not _score(personas.salesperson, JULY).bonus_flag
