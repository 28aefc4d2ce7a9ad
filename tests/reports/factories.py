from datetime import datetime, time, timedelta

from django.utils import timezone

from reports import services, weeks
from tests.customers.factories import CustomerFactory
from visits import services as visit_services


def last_week():
    return weeks.current_week() - timedelta(days=7)


def submitted_report(salesperson, monday=None, **texts):
    """The salesperson writes and submits their report for the week (last week unless told)."""
    report = services.save_weekly_report(
        salesperson=salesperson,
        week_start=monday or last_week(),
        by=salesperson,
        next_week_plan=texts.get("next_week_plan", "拜访杭州客户"),
        forecast=texts.get("forecast", ""),
        difficulties=texts.get("difficulties", ""),
    )
    return services.submit_weekly_report(report=report, by=salesperson)


def visit_in_last_week(salesperson, territory):
    """A visit the salesperson recorded on last week's Wednesday, for a customer of the
    territory, so that last week's report lists it."""
    wednesday = last_week() + timedelta(days=2)
    visited_at = timezone.make_aware(datetime.combine(wednesday, time(10)))
    return visit_services.record_visit(
        by=salesperson,
        customer=CustomerFactory(territory=territory),
        visited_at=visited_at,
        kind="on_site",
        person_met="陈经理",
        result="同意试用",
    )
