"""The sent-mail ledger sends a periodic mail once, and PDFs keep Chinese and HTML-like text."""

import io

import pytest
from django.core import mail
from django.core.mail import EmailMessage
from pypdf import PdfReader

from salesops.mail import send_once
from salesops.models import SentMail
from salesops.pdf import render_pdf


def _message(to: str) -> EmailMessage:
    return EmailMessage(subject="月报 2026-10", body="headline", to=[to])


@pytest.mark.django_db
def test_a_mail_runs_twice_and_goes_once():
    assert send_once("rollup", "2026-10", "hq@example.com", lambda: _message("hq@example.com"))
    assert not send_once("rollup", "2026-10", "hq@example.com", lambda: _message("hq@example.com"))
    assert send_once("rollup", "2026-11", "hq@example.com", lambda: _message("hq@example.com"))
    assert [m.subject for m in mail.outbox] == ["月报 2026-10", "月报 2026-10"]
    assert SentMail.objects.count() == 2


@pytest.mark.django_db
def test_a_failed_send_leaves_no_ledger_row_and_is_tried_again():
    def broken() -> EmailMessage:
        raise ConnectionRefusedError("SMTP server down")

    with pytest.raises(ConnectionRefusedError):
        send_once("reminder", "2026-W48", "li.ming@example.com", broken)
    assert not SentMail.objects.exists()
    assert send_once("reminder", "2026-W48", "li.ming@example.com", lambda: _message("x@y.z"))


def test_a_pdf_keeps_chinese_and_shows_markup_as_text(tmp_path, settings):
    template = tmp_path / "print.html"
    template.write_text("<html><body><h1>{{ title }}</h1><p>{{ note }}</p></body></html>")
    # Assigned whole, so Django drops the template engines it already built.
    engine = settings.TEMPLATES[0]
    settings.TEMPLATES = [{**engine, "DIRS": [*engine["DIRS"], tmp_path]}, *settings.TEMPLATES[1:]]
    pdf = render_pdf("print.html", {"title": "上海市 周报", "note": "<b>bold</b> & co"})
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "上海市 周报" in text
    assert "<b>bold</b> & co" in text
