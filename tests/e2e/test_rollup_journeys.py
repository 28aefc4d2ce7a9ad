"""Head office in a real browser, in both languages: from the regions down to a customer, a
figure's explanation (a province's quota too), and the XLSX and PDF downloads."""

import io

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect
from pypdf import PdfReader

from rollups import home
from sales.models import Attainment
from salesops.months import current_month
from tests.conftest import follow_menu, log_in_through_browser
from tests.rollups import factories

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WORDS = {
    "zh-hans": {
        "menu": "区域汇总",
        "east": "华东大区",
        "zhejiang": "浙江省",
        "hangzhou": "杭州市",
        "sales": "销售额",
        "more_flags": "另有 2 项标记",
    },
    "en": {
        "menu": "Region rollup",
        "east": "East China",
        "zhejiang": "Zhejiang",
        "hangzhou": "Hangzhou",
        "sales": "Sales",
        "more_flags": "2 more flags",
    },
}


def _download(page, link_id: str) -> bytes:
    with page.expect_download() as download:
        page.locator(f"#{link_id}").click()
    with open(download.value.path(), "rb") as file:
        return file.read()


def test_head_office_drills_to_a_customer_explains_a_figure_and_downloads(lang_page, personas):
    world = factories.east_and_south(personas, current_month())
    words = WORDS[lang_page.language]
    log_in_through_browser(lang_page, world.head_office)
    follow_menu(lang_page, words["menu"])

    children = lang_page.locator("#rollup-children")
    expect(children).to_contain_text(words["east"])
    expect(lang_page.locator("#chart-regions")).to_be_visible()  # the chart was drawn

    lang_page.locator("#rollup-kpis .figure-link[data-measure=sales]").first.click()
    explanation = lang_page.locator("#explanation-card")
    expect(explanation).to_contain_text("×")  # the formula
    expect(explanation.locator("#explanation-rows tbody tr")).to_have_count(6)

    sheet = load_workbook(io.BytesIO(_download(lang_page, "export-xlsx"))).active
    assert words["east"] in [row[0] for row in sheet.iter_rows(values_only=True)]
    pdf = PdfReader(io.BytesIO(_download(lang_page, "export-pdf")))
    assert words["east"] in "".join(page.extract_text() for page in pdf.pages)

    children.get_by_role("link", name=words["east"]).click()
    lang_page.locator("#rollup-children").get_by_role("link", name=words["zhejiang"]).click()
    # A province has its part of the quota, explained by the person and territory it came from.
    lang_page.locator("#rollup-kpis .figure-link[data-measure=scores]").first.click()
    province_quota = lang_page.locator("#explanation-card")
    expect(province_quota.locator("#explanation-rows tbody tr")).to_have_count(1)
    expect(province_quota).to_contain_text(str(world.salesperson))
    expect(lang_page.locator("#rollup-channel-rows tbody tr")).to_have_count(2)
    lang_page.locator("#rollup-children").get_by_role("link", name=words["hangzhou"]).click()
    lang_page.locator("#rollup-children").get_by_role("link", name=str(world.salesperson)).click()
    customers = lang_page.locator("#rollup-customers .rollup-customer")
    expect(customers).to_have_count(2)
    expect(lang_page.locator("#rollup-breadcrumbs")).to_contain_text(words["zhejiang"])
    customers.first.locator("a").first.click()
    lang_page.wait_for_url("**/customers/*/")


def test_head_office_follows_the_flags_not_listed_to_team_attainment(
    lang_page, personas, monkeypatch
):
    """A month that flags more people than the home lists: the home names the first and links
    the rest to the team attainment page, where each person's flags show."""
    monkeypatch.setattr(home, "FLAGS_LISTED", 1)
    world = factories.east_and_south(personas, current_month())
    Attainment.objects.filter(month=current_month()).update(dismissal_flag=True)
    log_in_through_browser(lang_page, world.head_office)

    expect(lang_page.locator("#home-flags li")).to_have_count(1)
    more = lang_page.locator("#home-flags-more a")
    expect(more).to_contain_text(WORDS[lang_page.language]["more_flags"])
    more.click()
    expect(lang_page.locator("#team-attainment .badge.text-bg-danger").first).to_be_visible()
