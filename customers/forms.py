from crispy_forms.layout import Column, Fieldset, Layout, Row
from django import forms
from django.utils.translation import gettext_lazy as _

from customers import selectors
from customers.import_lines import MAX_FILE_BYTES
from customers.models import Channel, CreditIncident, CreditTier, Source
from customers.normalize import InvalidPhone, normalize_phone
from salesops.forms import BaseForm, DateField, DateInput
from salesops.money import MoneyFormField

DATE_INPUT = DateInput()


def _clean_phone(value: str) -> str:
    try:
        normalize_phone(value)
    except InvalidPhone:
        raise forms.ValidationError(_("Enter a mainland mobile or landline number.")) from None
    return value.strip()


class CustomerForm(BaseForm):
    """The customer's own fields; the first contact only when creating."""

    name = forms.CharField(label=_("Customer name"), max_length=200)
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices)
    territory = forms.ModelChoiceField(label=_("Territory"), queryset=None)
    address = forms.CharField(label=_("Address"), max_length=300, required=False)
    industry = forms.CharField(label=_("Industry"), max_length=100, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    estimated_monthly_demand = MoneyFormField(
        label=_("Estimated monthly demand (CNY)"), required=False
    )
    expected_order_date = DateField(
        label=_("Expected order date"), required=False, widget=DATE_INPUT
    )
    current_supplier = forms.CharField(
        label=_("Current supplier or brand"), max_length=200, required=False
    )
    current_price = forms.CharField(label=_("Price they pay"), max_length=100, required=False)
    source = forms.ChoiceField(
        label=_("Source"), choices=[("", "---------"), *Source.choices], required=False
    )
    credit_tier = forms.ChoiceField(
        label=_("Credit tier (dealers)"),
        choices=[("", "---------"), *CreditTier.choices],
        required=False,
    )
    agreement_signed_on = DateField(
        label=_("Agreement signed on"), required=False, widget=DATE_INPUT
    )
    agreed_monthly_order = MoneyFormField(label=_("Agreed monthly order (CNY)"), required=False)
    allow_duplicate = forms.BooleanField(
        label=_("Save anyway: it is not a duplicate"), required=False
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["territory"].queryset = selectors.changeable_territory_choices(user)
        self.helper.layout = Layout(
            Row(Column("name", css_class="col-md-6"), Column("channel"), Column("territory")),
            Row(Column("phone"), Column("address", css_class="col-md-6"), Column("industry")),
            Row(
                Column("estimated_monthly_demand"),
                Column("expected_order_date"),
                Column("current_supplier"),
                Column("current_price"),
                Column("source"),
            ),
            Fieldset(
                _("Dealer"),
                Row(
                    Column("credit_tier"),
                    Column("agreement_signed_on"),
                    Column("agreed_monthly_order"),
                ),
            ),
            *self.extra_layout(),
            "allow_duplicate",
        )

    def extra_layout(self) -> list:
        return []

    def clean_phone(self):
        return _clean_phone(self.cleaned_data["phone"])

    def customer_values(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("allow_duplicate")
        return {key: value for key, value in data.items() if not key.startswith("contact_")}


class NewCustomerForm(CustomerForm):
    submit_label = _("Add prospect")
    contact_name = forms.CharField(label=_("Contact"), max_length=100, required=False)
    contact_position = forms.CharField(label=_("Position"), max_length=100, required=False)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=40, required=False)
    contact_email = forms.EmailField(label=_("Contact e-mail"), required=False)

    def extra_layout(self) -> list:
        return [
            Fieldset(
                _("Contact"),
                Row(
                    Column("contact_name"),
                    Column("contact_position"),
                    Column("contact_phone"),
                    Column("contact_email"),
                ),
            )
        ]

    def clean_contact_phone(self):
        return _clean_phone(self.cleaned_data["contact_phone"])

    def contacts(self) -> list[dict]:
        data = self.cleaned_data
        if not data["contact_name"]:
            return []
        return [
            {
                "name": data["contact_name"],
                "position": data["contact_position"],
                "phone": data["contact_phone"],
                "email": data["contact_email"],
            }
        ]


SMALL_INPUT = forms.TextInput(attrs={"class": "form-control form-control-sm"})


class ContactForm(BaseForm):
    """Rendered inline on the customer page, field by field."""

    submit_label = _("Add contact")
    name = forms.CharField(label=_("Name"), max_length=100, widget=SMALL_INPUT)
    position = forms.CharField(
        label=_("Position"), max_length=100, required=False, widget=SMALL_INPUT
    )
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False, widget=SMALL_INPUT)
    email = forms.EmailField(
        label=_("E-mail"),
        required=False,
        widget=forms.EmailInput(attrs={"class": "form-control form-control-sm"}),
    )

    def clean_phone(self):
        return _clean_phone(self.cleaned_data["phone"])


class ReassignForm(BaseForm):
    submit_label = _("Reassign")
    to_person = forms.ModelChoiceField(label=_("New owner"), queryset=None)

    def __init__(self, *args, region, **kwargs):
        super().__init__(*args, **kwargs)
        from territories.selectors import sellers_in

        self.fields["to_person"].queryset = sellers_in(region)


class HandoverForm(BaseForm):
    submit_label = _("Hand everything over")
    region = forms.ModelChoiceField(label=_("Region"), queryset=None)
    from_person = forms.ModelChoiceField(label=_("Leaving salesperson"), queryset=None)
    to_person = forms.ModelChoiceField(label=_("Successor"), queryset=None)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = selectors.managed_regions(user)
        people = selectors.owner_choices(user).order_by("username")
        self.fields["from_person"].queryset = people
        self.fields["to_person"].queryset = people


class CreditIncidentForm(BaseForm):
    submit_label = _("Record")
    kind = forms.ChoiceField(label=_("Kind"), choices=CreditIncident.Kind.choices)
    occurred_on = DateField(label=_("Date"), widget=DATE_INPUT)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class ImportUploadForm(BaseForm):
    submit_label = _("Read the file")
    file = forms.FileField(label=_("CSV or XLSX file"))
    default_territory = forms.ModelChoiceField(
        label=_("Territory for lines without one"), queryset=None, required=False
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["default_territory"].queryset = selectors.changeable_territory_choices(user)
        self.helper.attrs = {"enctype": "multipart/form-data"}

    def clean_file(self):
        # rules.md §3.5: a file over the limit is refused by its size, before it is read.
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(_("The file is larger than 5 MB; split it."))
        return upload


class ImportConfirmForm(forms.Form):
    include_duplicates = forms.BooleanField(
        label=_("Also import the lines flagged as possible duplicates"), required=False
    )


class ColumnMappingForm(forms.Form):
    """Which field each column of the uploaded file holds (one select per heading)."""

    def __init__(self, *args, columns: list[dict], **kwargs):
        from customers.import_lines import FIELD_LABELS

        super().__init__(*args, **kwargs)
        choices = [("", _("ignored")), *FIELD_LABELS.items()]
        for index, column in enumerate(columns):
            self.fields[f"column_{index}"] = forms.ChoiceField(
                label=column["heading"] or "—",
                choices=choices,
                required=False,
                initial=column["field"],
                widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
            )

    def clean(self):
        chosen = [value for value in self.cleaned_data.values() if value]
        if len(chosen) != len(set(chosen)):
            raise forms.ValidationError(_("Give each field one column at most."))
        if "name" not in chosen:
            raise forms.ValidationError(_("One column must hold the customer's name."))
        return self.cleaned_data

    def mapping(self) -> dict[int, str]:
        return {
            int(name.removeprefix("column_")): value for name, value in self.cleaned_data.items()
        }


class CompetitorForm(forms.Form):
    """A competitor added to the registry by hand (rules.md §6.5); the list page lays it out."""

    name = forms.CharField(label=_("Competitor"), max_length=200)
    brand = forms.CharField(label=_("Brand"), max_length=200, required=False)
