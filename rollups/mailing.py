"""The monthly rollup e-mailed to head office on the 1st (rules.md §9.5): an HTML body with the
headline figures, the XLSX and the PDF attached, once per month and recipient
(salesops.mail.send_once), however often the job runs."""

from datetime import date
from functools import cache

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from rollups import exports, levels, pages, printing
from salesops import access, exporting, mail
from salesops.models import User
from territories.models import Region

MAIL_KIND = "monthly_rollup"


def recipients():
    return access.head_office_users().exclude(email="").order_by("pk")


def company_level(month: date) -> levels.Level:
    return levels.Level(levels.COMPANY, month, list(Region.objects.order_by("code")))


def mail_monthly_rollup(month: date) -> int:
    """Send the month's rollup to every head office user who has not had it. Returns the mails
    sent now."""
    level = company_level(month)

    @cache
    def attachments() -> tuple[bytes, bytes]:  # built once per run, and only if a mail is due
        headers, rows = exports.table(level)
        with exporting.xlsx_file(headers, rows, title=level.title) as spool:
            xlsx = spool.read()
        return xlsx, printing.rollup_pdf(level)

    def build(user: User):
        def message() -> EmailMultiAlternatives:
            with translation.override(settings.LANGUAGE_CODE):
                context = pages.page_context(level) | {"recipient": user}
                html = render_to_string("rollups/mail/monthly_rollup.html", context)
                subject = _("Monthly region rollup %(month)s") % {"month": f"{month:%Y-%m}"}
            email = EmailMultiAlternatives(subject, strip_tags(html), to=[user.email])
            email.attach_alternative(html, "text/html")
            with translation.override(settings.LANGUAGE_CODE):
                xlsx, pdf = attachments()
            name = exports.file_name(level)
            email.attach(f"{name}.xlsx", xlsx, exporting.CONTENT_TYPES["xlsx"])
            email.attach(f"{name}.pdf", pdf, "application/pdf")
            return email

        return message

    sent = 0
    for user in recipients():
        sent += mail.send_once(MAIL_KIND, f"{month:%Y-%m}", user.email, build(user))
    return sent
