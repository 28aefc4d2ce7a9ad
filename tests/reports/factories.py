from datetime import timedelta

from reports import services, weeks


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
