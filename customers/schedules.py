from celery.schedules import crontab

SCHEDULE = {
    # rules.md §4.5: the class is recomputed every night (company time zone: CELERY_TIMEZONE).
    "customers.classify_all": {
        "task": "customers.tasks.classify_all",
        "schedule": crontab(hour=2, minute=0),
    },
}
