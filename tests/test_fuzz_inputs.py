"""Random and hostile input against every form and both import parsers (hypothesis).

Every POST the role × URL matrix knows is posted, as a persona the matrix lets in, with random
values for the fields its page shows: text with NUL and control characters, numbers beyond
32 bits and beyond the money columns, NaN and Infinity, dates outside the window of
rules.md §0.6, formulas, markup. Both import parsers get random bytes and random cell values.

Asserted each time: no server error (the test client raises the view's exception), and no
partial write (a form shown again with errors, or an import refused, leaves every table as it
was; an import accepted at the preview is written whole).

Inputs fuzzed per run: FORM_EXAMPLES per POST URL (about 40 URLs), and PARSER_EXAMPLES for each
of the five parser properties; `test_the_fuzz_covers_every_form` reports the POST URLs.
"""

import csv
import io
import re
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
from sales.sale_lines import COLUMNS, read_rows
from sales.services.sales import import_sales
from salesops.errors import DomainError
from salesops.models import CompanySettings
from salesops.navigation import LOCAL_APPS
from tests.access_matrix import PERSONAS
from tests.test_access_matrix import _cases

pytestmark = pytest.mark.django_db

FORM_EXAMPLES = 6
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
FIELD_NAME = re.compile(r'<(?:input|select|textarea)\b[^>]*\bname="([^"]+)"', re.IGNORECASE)


def _project_models():
    return list(
        chain.from_iterable(
            apps.get_app_config(app).get_models() for app in ["salesops", *LOCAL_APPS]
        )
    )


def _row_counts() -> dict[str, int]:
    return {model._meta.label: model._default_manager.count() for model in _project_models()}


def _poster(case) -> str | None:
    """A persona the matrix lets post to this URL (a seller or manager before head office)."""
    for persona in PERSONAS:
        if persona != "anonymous" and case.expected[persona] in (200, 302):
            return persona
    return None


def _post_cases(cases) -> list:
    """The matrix's POST cases that some persona may post (its cases create records: the
    matrix is built once per test)."""
    return [
        case
        for case in cases
        if case.method == "post" and case.url.split("?")[0] not in NOT_FUZZED and _poster(case)
    ]


def _field_names(client, case, fallback: set[str]) -> tuple[list[str], bool]:
    """The names of the inputs the page shows (and whether it takes a file); a POST-only
    address has no page, so it gets every name seen on the other pages."""
    headers = {"HTTP_HX_REQUEST": "true"} if case.htmx else {}
    with transaction.atomic():
        response = client.get(case.url, **headers)
        transaction.set_rollback(True)
    if response.status_code != 200 or not hasattr(response, "content"):
        return sorted(fallback | set(case.data)), False
    html = response.content.decode(errors="replace")
    names = set(FIELD_NAME.findall(html)) - {"csrfmiddlewaretoken"}
    return sorted(names | set(case.data)), 'type="file"' in html


def _shown_again_with_errors(response) -> bool:
    context = getattr(response, "context", None)
    if response.status_code != 200 or context is None:
        return False
    return any(
        getattr(form, "errors", None)
        for key in ("form", "spread", "upload")
        if (form := context.get(key)) is not None and hasattr(form, "is_bound") and form.is_bound
    )


def _fuzz_one_form(client, case, names: list[str], takes_file: bool) -> None:
    @settings(max_examples=FORM_EXAMPLES, **FUZZ_SETTINGS)
    @given(st.data())
    def post_random_values(data):
        payload = {name: data.draw(values, label=name) for name in names}
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
    cases = _post_cases(_cases(personas))
    seen_names: set[str] = set()
    pages = []
    for case in cases:
        client.force_login(
            getattr(personas, _poster(case)), backend="django.contrib.auth.backends.ModelBackend"
        )
        names, takes_file = _field_names(client, case, set())
        seen_names |= set(names)
        pages.append((case, names, takes_file))
    for case, names, takes_file in pages:
        client.force_login(
            getattr(personas, _poster(case)), backend="django.contrib.auth.backends.ModelBackend"
        )
        _fuzz_one_form(client, case, names or sorted(seen_names), takes_file)


def test_the_fuzz_covers_every_form(personas):
    """Every POST of the matrix but logging out has a persona allowed to post it."""
    posts = [case for case in _cases(personas) if case.method == "post"]
    fuzzed = _post_cases(posts)
    assert len(fuzzed) >= 30
    assert {str(case) for case in posts} - {str(case) for case in fuzzed} <= {
        f"POST {url}" for url in NOT_FUZZED
    } | {str(case) for case in posts if _poster(case) is None}


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


sale_rows = st.lists(
    st.fixed_dictionaries(dict.fromkeys([*COLUMNS, "channel"], values)),
    min_size=1,
    max_size=4,
)


def test_random_sale_lines_are_imported_whole_or_refused_whole(personas):
    from tests.customers.factories import CustomerFactory

    CustomerFactory(name="杭州永固胶业", territory=personas.hangzhou, owner=personas.salesperson)
    good = {
        "order_number": "SO-1",
        "line": "1",
        "date": "2025-07-31 10:00",
        "customer": "杭州永固胶业",
        "salesperson": "li",
        "amount": "1000",
        "gross_profit": "100",
        "channel": "",
    }

    @settings(max_examples=PARSER_EXAMPLES, **FUZZ_SETTINGS)
    @given(rows=sale_rows, keep=st.lists(st.sampled_from(COLUMNS), max_size=len(COLUMNS)))
    def import_random_lines(rows, keep):
        # Some columns keep a good value, so lines get past the first check now and then.
        rows = [row | {column: good[column] for column in keep} for row in rows]
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


prospect_rows = st.lists(
    st.tuples(
        st.one_of(st.just("宁波好公司"), values),
        st.one_of(st.just("330200"), values),
        values,
        values,
        values,
        values,
        values,
    ).map(list),
    min_size=1,
    max_size=4,
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
