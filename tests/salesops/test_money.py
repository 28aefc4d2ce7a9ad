"""Money, one way: one form field for every amount, one precision for every column."""

from decimal import Decimal

import pytest
from django import forms
from django.apps import apps
from django.test import override_settings
from django.utils import translation
from django.utils.formats import number_format
from hypothesis import given, settings
from hypothesis import strategies as st

from salesops.money import DECIMAL_PLACES, MAX_AMOUNT, MAX_DIGITS, MoneyFormField, format_number


@pytest.mark.parametrize(
    ("typed", "amount"),
    [
        ("375,000.00", Decimal("375000.00")),
        ("375000", Decimal("375000")),
        ("375,000", Decimal("375000")),
        ("1,234,567.8", Decimal("1234567.8")),
        ("３７５，０００", Decimal("375000")),
        ("３７５，０００．５０", Decimal("375000.50")),
        ("¥1,200", Decimal("1200")),
        (" 42 ", Decimal("42")),
    ],
)
def test_money_field_takes_grouped_ungrouped_and_full_width_amounts(typed, amount):
    assert MoneyFormField().clean(typed) == amount


@pytest.mark.parametrize("typed", ["abc", "1,2,3", "37,5000", "12..5", "1.000,50"])
def test_money_field_refuses_garbage_with_a_clear_message(typed):
    with pytest.raises(forms.ValidationError) as refused:
        MoneyFormField().clean(typed)
    assert refused.value.messages == ["Enter an amount such as 375,000.00 or 375000."]


def test_money_field_refusal_reads_chinese_in_chinese():
    with translation.override("zh-hans"):
        with pytest.raises(forms.ValidationError) as refused:
            MoneyFormField().clean("abc")
        message = refused.value.messages[0]
    assert message == "请输入金额，如 375,000.00 或 375000。"


@pytest.mark.parametrize(
    "typed", ["1,000,000,000,000", "9999999999999.99", "１０００００００００００００"]
)
def test_money_field_never_overflows_the_column(typed):
    with pytest.raises(forms.ValidationError):
        MoneyFormField().clean(typed)
    assert MoneyFormField().clean(str(MAX_AMOUNT)) == MAX_AMOUNT


def test_money_field_refuses_negative_and_third_decimal():
    with pytest.raises(forms.ValidationError):
        MoneyFormField().clean("-1")
    with pytest.raises(forms.ValidationError):
        MoneyFormField().clean("1.005")
    assert MoneyFormField(min_value=-MAX_AMOUNT).clean("-1,500.00") == Decimal("-1500.00")


def test_money_input_is_a_text_box_that_accepts_commas():
    html = MoneyFormField().widget.render("amount", Decimal("375000"), {"inputmode": "decimal"})
    assert 'type="text"' in html


MONEY_COLUMNS = {
    ("salesops", "companysettings"): ["large_demand_threshold", "monthly_expense_cap"],
    ("customers", "customer"): ["estimated_monthly_demand", "agreed_monthly_order"],
    ("visits", "tripplan"): ["estimated_lodging", "estimated_other"],
    ("expenses", "expenseitem"): ["amount"],
    ("expenses", "traveladvance"): ["amount"],
    ("expenses", "expenseclaim"): ["settlement"],
    ("sales", "sale"): ["amount", "gross_profit"],
    ("sales", "quota"): ["amount"],
    ("sales", "attainment"): ["quota", "travel_cost"],
}


def test_every_money_column_has_one_precision():
    for (app, model), names in MONEY_COLUMNS.items():
        for name in names:
            field = apps.get_model(app, model)._meta.get_field(name)
            assert (field.max_digits, field.decimal_places) == (MAX_DIGITS, DECIMAL_PLACES), name


@settings(max_examples=400, deadline=None)
@given(
    number=st.decimals(
        min_value=-MAX_AMOUNT * 1000, max_value=MAX_AMOUNT * 1000, allow_nan=False, places=6
    ),
    places=st.sampled_from([1, 2, 3]),
    language=st.sampled_from(["zh-hans", "en"]),
)
def test_amounts_are_written_as_djangos_number_format_writes_them(number, places, language):
    # The fast path (Python's grouping) against Django's own: same separators, same cut-off
    # decimals, no "-0.00".
    with translation.override(language):
        expected = number_format(number, decimal_pos=places, use_l10n=True, force_grouping=True)
        assert format_number(number, decimal_places=places) == expected


@pytest.mark.parametrize(
    ("value", "written"),
    [
        (Decimal("1234567.891"), "1,234,567.89"),
        (Decimal("-0.004"), "0.00"),
        (Decimal("-0.015"), "-0.01"),
        (Decimal("1E+3"), "1,000.00"),
        (12, "12.00"),
        (None, ""),
        ("n/a", "n/a"),
    ],
)
def test_amounts_in_both_languages(value, written):
    for language in ("zh-hans", "en"):
        with translation.override(language):
            assert format_number(value) == written


def test_a_language_grouped_otherwise_is_written_by_django():
    with override_settings(NUMBER_GROUPING=4, FORMAT_MODULE_PATH=None), translation.override("xx"):
        assert format_number(Decimal("12345678.5")) == "1234,5678.50"
