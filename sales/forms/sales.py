from django import forms
from django.utils.translation import gettext_lazy as _

from sales.sale_lines import MAX_LINE, ORDER_NUMBER_MAX_LENGTH
from salesops.forms import BaseForm, DateTimeField, DateTimeInput
from salesops.money import MAX_AMOUNT, MoneyFormField


class SalesImportForm(BaseForm):
    submit_label = _("Import")
    file = forms.FileField(
        label=_("CSV or XLSX file"),
        help_text=_(
            "Columns: order_number, line, date, customer, salesperson, amount, gross_profit, "
            "channel (optional)."
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".csv", ".xlsx")):
            raise forms.ValidationError(_("Upload a .csv or .xlsx file."))
        return upload


class SaleForm(BaseForm):
    """A hand-entered sale or correction (same key as the order system: order number + line)."""

    submit_label = _("Save sale")

    order_number = forms.CharField(label=_("Order number"), max_length=ORDER_NUMBER_MAX_LENGTH)
    line = forms.IntegerField(label=_("Line"), min_value=1, max_value=MAX_LINE, initial=1)
    date = DateTimeField(label=_("Sold at"), widget=DateTimeInput())
    customer = forms.CharField(label=_("Customer"), max_length=200)
    salesperson = forms.CharField(label=_("Salesperson (username)"), max_length=150, required=False)
    amount = MoneyFormField(label=_("Amount"), min_value=-MAX_AMOUNT)
    gross_profit = MoneyFormField(label=_("Gross profit"), min_value=-MAX_AMOUNT)
