from celery.schedules import crontab

SCHEDULE = {
    # After the sales rollup and scores (01:30) and the classification (02:00).
    "rollups.rebuild_all": {
        "task": "rollups.tasks.rebuild_all",
        "schedule": crontab(hour=2, minute=30),
    },
    # rules.md §11.1: the twelve months of the 80/20 end with the current month.
    "rollups.refresh_customer_values": {
        "task": "rollups.tasks.refresh_customer_values",
        "schedule": crontab(day_of_month=1, hour=0, minute=1),
    },
    # rules.md §9.5: head office has last month's rollup on the 1st.
    "rollups.close_month_and_mail": {
        "task": "rollups.tasks.close_month_and_mail",
        "schedule": crontab(day_of_month=1, hour=6, minute=0),
    },
}
