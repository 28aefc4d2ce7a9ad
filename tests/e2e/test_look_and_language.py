"""What the pages look like to a user in either language: sort options in the user's words,
no filter that can only offer the user themself, a territory page that stays short."""

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import log_in_through_browser
from tests.customers.factories import CustomerFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

CHINESE = re.compile(r"[\u4e00-\u9fff]")


def test_sort_options_are_whole_phrases_in_the_users_language(lang_page, personas):
    log_in_through_browser(lang_page, personas.manager)
    lang_page.goto("/customers/")
    options = lang_page.locator("select[name=ordering] option").all_inner_texts()
    labelled = [text for text in options if text.strip() not in ("", "---------")]

    assert len(labelled) == 10  # five sorts, both ways
    assert not [text for text in labelled if "descending" in text]
    if lang_page.language == "zh-hans":
        assert all(CHINESE.search(text) for text in labelled), labelled


def test_a_salesperson_is_not_offered_a_filter_of_only_themself(lang_page, personas):
    log_in_through_browser(lang_page, personas.salesperson)
    lang_page.goto("/customers/")
    lang_page.locator("select[name=ordering]").wait_for()
    assert lang_page.locator("[name=owner]").count() == 0
    lang_page.goto("/visits/")
    lang_page.locator("[name=week]").wait_for()
    assert lang_page.locator("[name=salesperson]").count() == 0


def test_a_manager_still_filters_by_owner_and_salesperson(lang_page, personas):
    log_in_through_browser(lang_page, personas.manager)
    lang_page.goto("/customers/")
    assert lang_page.locator("input[name=owner][list=owner-options]").count() == 1
    lang_page.goto("/visits/")
    assert lang_page.locator("input[name=salesperson][list=salesperson-options]").count() == 1


def test_the_territory_page_folds_its_tree_blank_areas_and_history(lang_page, personas):
    CustomerFactory(territory=personas.xihu)
    log_in_through_browser(lang_page, personas.manager)
    lang_page.goto("/territories/regions/east-china/")
    assert lang_page.locator("#blank-areas-section").get_attribute("open") is None
    assert lang_page.locator("#assignment-history-section").get_attribute("open") is None

    zhejiang = lang_page.locator(f"#territory-{personas.zhejiang.pk}")
    hangzhou = lang_page.locator(f"#territory-{personas.hangzhou.pk}")
    zhejiang.locator("[data-tree-toggle]").click()
    expect(hangzhou).to_be_visible()
    zhejiang.locator("[data-tree-toggle]").click()
    expect(hangzhou).to_be_hidden()
    zhejiang.locator("[data-tree-toggle]").click()
    expect(hangzhou).to_be_visible()

    lang_page.locator("#blank-areas-section summary").click()
    expect(lang_page.locator("#blank-area-table")).to_be_visible()
