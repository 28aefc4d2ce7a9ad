"""rules.md §0.3: head office sets the numbers on a page of the app; each change is audited and
takes effect from a date, so months already scored keep the numbers they had."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from sales.models import Attainment
from sales.services.scoring import score_months
from salesops import company_settings
from salesops.errors import DomainError
from salesops.forms import CompanySettingsForm
from salesops.models import AuditEntry, CompanySettings
from salesops.months import add_months, current_month
from tests.sales.factories import make_sale, set_quota

pytestmark = pytest.mark.django_db


def _form_data(**changes) -> dict:
    in_force = CompanySettings.current()
    form = CompanySettingsForm(instance=in_force)
    data = {name: form[name].value() for name in form.fields if name != "effective_from"}
    data["carry_over_restart_months"] = [str(month) for month in in_force.carry_over_restart_months]
    data = {key: value for key, value in data.items() if value is not None}
    return data | {key: str(value) for key, value in changes.items()}


def test_head_office_saves_a_change_from_next_month_and_it_is_audited(personas, login):
    next_month = add_months(current_month(), 1)

    response = login(personas.head_office).post(
        reverse("company_settings"),
        _form_data(effective_from=next_month, first_to_target_bonus="1500.00")
        | {"carry_over_restart_months": ["1", "7"]},
    )

    assert response.status_code == 302
    version = CompanySettings.objects.get(effective_from=next_month)
    assert version.first_to_target_bonus == 1500
    assert version.carry_over_restart_months == [1, 7]
    assert CompanySettings.current().first_to_target_bonus == 1000  # not yet in force
    assert CompanySettings.in_force_on(next_month).first_to_target_bonus == 1500
    entry = AuditEntry.objects.get(action="salesops.settings.changed")
    assert entry.actor == personas.head_office
    assert entry.changes["first_to_target_bonus"] == {"from": "1000.00", "to": "1500.00"}


def test_a_change_cannot_reach_back_into_the_past(personas):
    with pytest.raises(DomainError, match="today or later"):
        company_settings.change_settings(
            by=personas.head_office,
            effective_from=timezone.localdate() - timedelta(days=1),
            values={"blank_area_days": 30},
        )


def test_only_head_office_and_the_admin_change_settings(personas):
    with pytest.raises(DomainError):
        company_settings.change_settings(
            by=personas.director, effective_from=timezone.localdate(), values={}
        )


def test_a_change_effective_next_month_leaves_this_months_scores_unchanged(personas):
    this_month = current_month()
    months = [add_months(this_month, -2), add_months(this_month, -1), this_month]
    for month in months:
        set_quota(personas.salesperson, month, "100000")
    sale_day = timezone.make_aware(
        timezone.datetime.combine(months[0], timezone.datetime.min.time())
    )
    make_sale(personas.salesperson, "270000", sale_day + timedelta(hours=10))  # 90% of 300,000
    score_months(first_month=months[0], last_month=this_month)
    before = Attainment.objects.get(salesperson=personas.salesperson, month=this_month)
    assert before.dismissal_flag

    company_settings.change_settings(
        by=personas.head_office,
        effective_from=add_months(this_month, 1),
        values={
            "dismissal_attainment_percent": 80,
            "carry_over_restart_months": [this_month.month],
        },
    )
    score_months(first_month=months[0], last_month=this_month)

    after = Attainment.objects.get(salesperson=personas.salesperson, month=this_month)
    assert after.dismissal_flag
    assert (after.target, after.carried_over) == (before.target, before.carried_over)
    assert not after.carry_restarted


def test_the_version_in_force_is_read_once_per_request(django_assert_num_queries):
    CompanySettings.current()
    CompanySettings.objects.create(effective_from=date(2099, 1, 1), blank_area_days=10)
    with CompanySettings.per_request(), django_assert_num_queries(1):
        assert CompanySettings.current().blank_area_days == 60
        assert CompanySettings.current().blank_area_days == 60
