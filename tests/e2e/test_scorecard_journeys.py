"""Scorecards and 80/20 in a real browser, in Simplified Chinese and in English: a manager rates
a salesperson and opens a figure's explanation; a salesperson sees a quiet customer on home."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from customers.models import Customer, CustomerClass
from salesops import paging
from salesops.months import current_month
from scorecards.models import ManagerRating
from tests.conftest import follow_menu, log_in_through_browser
from tests.sales.factories import local, make_sale, scored_this_month, set_quota
from tests.scorecards.factories import customer_of

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

MENU = {
    "zh-hans": {
        "team": "团队考核",
        "saved": "评分已保存",
        "formula": "完成率 =",
        "next": "下一页",
        "first_page": "第 1 页，共 2 页",
        "second_page": "第 2 页，共 2 页",
    },
    "en": {
        "team": "Team scorecards",
        "saved": "Rating saved",
        "formula": "attainment =",
        "next": "Next",
        "first_page": "Page 1 of 2",
        "second_page": "Page 2 of 2",
    },
}


def test_a_manager_rates_a_salesperson_and_opens_a_figures_explanation(lang_page, personas):
    words = MENU[lang_page.language]
    month = current_month()
    set_quota(personas.salesperson, month, "375000")
    make_sale(personas.salesperson, "123456", local(month.year, month.month, 1, 9))
    log_in_through_browser(lang_page, personas.manager)

    follow_menu(lang_page, words["team"])
    lang_page.locator("#team-scorecards").get_by_role("link", name="李明").click()
    form = lang_page.locator("form#rating-form")
    form.locator("select[name=score]").select_option("5")
    form.locator("textarea[name=note]").fill("主动开拓 <b>新客户</b>")
    form.locator("button[type=submit]").click()

    expect(lang_page.locator(".alert").first).to_contain_text(words["saved"])
    rating = ManagerRating.objects.get(salesperson=personas.salesperson)
    assert (rating.score, rating.rated_by) == (5, personas.manager)
    expect(lang_page.locator("#measure-attitude")).to_contain_text("5.0")

    lang_page.locator("#measure-attainment [data-explain]").click()
    explanation = lang_page.locator("#explanation")
    expect(explanation.locator("#formula")).to_contain_text(words["formula"])
    expect(explanation.locator("#explain-lines")).to_contain_text("123,456.00")
    assert lang_page.url.split("?")[0].endswith(f"/people/{personas.salesperson.pk}/")


def test_a_manager_pages_through_the_team_and_the_total_stays_the_teams(
    lang_page, personas, monkeypatch
):
    """A region's people a page at a time (docs/performance.md, P1); the total row is the whole
    team's on every page."""
    words = MENU[lang_page.language]
    scored_this_month({personas.salesperson: "100000", personas.colleague: "50000"})
    # Two pages at two people a page: the manager's team is the two sellers and the manager.
    monkeypatch.setattr(paging, "PEOPLE_PER_PAGE", 2)
    log_in_through_browser(lang_page, personas.manager)

    follow_menu(lang_page, words["team"])
    pages = lang_page.locator("nav .pagination")
    expect(pages).to_contain_text(words["first_page"])
    total = lang_page.locator("#team-total").inner_text()
    first = lang_page.locator("#team-scorecards tbody th").all_inner_texts()
    pages.get_by_role("link", name=words["next"]).click()

    expect(pages).to_contain_text(words["second_page"])
    second = lang_page.locator("#team-scorecards tbody th").all_inner_texts()
    assert len(first) == 2 and len(second) == 1 and not set(first) & set(second)
    assert lang_page.locator("#team-total").inner_text() == total
    assert "150,000.00" in total


def test_a_salesperson_sees_a_quiet_important_customer_on_home(lang_page, personas):
    customer = customer_of(personas.salesperson, customer_class=CustomerClass.A, name="宁波大客户")
    long_ago = timezone.now() - timedelta(days=40)
    Customer.objects.filter(pk=customer.pk).update(created_at=long_ago)
    make_sale(personas.salesperson, "5000", long_ago, customer=customer)
    Customer.objects.filter(pk=customer.pk).update(last_contacted_at=long_ago)

    log_in_through_browser(lang_page, personas.salesperson)

    panel = lang_page.locator("#quiet-customers-mine")
    expect(panel).to_contain_text("宁波大客户")
    panel.locator(".card-footer a").click()
    expect(lang_page.locator("#customer-value")).to_contain_text("宁波大客户")
