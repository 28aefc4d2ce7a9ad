"""Money reads the same way in both languages: grouped by thousands, two decimals."""

from datetime import date
from decimal import Decimal

from django.template import Context, Template
from django.utils import translation


def test_money_is_grouped_by_thousands_in_chinese_and_english():
    template = Template('{{ amount|floatformat:"2g" }}')
    for language in ("zh-hans", "en"):
        with translation.override(language):
            assert template.render(Context({"amount": Decimal("1234567.8")})) == "1,234,567.80"


def test_the_money_filter_groups_with_two_decimals_in_both_languages():
    template = Template("{% load money %}{{ amount|money }}|{{ none|money|default:'—' }}")
    for language in ("zh-hans", "en"):
        with translation.override(language):
            rendered = template.render(Context({"amount": Decimal("250000"), "none": None}))
            assert rendered == "250,000.00|—"
            assert (
                Template("{% load money %}{{ a|money }}").render(Context({"a": Decimal("-6800.5")}))
                == "-6,800.50"
            )


def test_travel_efficiency_reads_as_a_percentage_of_gross_profit():
    template = Template("{% load money %}{{ ratio|percent_of }}")
    for language in ("zh-hans", "en"):
        with translation.override(language):
            assert template.render(Context({"ratio": Decimal("0.0342")})) == "3.4%"
            assert template.render(Context({"ratio": None})) == ""


def test_one_short_and_one_long_date_format_per_language():
    day = date(2026, 11, 28)
    short = Template('{{ day|date:"SHORT_DATE_FORMAT" }}')
    long = Template("{{ day }}")
    expected = {"zh-hans": "2026年11月28日", "en": "28 Nov 2026"}
    for language, long_form in expected.items():
        with translation.override(language):
            assert short.render(Context({"day": day})) == "2026-11-28"
            assert long.render(Context({"day": day})) == long_form


def test_the_attainment_row_shows_travel_efficiency_as_a_percentage_of_gross_profit():
    from django.template.loader import render_to_string

    row = {
        "salesperson_id": 1,
        "month": date(2025, 7, 1),
        "quota": Decimal("375000"),
        "sales": Decimal("300000"),
        "gross_profit": Decimal("72000"),
        "travel_cost": Decimal("2462.40"),
        "travel_efficiency": Decimal("0.0342"),
    }
    for language in ("zh-hans", "en"):
        with translation.override(language):
            html = render_to_string("sales/_partials/attainment_cells.html", {"row": row})
            none = render_to_string(
                "sales/_partials/attainment_cells.html",
                {"row": {**row, "travel_efficiency": None, "gross_profit": Decimal("0")}},
            )
            no_gross_profit = translation.gettext("no gross profit")
        assert "3.4%" in html and "0.0342" not in html
        assert "375,000.00" in html
        assert no_gross_profit in none
