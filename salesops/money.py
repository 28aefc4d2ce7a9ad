"""Money, one way everywhere: one precision in the database, one form field, one display.

Every amount is a `Decimal` with two decimals and at most 14 digits (up to 999,999,999,999.99
yuan). Models use `MoneyField`, forms `salesops.forms.MoneyField`, templates
`{% load money %}{{ value|money }}`.
"""

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.formats import number_format

MAX_DIGITS = 14
DECIMAL_PLACES = 2
MAX_AMOUNT = Decimal("999999999999.99")
ZERO = Decimal("0.00")


class MoneyField(models.DecimalField):
    """A column of money: 14 digits, 2 decimals; not negative unless `signed=True`."""

    def __init__(self, verbose_name=None, name=None, *, signed: bool = False, **kwargs):
        kwargs["max_digits"] = MAX_DIGITS
        kwargs["decimal_places"] = DECIMAL_PLACES
        if not signed:
            kwargs["validators"] = [MinValueValidator(Decimal("0")), *kwargs.get("validators", ())]
        self.signed = signed
        super().__init__(verbose_name, name, **kwargs)

    def deconstruct(self):
        # Migrations see a plain DecimalField: they never import the kernel's field class.
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.DecimalField", args, kwargs

    def clone(self):
        # What migrations' state holds: the plain DecimalField the deconstruction describes.
        _name, _path, args, kwargs = self.deconstruct()
        return models.DecimalField(*args, **kwargs)

    def formfield(self, **kwargs):
        from salesops.forms import MoneyField as MoneyFormField

        min_value = -MAX_AMOUNT if self.signed else Decimal("0")
        return super().formfield(**{"form_class": MoneyFormField, "min_value": min_value, **kwargs})


def format_number(value, decimal_places: int = DECIMAL_PLACES) -> str:
    """A number grouped by thousands in the active language ("375,000.00"); "" for nothing,
    and anything that is not a number as it is."""
    if value is None or value == "":
        return ""
    try:
        number = Decimal(str(value))
    except ArithmeticError:
        return str(value)
    return number_format(number, decimal_pos=decimal_places, use_l10n=True, force_grouping=True)


def format_money(value) -> str:
    """Grouped by thousands with two decimals in the active language ("375,000.00")."""
    return format_number(value)
