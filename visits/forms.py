"""Input shapes for trip plans, approvals and visit records (the rules live in visits.services)."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Column, Layout, Row, Submit
from django import forms
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from customers.models import Customer
from salesops import access
from salesops.forms import (
    DateField,
    DateInput,
    DateTimeField,
    DateTimeInput,
    PersonChoiceField,
    RegionalNamedChoiceField,
    offers_a_choice,
)
from salesops.money import MoneyFormField
from territories.models import Territory
from visits.models import Visit
from visits.services import COMPETITOR_FIELDS, COST_FIELDS


class CustomerField(RegionalNamedChoiceField):
    """A customer typed by name, resolved in the user's whole region, so a customer across
    territory lines reaches the service and is refused there with its reason. A customer of
    another region, typed by its exact name, is refused here with that reason."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label", _("Customer"))
        super().__init__(*args, **kwargs)


def customers_of_regions(user) -> "forms.QuerySet":
    return Customer.objects.filter(territory__region__in=access.visible_regions(user))


def _customer_autocomplete(field: CustomerField, user) -> None:
    field.queryset = customers_of_regions(user)
    field.suggest(url=reverse("visits:customer_options"), list_id="customer-options")


def _money(label) -> MoneyFormField:
    return MoneyFormField(label=label, required=False, initial=0)


class TripPlanForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    starts_on = DateField(label=_("First day"), widget=DateInput())
    ends_on = DateField(label=_("Last day"), widget=DateInput())
    cities = forms.ModelMultipleChoiceField(
        label=_("Cities"), queryset=Territory.objects.none(), required=False
    )
    estimated_lodging = _money(_("Lodging"))
    estimated_transport = _money(_("Transport"))
    estimated_phone = _money(_("Phone"))
    estimated_entertainment = _money(_("Entertainment"))
    estimated_other = _money(_("Other costs"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cities"].queryset = (
            access.held_territories(user).filter(level=Territory.Level.CITY).order_by("path")
        )
        self.helper = FormHelper()
        self.helper.layout = Layout(
            "title",
            Row(Column("starts_on"), Column("ends_on")),
            "cities",
            Row(*(Column(field) for field in COST_FIELDS)),
        )
        self.helper.add_input(Submit("save", _("Save")))


class PlannedVisitForm(forms.Form):
    customer = CustomerField()
    day = DateField(label=_("Day"), widget=DateInput())
    purpose = forms.CharField(label=_("Purpose"), max_length=300)
    expected_result = forms.CharField(label=_("Expected result"), max_length=300, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        _customer_autocomplete(self.fields["customer"], user)


class VisitForm(forms.Form):
    """The fast form (rules.md §6.1): fields in typing order, one competitor per entry."""

    customer = CustomerField()
    visited_at = DateTimeField(label=_("When"), widget=DateTimeInput())
    kind = forms.ChoiceField(label=_("Type"), choices=Visit.Kind.choices)
    person_met = forms.CharField(label=_("Person met"), max_length=100, required=False)
    person_position = forms.CharField(label=_("Position"), max_length=100, required=False)
    sales_objective = forms.CharField(label=_("Sales objective"), max_length=300, required=False)
    task_objectives = forms.CharField(label=_("Task objectives"), max_length=300, required=False)
    discussion = forms.CharField(
        label=_("What was discussed"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    result = forms.CharField(
        label=_("Result against the objective"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    next_step = forms.CharField(label=_("Next step"), max_length=300, required=False)
    follow_up_on = DateField(label=_("Follow-up date"), required=False, widget=DateInput())
    updated_demand = MoneyFormField(label=_("Monthly demand (CNY)"), required=False)
    updated_expected_order_date = DateField(
        label=_("Expected order date"), required=False, widget=DateInput()
    )
    competitor_brand = forms.CharField(label=_("Competitor brand"), max_length=100, required=False)
    competitor_price = forms.CharField(label=_("Their price"), max_length=100, required=False)
    competitor_quality = forms.CharField(label=_("Quality"), max_length=200, required=False)
    competitor_payment_terms = forms.CharField(
        label=_("Payment terms"), max_length=200, required=False
    )
    competitor_after_sales_service = forms.CharField(
        label=_("After-sales service"), max_length=200, required=False
    )
    competitor_strengths = forms.CharField(label=_("Strengths"), max_length=300, required=False)
    competitor_weaknesses = forms.CharField(label=_("Weaknesses"), max_length=300, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        _customer_autocomplete(self.fields["customer"], user)
        self.fields["customer"].widget.attrs["autofocus"] = True
        self.fields["visited_at"].initial = timezone.localtime().replace(second=0, microsecond=0)
        self.helper = FormHelper()
        self.helper.form_tag = False
        # Typing order is tab order: Customer → Type → … → When (its date and time sub-fields
        # come last, "now" rarely needs changing); the competitor's details fold away.
        competitor_fields = [f"competitor_{field}" for field in COMPETITOR_FIELDS]
        unfolded = any(self.data.get(self.add_prefix(name)) for name in competitor_fields)
        self.helper.layout = Layout(
            Row(Column("customer", css_class="col-md-8"), Column("kind", css_class="col-md-4")),
            Row(Column("person_met"), Column("person_position")),
            Row(Column("sales_objective"), Column("task_objectives")),
            Row(Column("discussion"), Column("result")),
            Row(Column("next_step"), Column("follow_up_on")),
            Row(
                Column("updated_demand"),
                Column("updated_expected_order_date"),
                Column("visited_at"),
            ),
            HTML(
                format_html(
                    '<details id="competitor-details" class="mb-2"{}>'
                    '<summary class="mb-2">{}</summary>',
                    mark_safe(" open") if unfolded else "",
                    _("Competitor details"),
                )
            ),
            Row(*(Column(name) for name in competitor_fields[:4])),
            Row(*(Column(name) for name in competitor_fields[4:])),
            HTML("</details>"),
        )

    def visit_details(self) -> dict:
        data = self.cleaned_data
        return {
            key: value
            for key, value in data.items()
            if key not in ("customer", "visited_at") and not key.startswith("competitor_")
        }

    def competitors(self) -> list[dict]:
        return [{field: self.cleaned_data[f"competitor_{field}"] for field in COMPETITOR_FIELDS}]


class VisitChangeForm(forms.Form):
    """The salesperson's edit or the manager's correction of a logged visit."""

    kind = VisitForm.base_fields["kind"]
    person_met = VisitForm.base_fields["person_met"]
    person_position = VisitForm.base_fields["person_position"]
    sales_objective = VisitForm.base_fields["sales_objective"]
    task_objectives = VisitForm.base_fields["task_objectives"]
    discussion = VisitForm.base_fields["discussion"]
    result = VisitForm.base_fields["result"]
    next_step = VisitForm.base_fields["next_step"]
    follow_up_on = VisitForm.base_fields["follow_up_on"]
    updated_demand = VisitForm.base_fields["updated_demand"]
    updated_expected_order_date = VisitForm.base_fields["updated_expected_order_date"]
    reason = forms.CharField(label=_("Reason for the correction"), max_length=300, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("save", _("Save")))


class VisitLogFilterForm(forms.Form):
    PEOPLE = "salesperson-options"  # the <datalist> of the salesperson's suggestions

    # Typed, with suggestions: a drop-down listed every salesperson in scope on every open,
    # a thousand at head office of tier L (docs/performance.md, P1).
    salesperson = PersonChoiceField(label=_("Salesperson"), required=False)
    customer = forms.ModelChoiceField(
        label=_("Customer"), queryset=None, required=False, widget=forms.HiddenInput
    )
    week = DateField(label=_("Week of"), required=False, widget=DateInput())
    late_only = forms.BooleanField(label=_("Late entries only"), required=False)

    def __init__(self, *args, people, customers, **kwargs):
        super().__init__(*args, **kwargs)
        if offers_a_choice(people):
            salesperson = self.fields["salesperson"]
            salesperson.queryset = people
            salesperson.widget.attrs["class"] = "form-control"
            suggestions = reverse("visits:salespeople")
            salesperson.suggest(url=suggestions, list_id=self.PEOPLE, on_focus=True)
        else:  # a salesperson would only be offered themself
            del self.fields["salesperson"]
        self.fields["week"].widget.attrs["class"] = "form-control"
        self.fields["late_only"].widget.attrs["class"] = "form-check-input"
        self.fields["customer"].queryset = customers
