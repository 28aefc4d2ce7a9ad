from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from expenses.models import ExpenseCategory
from expenses.selectors import own_trip_plans
from salesops.forms import BaseForm, DateField, DateInput
from salesops.money import MoneyFormField

DATE = DateInput()


class ExpenseItemForm(BaseForm):
    submit_label = _("Add item")
    spent_on = DateField(label=_("Date"), widget=DATE)
    category = forms.ChoiceField(label=_("Category"), choices=ExpenseCategory.choices)
    amount = MoneyFormField(label=_("Amount"), min_value=Decimal("0.01"))
    invoice_number = forms.CharField(label=_("Invoice number"), max_length=40)
    trip_plan = forms.ModelChoiceField(label=_("Trip plan"), queryset=None, required=False)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["trip_plan"].queryset = own_trip_plans(user)


class AdvanceForm(BaseForm):
    submit_label = _("Take advance")
    amount = MoneyFormField(label=_("Amount"), min_value=Decimal("0.01"))
    paid_on = DateField(label=_("Paid on"), widget=DATE, initial=timezone.localdate)
    trip_plan = forms.ModelChoiceField(label=_("Trip plan"), queryset=None, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["trip_plan"].queryset = own_trip_plans(user)
