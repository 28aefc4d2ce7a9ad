from celery import shared_task
from django.core.mail import EmailMultiAlternatives

from salesops import ledger


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_email(*, subject: str, body: str, to: list[str], html_body: str | None = None) -> int:
    """Mail leaves the web request: the worker sends it (and retries a flaky SMTP server)."""
    message = EmailMultiAlternatives(subject=subject, body=body, to=to)
    if html_body:
        message.attach_alternative(html_body, "text/html")
    return message.send()


@shared_task(acks_late=True)
def sweep_jobs() -> int:
    """On beat every JOB_SWEEP_SECONDS: publish again the ledger's stalled jobs."""
    return ledger.sweep()
