from celery.schedules import crontab

SCHEDULE = {
    "sales.score_recent_months": {
        "task": "sales.tasks.score_recent_months",
        "schedule": crontab(hour=1, minute=30),
    },
}
