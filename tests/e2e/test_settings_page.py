"""Head office sets the numbers on the settings page, in both languages (rules.md §0.3)."""

import pytest

from salesops.models import CompanySettings
from salesops.months import add_months, current_month
from tests.conftest import log_in_through_browser

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_head_office_schedules_a_change_for_next_month(lang_page, personas):
    next_month = add_months(current_month(), 1)
    log_in_through_browser(lang_page, personas.head_office)

    lang_page.goto("/settings/")
    form = lang_page.locator("#company-settings")
    form.locator("[name=effective_from]").fill(f"{next_month:%Y-%m-%d}")
    form.locator("[name=first_to_target_bonus]").fill("1500")
    form.locator("[name=probation_attainment_percent]").fill("75")
    form.locator("[name=carry_over_restart_months][value='7']").check()
    form.locator("[name=save]").click()

    lang_page.locator("#settings-versions", has_text=f"{next_month:%Y-%m-%d}").wait_for()
    heading = "公司设置" if lang_page.language == "zh-hans" else "Company settings"
    assert lang_page.locator("h1").inner_text() == heading
    version = CompanySettings.objects.get(effective_from=next_month)
    assert (version.first_to_target_bonus, version.probation_attainment_percent) == (1500, 75)
    assert version.carry_over_restart_months == [7]
    assert CompanySettings.current().first_to_target_bonus == 1000
