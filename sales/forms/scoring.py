from decimal import Decimal

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from sales.models import QuotaChannel
from salesops.forms import MonthInput
from salesops.money import MoneyFormField
from salesops.months import parse_month

MONTH_WIDGET = MonthInput()


class MonthField(forms.CharField):
    """A month as 'YYYY-MM' (an <input type=month>), cleaned to its first day."""

    widget = MONTH_WIDGET

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        month = parse_month(value)
        if month is None:
            raise forms.ValidationError(
                _("Enter a month like 2026-07, between 2000-01 and 2100-12.")
            )
        return month


class ScoringRunForm(forms.Form):
    first_month = MonthField(label=_("From month"))
    last_month = MonthField(label=_("To month"))


class QuotaGridForm(forms.Form):
    """One amount per cell of the grid (names `q-<person>-<YYYY-MM>-<channel>`). A cell of a
    closed month is refused with a message next to it, never dropped without a word."""

    def __init__(self, *args, cell_names: list[str], closed_names: list[str] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.closed_names = list(closed_names)
        for name in [*cell_names, *self.closed_names]:
            self.fields[name] = MoneyFormField(required=False)

    def clean(self):
        cleaned = super().clean()
        for name in self.closed_names:
            if cleaned.get(name) is not None:
                self.add_error(name, _("This month is closed; its quotas no longer change."))
        return cleaned

    def cells(self) -> dict[str, Decimal]:
        return {
            name: value
            for name, value in self.cleaned_data.items()
            if value is not None and name not in self.closed_names
        }


class SpreadForm(forms.Form):
    salesperson = forms.ModelChoiceField(label=_("Salesperson"), queryset=None)
    channel = forms.ChoiceField(label=_("Channel"), choices=QuotaChannel.choices)
    total = MoneyFormField(label=_("Total for the open months"))

    def __init__(self, *args, sellers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["salesperson"].queryset = sellers
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.add_input(Submit("spread", _("Spread")))


class DealerFilterForm(forms.Form):
    """Find a dealer on the dealer targets page by part of its name."""

    name = forms.CharField(label=_("Dealer name"), max_length=100, required=False, strip=True)
