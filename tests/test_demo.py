"""The demo organisation is loaded relative to the day it is loaded (browser issue item 11):
twelve months ending this month in both regions (class counts included), something in every
home-page panel and list, every customer made through the service; and loading it again
changes nothing."""

from datetime import datetime, timedelta
from io import StringIO
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import transaction
from django.db.models import QuerySet
from django.test import Client
from django.test.utils import override_settings
from django.utils import timezone

from customers.models import ClassChange, Customer
from expenses.models import ExpenseClaim, TravelAdvance
from rollups.models import ClassCell
from sales.models import Attainment, Quota, Sale
from salesops.management.commands.seed_demo import DEMO_TOTP_SECRET
from salesops.models import AuditEntry, User
from salesops.months import add_months, current_month, local_midnight
from territories.demo import DEMO_PASSWORD
from territories.models import CrossTerritoryRequest, Region
from tests.conftest import settings_under_test, sign_in
from visits.models import TripPlan, Visit

pytestmark = pytest.mark.django_db

ROLES = ["li.ming", "lin.xiaoyan", "wang.jianguo", "huang.zhiqiang", "zhao.lixin", "sun.lihua"]
ROLES += ["admin"]
SELLERS = ["li.ming", "zhang.wei", "liu.yang", "chen.jing", "lin.xiaoyan"]


def _shows_something(value) -> bool:
    if isinstance(value, QuerySet):
        return value.exists()
    return bool(value)


def _check_demo(client) -> None:
    today, month = timezone.localdate(), current_month()
    months = [add_months(month, offset) for offset in range(-11, 1)]

    for username in ROLES:
        sign_in(client, User.objects.get(username=username))
        response = client.get("/")
        assert response.status_code == 200
        panels = response.context["panels"]
        assert panels, username
        for panel in panels:
            assert any(_shows_something(v) for v in panel.context.values()), (
                username,
                panel.template,
            )
            for key in ("count", "overdue_count", "due_today_count"):
                if key in panel.context:
                    assert panel.context[key] > 0, (username, panel.template, key)
            if "row" in panel.context:  # the seller's attainment this month
                assert panel.context["row"] is not None, (username, panel.template)
        for url in ("/customers/", "/visits/", "/sales/", "/expenses/"):
            assert client.get(url).status_code == 200, (username, url)

    for code in ("east-china", "south-china"):
        region = Region.objects.get(code=code)
        assert Customer.objects.filter(territory__region=region).exists(), code
        for m in months:  # the A/B/C/D counts over time have twelve months of history
            assert ClassCell.objects.filter(month=m, region=region).exists(), (code, m)
        assert TripPlan.objects.filter(region=region).exists(), code
        for m in months:
            assert Quota.objects.filter(month=m, salesperson__regions=region).exists(), (code, m)
            assert Sale.objects.filter(month=m, territory__region=region).exists(), (code, m)
        shortfalls = Attainment.objects.filter(salesperson__regions=region, carried_over__gt=0)
        assert shortfalls.exists(), code  # rules.md §7.5: a shortfall carries over

    monday = today - timedelta(days=today.weekday())
    for username in SELLERS:
        person = User.objects.get(username=username)
        assert Attainment.objects.filter(salesperson=person, month=month).exists(), username
        assert Visit.objects.filter(
            salesperson=person, visited_at__date__gte=monday - timedelta(days=1)
        ).exists(), username
        assert TripPlan.objects.filter(salesperson=person).exists(), username

    classes = set(Customer.objects.values_list("customer_class", flat=True))
    assert {"A", "B", "C", "D"} <= classes
    # The past months' classes come from the demo's sales (customers.demo.replay_class_history)
    # and change over the year, as the nightly classification would have changed them.
    past = ClassChange.objects.filter(changed_at__lt=local_midnight(month))
    assert len(set(past.values_list("to_class", flat=True))) >= 2
    assert past.exclude(from_class="").exists()
    assert set(past.dates("changed_at", "month")) == set(months[:-1])
    assert not Customer.objects.filter(normalized_name="").exists()
    assert not Customer.objects.filter(customer_class="").exists()
    statuses = set(TripPlan.objects.values_list("status", flat=True))
    assert set(TripPlan.Status.values) <= statuses
    assert ExpenseClaim.objects.filter(status=ExpenseClaim.Status.SUBMITTED).exists()
    assert ExpenseClaim.objects.filter(status=ExpenseClaim.Status.MANAGER_APPROVED).exists()
    assert TravelAdvance.objects.filter(settled_by_claim__isnull=True).exists()
    # Every approved claim was approved through the service, so its approval is audited.
    approved = ExpenseClaim.objects.filter(status=ExpenseClaim.Status.APPROVED)
    audited = AuditEntry.objects.filter(
        action="visits.expense_claim.approved",
        target_type=ContentType.objects.get_for_model(ExpenseClaim),
    ).values_list("target_id", flat=True)
    assert approved.exists()
    assert {str(pk) for pk in approved.values_list("pk", flat=True)} <= set(audited)
    assert TravelAdvance.objects.filter(settled_by_claim__isnull=False).exists()
    assert CrossTerritoryRequest.objects.filter(
        status=CrossTerritoryRequest.Status.PENDING
    ).exists()


def _demo_code() -> str:
    output = StringIO()
    call_command("demo_code", stdout=output)
    return output.getvalue().split()[0]


@pytest.fixture(scope="class")
def demo_loaded_today(django_db_setup, django_db_blocker):
    """The demo organisation loaded once for a class's tests: loading it takes about ten
    seconds. It stays in a transaction rolled back after the class, and each test runs in a
    savepoint inside it, as every database test does, so no test sees another's changes."""
    with django_db_blocker.unblock(), transaction.atomic():
        with override_settings(**settings_under_test()):
            call_command("seed_demo", stdout=StringIO())
        yield
        transaction.set_rollback(True)


@pytest.mark.usefixtures("demo_loaded_today")
class TestTheDemoLoadedToday:
    def test_the_demo_holds_this_months_figures_and_loads_once(self, client):
        counts = [Customer.objects.count(), Sale.objects.count(), Visit.objects.count()]
        _check_demo(client)

        output = StringIO()
        call_command("seed_demo", stdout=output)
        assert [Customer.objects.count(), Sale.objects.count(), Visit.objects.count()] == counts
        assert "already there" in output.getvalue()
        assert "吴海涛" in output.getvalue()  # kept without a territory, and said so
        assert DEMO_TOTP_SECRET in output.getvalue()

    def test_the_demo_approvers_sign_in_with_the_published_key(self):
        client = Client()
        client.post("/accounts/login/", {"username": "wang.jianguo", "password": DEMO_PASSWORD})
        assert client.get("/")["Location"].startswith("/accounts/code/")

        response = client.post("/accounts/code/", {"code": _demo_code(), "next": "/"})

        assert response.status_code == 302
        assert client.get("/").status_code == 200
        with_code = User.objects.filter(username__in=ROLES, totpdevice__confirmed=True)
        sellers = {"li.ming", "lin.xiaoyan"}  # salespeople sign in with the password alone
        assert set(with_code.values_list("username", flat=True)) == set(ROLES) - sellers


def test_the_demo_loaded_years_later_is_about_that_day(client):
    real_now = timezone.now
    start = real_now()
    then = datetime(2031, 3, 12, 9, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
    with mock.patch("django.utils.timezone.now", side_effect=lambda: then + (real_now() - start)):
        call_command("seed_demo", stdout=StringIO())
        assert timezone.localdate().year == 2031
        _check_demo(client)
