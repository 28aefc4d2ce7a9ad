"""Random and hostile input against every form, every page's parameters and both import
parsers (hypothesis).

Every POST the role × URL matrix knows is posted, as a persona the matrix lets in, with the
page's own values and one to three fields replaced by random ones: text with NUL and control
characters, numbers beyond 32 bits and beyond the money columns, NaN and Infinity, dates outside
the window of rules.md §0.6, formulas, markup. Every page the matrix opens gets the same in its
filters and address parameters. Both import parsers get random bytes, and good lines with random
cells.

Asserted each time: no server error (the test client raises the view's exception), and no
partial write (a form shown again with errors, or an import refused, leaves every table as it
was; an import accepted at the preview is written whole).

Inputs per run (derandomized: the same ones every run): FORM_EXAMPLES (4) × 46 POST addresses,
PAGE_EXAMPLES (3) × 64 pages, and PARSER_EXAMPLES (60) for each of the four parser properties:
616 in all, in about a minute on SQLite.
"""

import csv
import io
import re
from html import unescape as html_unescape
from itertools import chain

import openpyxl
import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from customers import importing
from customers.import_writing import run_import
from customers.models import Customer, ImportBatch
from sales.models import Sale
from sales.sale_lines import read_rows
from sales.services.sales import import_sales
from salesops.errors import DomainError
from salesops.models import CompanySettings
from salesops.navigation import LOCAL_APPS
from tests.access_matrix import PERSONAS
from tests.test_access_matrix import _cases

pytestmark = pytest.mark.django_db

FORM_EXAMPLES = 4
PAGE_EXAMPLES = 3
PARSER_EXAMPLES = 60
FUZZ_SETTINGS = {
    "deadline": None,
    "database": None,  # the same inputs on every run and machine: CI stays reproducible
    "derandomize": True,
    # A failure is reported as found: shrinking a form of twenty fields takes minutes.
    "phases": [Phase.explicit, Phase.generate],
    "suppress_health_check": [HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
}

NASTY_VALUES = [
    "",
    "0",
    "-1",
    "2147483648",
    "-2147483649",
    "18446744073709551616",
    "99999999999999.99",
    "1E+30",
    "1E+13",
    "NaN",
    "Infinity",
    "-Infinity",
    "0001-01-01",
    "9999-12-31",
    "9999-12",
    "0000-00",
    "9999-12-31T23:59",
    "0001-01-01T00:00",
    "2026-02-30",
    "\x00",
    "a\x00b",
    '=HYPERLINK("x")',
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "３７５，０００",
    "9" * 60,
    "胶" * 3000,
]
values = st.one_of(
    st.sampled_from(NASTY_VALUES),
    st.text(max_size=40),
    st.integers().map(str),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.dates().map(str),
)

# Posting these would end the persona's session or change who they are mid-run.
NOT_FUZZED = {"/accounts/logout/"}
INPUT_TAG = re.compile(r"<(?:input|select|textarea)\b[^>]*>", re.IGNORECASE)
FIELD_NAME = re.compile(r'\bname="([^"]+)"')
FIELD_VALUE = re.compile(r'\bvalue="([^"]*)"')
# Parameters pages read from their address besides their filter forms.
PAGE_PARAMETERS = ["month", "week", "period", "page", "q", "customer", "region", "job", "type"]


def _project_models():
    return list(
        chain.from_iterable(
            apps.get_app_config(app).get_models() for app in ["salesops", *LOCAL_APPS]
        )
    )


def _row_counts() -> dict[str, int]:
    return {model._meta.label: model._default_manager.count() for model in _project_models()}


def _allowed(case, statuses=(200, 302)) -> str | None:
    """A persona the matrix lets in (a seller or manager before head office)."""
    for persona in PERSONAS:
        if persona != "anonymous" and case.expected[persona] in statuses:
            return persona
    return None


def _fuzzed_cases(cases, method: str) -> list:
    """The matrix's cases of this method that some persona may use (its cases create records:
    the matrix is built once per test)."""
    statuses = (200, 302) if method == "post" else (200,)
    return [
        case
        for case in cases
        if case.method == method
        and case.url.split("?")[0] not in NOT_FUZZED
        and _allowed(case, statuses)
    ]


def _log_in(client, world, case, statuses=(200, 302)) -> None:
    user = getattr(world, _allowed(case, statuses))
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")


def _page_fields(client, case) -> tuple[dict[str, str], bool]:
    """The inputs the page shows with the values it fills in (and whether it takes a file)."""
    headers = {"HTTP_HX_REQUEST": "true"} if case.htmx else {}
    with transaction.atomic():
        response = client.get(case.url, **headers)
        transaction.set_rollback(True)
    if response.status_code != 200 or not hasattr(response, "content"):
        return {}, False
    html = response.content.decode(errors="replace")
    fields = {}
    for tag in INPUT_TAG.findall(html):
        name, value = FIELD_NAME.search(tag), FIELD_VALUE.search(tag)
        if name and name.group(1) != "csrfmiddlewaretoken":
            fields[name.group(1)] = html_unescape(value.group(1)) if value else ""
    return fields, 'type="file"' in html


def _shown_again_with_errors(response) -> bool:
    context = getattr(response, "context", None)
    if response.status_code != 200 or context is None:
        return False
    return any(
        getattr(form, "errors", None)
        for key in ("form", "spread", "upload")
        if (form := context.get(key)) is not None and hasattr(form, "is_bound") and form.is_bound
    )


def _some_fields_fuzzed(data, baseline: dict[str, str]) -> dict[str, str]:
    """The page's own values with one to three fields replaced by fuzz, so that a bad value
    reaches the checks behind the fields that are fine."""
    names = sorted(baseline)
    fuzzed = data.draw(
        st.lists(st.sampled_from(names), min_size=1, max_size=3, unique=True), label="fields"
    )
    return baseline | {name: data.draw(values, label=name) for name in fuzzed}


def _fuzz_one_form(client, case, baseline: dict[str, str], takes_file: bool) -> None:
    @settings(max_examples=FORM_EXAMPLES, **FUZZ_SETTINGS)
    @given(st.data())
    def post_random_values(data):
        payload = _some_fields_fuzzed(data, baseline)
        if takes_file:
            payload["file"] = SimpleUploadedFile(
                data.draw(st.sampled_from(["x.csv", "x.xlsx", "x.txt"]), label="file name"),
                data.draw(st.binary(max_size=300), label="file"),
            )
        headers = {"HTTP_HX_REQUEST": "true"} if case.htmx else {}
        with transaction.atomic():
            before = _row_counts()
            response = client.post(case.url, payload, **headers)
            assert response.status_code < 500, f"{case}: {response.status_code}"
            if _shown_again_with_errors(response):
                assert _row_counts() == before, f"{case} wrote something and refused the form"
            transaction.set_rollback(True)

    post_random_values()


def test_random_values_in_every_form_never_cause_a_server_error_or_a_partial_write(
    personas, client
):
    # The settings in force are created on first read; read them now, so that a first read
    # during a refused form is not taken for a write.
    CompanySettings.current()
    pages, seen = [], {}
    for case in _fuzzed_cases(_cases(personas), "post"):
        _log_in(client, personas, case)
        fields, takes_file = _page_fields(client, case)
        seen |= fields
        pages.append((case, fields, takes_file))
    for case, fields, takes_file in pages:
        _log_in(client, personas, case)
        # A POST-only address has no page of its own: it gets every name the pages showed.
        baseline = ({} if fields else dict(seen)) | fields | case.data
        _fuzz_one_form(client, case, baseline, takes_file)


def test_random_page_parameters_never_cause_a_server_error(personas, client):
    """Every page the matrix opens, with random values in its filters and in the parameters
    pages take (a month, a week, a period, a page number, a search)."""
    for case in _fuzzed_cases(_cases(personas), "get"):
        _log_in(client, personas, case, statuses=(200,))
        fields, _takes_file = _page_fields(client, case)
        _fuzz_one_page(client, case, dict.fromkeys(PAGE_PARAMETERS, "") | fields)


def _fuzz_one_page(client, case, baseline: dict[str, str]) -> None:
    @settings(max_examples=PAGE_EXAMPLES, **FUZZ_SETTINGS)
    @given(st.data())
    def get_random_parameters(data):
        parameters = _some_fields_fuzzed(data, baseline)
        headers = {"HTTP_HX_REQUEST": "true"} if case.htmx else {}
        with transaction.atomic():
            response = client.get(case.url.split("?")[0], parameters, **headers)
            transaction.set_rollback(True)
        assert response.status_code < 500, f"{case}: {response.status_code}"

    get_random_parameters()


def test_the_fuzz_covers_every_form(personas):
    """Every POST of the matrix but logging out has a persona allowed to post it."""
    posts = [case for case in _cases(personas) if case.method == "post"]
    fuzzed = _fuzzed_cases(posts, "post")
    assert len(fuzzed) >= 30
    assert {str(case) for case in posts} - {str(case) for case in fuzzed} <= {
        f"POST {url}" for url in NOT_FUZZED
    } | {str(case) for case in posts if _allowed(case) is None}


# --- the sales import ----------------------------------------------------------------------------


@settings(max_examples=PARSER_EXAMPLES, **FUZZ_SETTINGS)
@given(
    name=st.sampled_from(["sales.csv", "sales.xlsx"]),
    content=st.one_of(
        st.binary(max_size=2000),
        st.text(max_size=500).map(lambda text: ("order_number,line\n" + text).encode()),
    ),
)
def test_random_bytes_are_read_or_refused_by_the_sales_reader(name, content):
    try:
        rows = read_rows(SimpleUploadedFile(name, content))[0]
    except DomainError as refusal:
        rows, field = None, refusal.field
    assert (rows is None and field == "file") or isinstance(rows, list)


GOOD_SALE = {
    "order_number": "SO-1",
    "line": "1",
    "date": "2025-07-31 10:00",
    "customer": "杭州永固胶业",
    "salesperson": "li",
    "amount": "1000",
    "gross_profit": "100",
    "channel": "",
}


def _lines_with_fuzzed_cells(good: dict) -> st.SearchStrategy:
    """One to four lines, each the good line with one to three cells replaced by fuzz."""
    line = st.lists(st.sampled_from(sorted(good)), min_size=1, max_size=3, unique=True).flatmap(
        lambda names: st.fixed_dictionaries(dict.fromkeys(names, values)).map(
            lambda fuzzed: good | fuzzed
        )
    )
    return st.lists(line, min_size=1, max_size=4)


def test_random_sale_lines_are_imported_whole_or_refused_whole(personas):
    from tests.customers.factories import CustomerFactory

    CustomerFactory(name="杭州永固胶业", territory=personas.hangzhou, owner=personas.salesperson)

    @settings(max_examples=PARSER_EXAMPLES, **FUZZ_SETTINGS)
    @given(rows=_lines_with_fuzzed_cells(GOOD_SALE))
    def import_random_lines(rows):
        with transaction.atomic():
            before = Sale.objects.count()
            try:
                result = import_sales(rows=rows, by=personas.head_office, file_name="fuzz.csv")
            except DomainError:
                assert Sale.objects.count() == before  # refused: nothing written
            else:
                assert Sale.objects.count() == before + result.created
            transaction.set_rollback(True)

    import_random_lines()


# --- the prospect import -------------------------------------------------------------------------

PROSPECT_HEADINGS = ["客户名称", "辖区", "电话", "手机", "月需求(元)", "预计下单日期", "联系人"]


@settings(max_examples=PARSER_EXAMPLES, **FUZZ_SETTINGS)
@given(
    name=st.sampled_from(["list.csv", "list.xlsx", "list.txt"]),
    content=st.binary(max_size=2000),
)
def test_random_bytes_are_read_or_refused_by_the_prospect_reader(personas, name, content):
    with transaction.atomic():
        try:
            importing.prepare_import(content=content, file_name=name, by=personas.salesperson)
        except DomainError as refusal:
            field = refusal.field
        else:
            field = "accepted"
        # Refused about the file with nothing kept, or read into a batch for the preview.
        assert field == "accepted" or (field == "file" and not ImportBatch.objects.exists())
        transaction.set_rollback(True)


def _csv(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(PROSPECT_HEADINGS)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8", errors="surrogatepass")


def _xlsx(rows: list[list[str]]) -> bytes:
    workbook = openpyxl.Workbook()
    workbook.active.append(PROSPECT_HEADINGS)
    for row in rows:
        # Characters XML cannot carry are refused by openpyxl itself; keep the rest.
        workbook.active.append([re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", "", cell) for cell in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


GOOD_PROSPECT = dict(
    zip(
        PROSPECT_HEADINGS,
        ["宁波好公司", "330200", "0574-88886666", "13900001111", "80000", "2026-12-05", "王芳"],
        strict=True,
    )
)
prospect_rows = _lines_with_fuzzed_cells(GOOD_PROSPECT).map(
    lambda lines: [[line[heading] for heading in PROSPECT_HEADINGS] for line in lines]
)


def test_random_prospect_lines_are_refused_at_the_preview_or_written_whole(
    personas, django_capture_on_commit_callbacks
):
    @settings(max_examples=PARSER_EXAMPLES, **FUZZ_SETTINGS)
    @given(rows=prospect_rows, as_xlsx=st.booleans())
    def import_random_lines(rows, as_xlsx):
        content = _xlsx(rows) if as_xlsx else _csv(rows)
        name = "list.xlsx" if as_xlsx else "list.csv"
        with transaction.atomic():
            try:
                batch = importing.prepare_import(
                    content=content, file_name=name, by=personas.salesperson
                )
            except DomainError:
                batch = None
            if batch is not None and not batch.errors and batch.total:
                with django_capture_on_commit_callbacks(execute=False):
                    batch = importing.confirm_import(
                        batch=batch, by=personas.salesperson, include_duplicates=True
                    )
                # What the preview accepted is written whole (run as the worker would).
                created = run_import(batch_id=batch.pk)
                batch.refresh_from_db()
                assert batch.status == ImportBatch.Status.DONE
                assert Customer.objects.count() == created == batch.total
            else:
                assert not Customer.objects.exists()
            transaction.set_rollback(True)

    import_random_lines()
