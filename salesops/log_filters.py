"""Logging helpers named in settings.LOGGING."""

import logging


class OneLineRefusals(logging.Filter):
    """Drop the traceback from records of refused requests (status below 500): a 403 or 404 is
    an expected answer, and a traceback per refusal buries the server errors in the log."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", 500) < 500:
            record.exc_info = None
            record.exc_text = None
        return True
