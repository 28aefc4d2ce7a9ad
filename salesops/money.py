"""Money, one way everywhere: one precision in the database, one form field, one display.

Every amount is a `Decimal` with two decimals and at most 14 digits (up to 999,999,999,999.99
yuan). Models use `MoneyField`, forms `MoneyFormField`, templates
`{% load money %}{{ value|money }}`.
"""

import re
import unicodedata
from decimal import ROUND_DOWN, Decimal, InvalidOperation
from functools import cache

from django import forms
from django.core.signals import setting_changed
from django.core.validators import MinValueValidator
from django.db import models
from django.dispatch import receiver
from django.utils.formats import get_format, number_format
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

MAX_DIGITS = 14
DECIMAL_PLACES = 2
MAX_AMOUNT = Decimal("999999999999.99")
ZERO = Decimal("0.00")


_GROUPED = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d*)?")
_CURRENCY = str.maketrans("", "", "¥元 \u00a0\u202f")


def normalize_amount(text: str) -> str:
    """An amount as typed ("375,000.00", "375000", "３７５，０００", "¥ 1,200") as a plain
    decimal string ("375000.00"); anything else comes back unchanged for the field to refuse.
    Full-width digits, commas and points become ASCII (NFKC); commas must group by thousands."""
    text = unicodedata.normalize("NFKC", text).translate(_CURRENCY).strip()
    if "," in text:
        if not _GROUPED.fullmatch(text):
            return text
        text = text.replace(",", "")
    return text


class MoneyFormField(forms.DecimalField):
    """An amount of money in a text box, grouped or not; never more than the column holds."""

    widget = forms.TextInput
    default_error_messages = {
        "invalid": _("Enter an amount such as 375,000.00 or 375000."),
        "max_value": _("Enter an amount of at most %(limit_value)s."),
        "min_value": _("Enter an amount of at least %(limit_value)s."),
    }

    def __init__(self, *, min_value=Decimal("0"), max_value=MAX_AMOUNT, **kwargs):
        kwargs["max_digits"] = MAX_DIGITS
        kwargs.setdefault("decimal_places", DECIMAL_PLACES)
        super().__init__(min_value=min_value, max_value=max_value, **kwargs)

    def to_python(self, value):
        if isinstance(value, str):
            value = normalize_amount(value)
        return super().to_python(value)

    def widget_attrs(self, widget):
        return {**super().widget_attrs(widget), "inputmode": "decimal"}


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
    return _grouped(number, decimal_places)


def _grouped(number: Decimal, decimal_places: int) -> str:
    """What Django's `number_format` gives with forced grouping, the extra decimals cut off
    rather than rounded, as it does: but written by Python's own grouping where the language
    groups by threes. A page of a team or a ranking writes a thousand and more amounts, and
    Django's digit-by-digit formatting took about a quarter of its rendering (team attainment
    at tier L, docs/performance.md)."""
    decimal_separator, thousand_separator, grouping = _separators(get_language())
    if grouping != 3 or decimal_places < 1 or not number.is_finite():
        return _as_django_writes(number, decimal_places)
    unit = Decimal(1).scaleb(-decimal_places)
    if abs(number) < unit:
        number = Decimal(0)  # too small to show: no "-0.00"
    try:
        text = f"{number.quantize(unit, rounding=ROUND_DOWN):,f}"
    except InvalidOperation:  # more digits than a decimal context holds
        return _as_django_writes(number, decimal_places)
    if (decimal_separator, thousand_separator) == (".", ","):
        return text
    return text.translate({ord("."): decimal_separator, ord(","): thousand_separator})


def _as_django_writes(number: Decimal, decimal_places: int) -> str:
    return number_format(number, decimal_pos=decimal_places, use_l10n=True, force_grouping=True)


@cache
def _separators(language: str | None) -> tuple[str, str, int]:
    return (
        get_format("DECIMAL_SEPARATOR", language, use_l10n=True),
        get_format("THOUSAND_SEPARATOR", language, use_l10n=True),
        get_format("NUMBER_GROUPING", language, use_l10n=True),
    )


@receiver(setting_changed)
def _forget_separators(**kwargs) -> None:
    # A test that changes the formats' settings sees them, as Django's own formats cache does.
    _separators.cache_clear()


def format_money(value) -> str:
    """Grouped by thousands with two decimals in the active language ("375,000.00")."""
    return format_number(value)
