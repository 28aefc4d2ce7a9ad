from celery.schedules import crontab

SCHEDULE = {
    "reports.score_recent_months": {
        "task": "reports.tasks.score_recent_months",
        "schedule": crontab(hour=1, minute=30),
    },
}
