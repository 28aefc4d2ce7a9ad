from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from salesops.models import CompanySettings
from tests.customers.factories import CustomerFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")


def local(*args) -> datetime:
    """An aware datetime in the company's time zone."""
    return datetime(*args, tzinfo=SHANGHAI)


@pytest.fixture
def rules(db) -> CompanySettings:
    return CompanySettings.current()


@pytest.fixture
def make_customer(personas):
    """A Ningbo customer of the salesperson; keyword arguments override any field."""

    def _make(**fields):
        defaults = {"territory": personas.ningbo, "owner": personas.salesperson}
        return CustomerFactory(**(defaults | fields))

    return _make


def days_ahead(now: datetime, days: int):
    return (now.astimezone(SHANGHAI) + timedelta(days=days)).date()


LARGE = Decimal("50000.00")
