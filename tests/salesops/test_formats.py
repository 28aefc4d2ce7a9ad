"""Money reads the same way in both languages: grouped by thousands, two decimals."""

from decimal import Decimal

from django.template import Context, Template
from django.utils import translation


def test_money_is_grouped_by_thousands_in_chinese_and_english():
    template = Template('{{ amount|floatformat:"2g" }}')
    for language in ("zh-hans", "en"):
        with translation.override(language):
            assert template.render(Context({"amount": Decimal("1234567.8")})) == "1,234,567.80"
