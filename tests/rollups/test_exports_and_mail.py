"""The rollup's exports (streamed, formula-safe), its PDF (Chinese extracts back) and the
monthly e-mail to head office (once per month and recipient)."""

import csv
import io
import tracemalloc

import pytest
from django.core import mail
from django.http import FileResponse, StreamingHttpResponse
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from customers.models import Channel
from rollups import building, mailing, tasks
from salesops import exporting
from salesops.models import SentMail
from salesops.months import add_months, current_month
from tests.rollups import factories

MONTH = add_months(current_month(), -1)


@pytest.fixture
def world(personas):
    world = factories.east_and_south(personas, MONTH)
    customer = factories.customer_in(
        world.hangzhou, world.salesperson, channel=Channel.DEALER, name="=HYPERLINK(1)<b>杭州</b>"
    )
    factories.sale(customer, world.salesperson, MONTH, "99.99")
    building.refresh_months(MONTH, MONTH)
    return world


def _url(name, **kwargs):
    return reverse(f"rollups:{name}", kwargs={"month": f"{MONTH:%Y-%m}", **kwargs})


def _body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_the_regions_export_to_csv_and_xlsx_with_the_page_numbers(world, login):
    client = login(world.head_office)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "zh-hans"
    response = client.get(_url("export", file_format="csv"))
    assert isinstance(response, StreamingHttpResponse)
    rows = list(csv.reader(io.StringIO(_body(response).decode("utf-8-sig"))))
    by_name = {row[0]: row for row in rows[1:]}
    assert by_name["华东大区"][1] == "4101.99"  # 4002 + 99.99
    assert by_name["华南大区"][2] == "1600.00"  # last month
    response = client.get(_url("export", file_format="xlsx"))
    sheet = load_workbook(io.BytesIO(_body(response))).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][0] == "大区"
    assert {row[0] for row in values[1:]} == {"华东大区", "华南大区"}


def test_customer_names_that_look_like_formulas_are_neutralised(world, login):
    client = login(world.head_office)
    query = f"?area={world.hangzhou.pk}&person={world.salesperson.pk}"
    rows = list(
        csv.reader(
            io.StringIO(
                _body(client.get(_url("export", file_format="csv") + query)).decode("utf-8-sig")
            )
        )
    )
    assert "'=HYPERLINK(1)<b>杭州</b>" in [row[0] for row in rows]
    page = client.get(reverse("rollups:rollup", kwargs={"month": f"{MONTH:%Y-%m}"}) + query)
    assert "&lt;b&gt;杭州&lt;/b&gt;" in page.content.decode()


def test_a_hundred_thousand_rows_stream_without_sitting_in_memory():
    rows = (("=cmd", index, "客户") for index in range(100_000))
    tracemalloc.start()
    response = exporting.streamed(["a", "b", "c"], rows, file_format="csv", name="big")
    lines = sum(chunk.count(b"\n") for chunk in response.streaming_content)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert lines == 100_001
    assert peak < 5_000_000  # bytes: a few rows at a time, not the whole file
    response = exporting.streamed(
        ["a"], ((index,) for index in range(100_000)), file_format="xlsx", name="big"
    )
    assert isinstance(response, FileResponse)
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True).active
    assert sum(1 for _row in sheet.iter_rows(values_only=True)) == 100_001


def test_the_pdf_carries_the_chinese_names_and_figures(world, login):
    response = login(world.head_office).get(_url("pdf"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "华东大区" in text
    assert "4,101.99" in text


def test_the_monthly_mail_goes_once_to_each_head_office_user_with_attachments(world, settings):
    settings.LANGUAGE_CODE = "zh-hans"  # the company's language
    sent = tasks.close_month_and_mail(month=f"{MONTH:%Y-%m}")
    again = tasks.close_month_and_mail(month=f"{MONTH:%Y-%m}")
    assert (sent, again) == (1, 0)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [world.head_office.email]
    html = message.alternatives[0][0]
    assert "华东大区" in html and "4,101.99" in html
    names = [name for name, _content, _type in message.attachments]
    assert [name.rsplit(".", 1)[1] for name in names] == ["xlsx", "pdf"]
    pdf = PdfReader(io.BytesIO(message.attachments[1][1]))
    assert "华东大区" in "".join(page.extract_text() for page in pdf.pages)
    assert SentMail.objects.filter(kind=mailing.MAIL_KIND, period=f"{MONTH:%Y-%m}").count() == 1


def test_a_month_with_no_data_is_mailed_with_the_sentence_not_zeros(personas):
    month = add_months(current_month(), -40)
    tasks.close_month_and_mail(month=f"{month:%Y-%m}")
    html = mail.outbox[0].alternatives[0][0]
    assert "Nothing is on record" in html
    assert "0.00" not in html


def test_markup_in_a_customer_name_prints_as_text_in_the_pdf(world, login):
    query = f"?area={world.hangzhou.pk}&person={world.salesperson.pk}"
    response = login(world.head_office).get(_url("pdf") + query, HTTP_ACCEPT_LANGUAGE="zh-hans")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "<b>杭州</b>" in text
