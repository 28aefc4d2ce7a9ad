from django import forms
from django.utils.translation import gettext_lazy as _

from sales.sale_lines import MAX_FILE_BYTES, MAX_LINE, ORDER_NUMBER_MAX_LENGTH, check_file
from salesops.errors import DomainError
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
        """The file's type and limits, before anything is parsed (sale_lines.check_file)."""
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".csv", ".xlsx")):
            raise forms.ValidationError(_("Upload a .csv or .xlsx file."))
        if upload.size > MAX_FILE_BYTES:  # told before the file is read into memory
            raise forms.ValidationError(
                _("The file is larger than %(mb)s MB; split it into several imports.")
                % {"mb": MAX_FILE_BYTES // (1024 * 1024)}
            )
        self.content = upload.read()
        try:
            check_file(self.content, upload.name)
        except DomainError as error:
            raise forms.ValidationError(error.message) from None
        return upload


class SaleForm(BaseForm):
    """A hand-entered sale or correction (same key as the order system: order number + line),
    credited to one of the people of a region: `sellers_by_region` (region, people) pairs."""

    submit_label = _("Save sale")

    order_number = forms.CharField(label=_("Order number"), max_length=ORDER_NUMBER_MAX_LENGTH)
    line = forms.IntegerField(label=_("Line"), min_value=1, max_value=MAX_LINE, initial=1)
    date = DateTimeField(label=_("Sold at"), widget=DateTimeInput())
    customer = forms.CharField(label=_("Customer"), max_length=200)
    salesperson = forms.TypedChoiceField(
        label=_("Salesperson"),
        coerce=int,
        required=False,
        empty_value=None,
        help_text=_("One of the people of the customer's region; none: the customer's owner."),
    )
    amount = MoneyFormField(label=_("Amount"), min_value=-MAX_AMOUNT)
    gross_profit = MoneyFormField(label=_("Gross profit"), min_value=-MAX_AMOUNT)

    def __init__(self, *args, sellers_by_region, **kwargs):
        super().__init__(*args, **kwargs)
        self.sellers = {
            person.pk: person for _region, people in sellers_by_region for person in people
        }
        self.fields["salesperson"].choices = [
            ("", _("The customer's owner")),
            *(
                (str(region), [(person.pk, _seller_label(person)) for person in people])
                for region, people in sellers_by_region
            ),
        ]

    def clean_salesperson(self):
        pk = self.cleaned_data["salesperson"]
        return None if pk is None else self.sellers[pk]


def _seller_label(person) -> str:
    return f"{person} ({person.username})"
