from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from salesops.forms import DateTimeInput


class SalesImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV or XLSX file"),
        help_text=_(
            "Columns: order_number, line, date, customer, salesperson, amount, gross_profit, "
            "channel (optional)."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Import")))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".csv", ".xlsx")):
            raise forms.ValidationError(_("Upload a .csv or .xlsx file."))
        return upload


class SaleForm(forms.Form):
    """A hand-entered sale or correction (same key as the order system: order number + line)."""

    order_number = forms.CharField(label=_("Order number"), max_length=40)
    line = forms.IntegerField(label=_("Line"), min_value=1, initial=1)
    date = forms.DateTimeField(label=_("Sold at"), widget=DateTimeInput())
    customer = forms.CharField(label=_("Customer"), max_length=200)
    salesperson = forms.CharField(label=_("Salesperson (username)"), max_length=150, required=False)
    amount = forms.DecimalField(label=_("Amount"), max_digits=14, decimal_places=2)
    gross_profit = forms.DecimalField(label=_("Gross profit"), max_digits=14, decimal_places=2)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Save sale")))
