"""Input of the attitude measure (rules.md §10.4): the manager's rating and a complaint."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sales.forms.scoring import MonthField
from salesops.forms import BaseForm, DateField, NamedChoiceField
from salesops.months import current_month

RATING_CHOICES = [
    (5, _("5 — excellent")),
    (4, _("4 — good")),
    (3, _("3 — as expected")),
    (2, _("2 — needs to improve")),
    (1, _("1 — poor")),
]


class RatingForm(BaseForm):
    submit_label = _("Save the rating")
    month = MonthField(label=_("Month"))
    score = forms.TypedChoiceField(label=_("Rating"), choices=RATING_CHOICES, coerce=int, initial=3)
    note = forms.CharField(
        label=_("Why"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("month", f"{current_month():%Y-%m}")
        super().__init__(*args, **kwargs)
        self.helper.form_id = "rating-form"


class ComplaintForm(BaseForm):
    submit_label = _("Record the complaint")
    customer = NamedChoiceField(
        label=_("Customer"), help_text=_("Type the customer's name (a part of it will do).")
    )
    received_on = DateField(label=_("Received on"))
    summary = forms.CharField(
        label=_("What the customer said"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, customers, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("received_on", timezone.localdate())
        super().__init__(*args, **kwargs)
        self.helper.form_id = "complaint-form"
        self.fields["customer"].queryset = customers
