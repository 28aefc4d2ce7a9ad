"""Jobs the user waits on (docs/architecture.md "Jobs the user waits on").

A job is a row with a status, `done` and `total` counters and when it finished. Apps make
their job models from `Job`; the page shows `templates/_partials/job_progress.html`, which
polls its own URL with htmx while the job is queued or running and then shows the outcome:

    {% include "_partials/job_progress.html" with job=run poll_url=... dom_id="scoring-run" %}
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class Job(models.Model):
    """Status, progress and end of a job. A model may override `status` to add states that
    come before the queue (the prospect import's preview); `is_waiting` says when to poll."""

    Status = JobStatus

    status = models.CharField(
        _("status"), max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED
    )
    done = models.PositiveIntegerField(_("done"), default=0)
    total = models.PositiveIntegerField(_("total"), default=0)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        abstract = True

    @property
    def percent(self) -> int:
        if self.status == JobStatus.DONE:
            return 100
        if not self.total:
            return 0
        return min(100, self.done * 100 // self.total)

    @property
    def is_waiting(self) -> bool:
        return self.status in (JobStatus.QUEUED, JobStatus.RUNNING)
