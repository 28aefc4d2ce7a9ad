from django import forms
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from salesops.forms import BaseForm, DateField, DateInput, RegionalNamedChoiceField
from territories import selectors


class AssignForm(BaseForm):
    submit_label = _("Assign")
    salesperson = forms.ModelChoiceField(label=_("Salesperson"), queryset=None)
    started_on = DateField(label=_("From"), initial=timezone.localdate, widget=DateInput())

    def __init__(self, *args, region, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["salesperson"].queryset = selectors.sellers_in(region)


class EndAssignmentForm(BaseForm):
    submit_label = _("End assignment")
    ended_on = DateField(
        label=_("Last day"),
        initial=timezone.localdate,
        widget=DateInput(),
    )


class DrawForm(BaseForm):
    submit_label = _("Draw")
    candidates = forms.ModelMultipleChoiceField(
        label=_("Candidates"), queryset=None, widget=forms.CheckboxSelectMultiple
    )
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args, region, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["candidates"].queryset = selectors.sellers_in(region)

    def clean_candidates(self):
        candidates = self.cleaned_data["candidates"]
        if len(candidates) < 2:
            raise forms.ValidationError(_("Choose at least two candidates."))
        return list(candidates)


class CrossTerritoryRequestForm(BaseForm):
    submit_label = _("Send request")
    customer = RegionalNamedChoiceField(label=_("Customer"))
    reason = forms.CharField(
        label=_("Reason"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        customer = self.fields["customer"]
        customer.queryset = selectors.customers_open_to_request(user)
        customer.suggest(url=reverse("territories:request_customers"), list_id="customer-options")
