from decimal import Decimal

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from sales.models import QuotaChannel
from salesops.forms import MonthInput
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
            raise forms.ValidationError(_("Enter a month like 2026-07."))
        return month


class ScoringRunForm(forms.Form):
    first_month = MonthField(label=_("From month"))
    last_month = MonthField(label=_("To month"))


class QuotaGridForm(forms.Form):
    """One decimal field per open cell of the grid (names `q-<person>-<YYYY-MM>-<channel>`)."""

    def __init__(self, *args, cell_names: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        for name in cell_names:
            self.fields[name] = forms.DecimalField(
                required=False, min_value=Decimal("0"), max_digits=14, decimal_places=2
            )

    def cells(self) -> dict[str, Decimal]:
        return {name: value for name, value in self.cleaned_data.items() if value is not None}


class SpreadForm(forms.Form):
    salesperson = forms.ModelChoiceField(label=_("Salesperson"), queryset=None)
    channel = forms.ChoiceField(label=_("Channel"), choices=QuotaChannel.choices)
    total = forms.DecimalField(
        label=_("Total for the open months"),
        min_value=Decimal("0"),
        max_digits=14,
        decimal_places=2,
    )

    def __init__(self, *args, sellers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["salesperson"].queryset = sellers
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.add_input(Submit("spread", _("Spread")))


class BonusDecisionForm(forms.Form):
    """The director's decision on a first-to-target bonus (rules.md §7.7)."""

    decision = forms.ChoiceField(
        label=_("Decision"), choices=[("approve", _("Approve")), ("reject", _("Reject"))]
    )
    comment = forms.CharField(label=_("Comment"), max_length=500, required=False)
