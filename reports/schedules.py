from celery.schedules import crontab

SCHEDULE = {
    # Reports due tomorrow (rules.md §9.7, §9.9, §9.10); company time zone (CELERY_TIMEZONE).
    "reports.send_report_reminders": {
        "task": "reports.tasks.send_report_reminders",
        "schedule": crontab(hour=9, minute=0),
    },
}
