from celery import shared_task
from django.conf import settings

from reports.reminders import send_reminders


# A daily job on beat: longer limits than a request-sized task (a mail per person), well
# inside the broker's visibility timeout so a running job is never handed out twice.
@shared_task(acks_late=True, nightly=True, soft_time_limit=15 * 60, time_limit=16 * 60)
def send_report_reminders() -> int:
    """Daily: the reminders of reports due tomorrow, once per person and period."""
    return send_reminders(base_url=settings.SITE_URL)
