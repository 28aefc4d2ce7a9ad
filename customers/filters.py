"""The customer list's filters (django-filter), fast at 100k customers: every filter is an
indexed equality or range, the territory one a path prefix (a province includes its cities)."""

import django_filters
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from customers import selectors
from customers.models import Channel, Customer, CustomerClass
from salesops.forms import LongSelect, PersonChoiceField, offers_a_choice
from salesops.names import name_contains

OWNER_OPTIONS = "owner-options"  # the <datalist> of the owner filter's suggestions
FOLLOW_UP_CHOICES = [
    ("overdue", _("Overdue")),
    ("today", _("Due today")),
    ("none", _("None required")),
]
# Both directions of every sort, each with its own words: django-filter would add an
# untranslated " (descending)" to the ascending label.
ORDERINGS = {
    "name": (_("Customer name, A to Z"), _("Customer name, Z to A")),
    "customer_class": (_("Class, A first"), _("Class, D first")),
    "next_follow_up_at": (_("Next follow-up, soonest first"), _("Next follow-up, latest first")),
    "estimated_monthly_demand": (_("Demand, smallest first"), _("Demand, largest first")),
    "expected_order_date": (_("Order expected, soonest first"), _("Order expected, latest first")),
}
ORDERING_LABELS = {field: labels[0] for field, labels in ORDERINGS.items()} | {
    f"-{field}": labels[1] for field, labels in ORDERINGS.items()
}


class PersonFilter(django_filters.Filter):
    """A person typed by name, with suggestions (`PersonChoiceField`)."""

    field_class = PersonChoiceField


class CustomerFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Customer name or phone"), method="filter_name")
    customer_class = django_filters.MultipleChoiceFilter(
        label=_("Class"), choices=CustomerClass.choices
    )
    territory = django_filters.ModelChoiceFilter(
        label=_("Territory"), queryset=None, method="filter_territory", widget=LongSelect
    )
    channel = django_filters.ChoiceFilter(label=_("Channel"), choices=Channel.choices)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Customer.Status.choices)
    # Typed, with suggestions: a drop-down listed every salesperson in scope on every open,
    # a thousand at head office of tier L (docs/performance.md, P1).
    owner = PersonFilter(label=_("Owner"))
    follow_up = django_filters.ChoiceFilter(
        label=_("Next follow-up"), choices=FOLLOW_UP_CHOICES, method="filter_follow_up"
    )
    ordering = django_filters.OrderingFilter(
        label=_("Sort by"),
        fields=[(field, field) for field in ORDERINGS],
        field_labels=ORDERING_LABELS,
    )

    class Meta:
        model = Customer
        fields = ["q", "customer_class", "territory", "channel", "status", "owner"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["territory"].queryset = selectors.territory_choices(user)
        owners = selectors.owner_choices(user)
        if offers_a_choice(owners):
            owner = self.form.fields["owner"]
            owner.queryset = owners
            owner.suggest(url=reverse("customers:owners"), list_id=OWNER_OPTIONS, on_focus=True)
        else:  # a salesperson would only be offered themself
            del self.filters["owner"]
        for form_field in self.form.fields.values():
            multiple = getattr(form_field.widget, "allow_multiple_selected", False)
            is_select = hasattr(form_field.widget, "choices") and not multiple
            form_field.widget.attrs["class"] = (
                "form-select form-select-sm" if is_select else "form-control form-control-sm"
            )

    def filter_queryset(self, queryset):
        # A filter the user got wrong (a name that is nobody's) lists nothing, with its
        # message beside it, rather than every customer as if it had not been asked for.
        if self.form.errors:
            return queryset.none()
        return super().filter_queryset(queryset)

    def filter_name(self, queryset, name, value):
        return queryset.filter(name_contains(queryset.model, value) | Q(phone__icontains=value))

    def filter_territory(self, queryset, name, territory):
        return queryset.filter(territory__path__startswith=territory.path)

    def filter_follow_up(self, queryset, name, value):
        if value == "overdue":
            return selectors.follow_ups_overdue(queryset)
        if value == "today":
            return selectors.follow_ups_due_today(queryset)
        return queryset.filter(next_follow_up_at__isnull=True)
