"""The quota grid's cells, written in one pass (sales.templatetags.quota_cells): what the
grid shows in each state, and typed text escaped like any user data."""

from datetime import date
from decimal import Decimal

from django.template import Context, Template

OPEN, CLOSED = date(2026, 7, 1), date(2026, 6, 1)


def _cell(cell: dict, *, can_edit=True, label="王芳 <终端>") -> str:
    template = Template("{% load quota_cells %}{% quota_cell cell label %}")
    context = {"cell": cell, "label": label, "can_edit": can_edit, "open_months": [OPEN]}
    return template.render(Context(context))


def test_an_open_cell_shows_its_amount_ready_to_edit():
    html = _cell({"name": "q-3-2026-07-terminal", "month": OPEN, "amount": Decimal("375000")})
    assert html == (
        '<td><input class="form-control form-control-sm text-end" name="q-3-2026-07-terminal" '
        'aria-label="王芳 &lt;终端&gt; 2026-07" value="375,000.00" inputmode="decimal"></td>'
    )


def test_a_closed_month_or_a_reader_gets_a_greyed_out_cell():
    closed = _cell({"name": "q-3-2026-06-terminal", "month": CLOSED, "amount": None})
    read_only = _cell({"name": "q-3-2026-07-terminal", "month": OPEN}, can_edit=False)
    assert closed.endswith('value="" inputmode="decimal" disabled></td>')
    assert read_only.endswith('value="" inputmode="decimal" disabled></td>')


def test_a_refused_cell_keeps_what_was_typed_escaped_with_the_reason_beside_it():
    cell = {
        "name": "q-3-2026-07-terminal",
        "month": OPEN,
        "amount": Decimal("1"),
        "typed": '"><script>alert(1)</script>',
        "errors": ["Enter an amount such as 375,000.00 or 375000.", "<b>twice</b>"],
    }
    html = _cell(cell)
    assert 'class="form-control form-control-sm text-end is-invalid"' in html
    assert 'aria-describedby="q-3-2026-07-terminal-refused"' in html
    assert 'value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"' in html
    assert "<script>" not in html and "<b>" not in html
    assert (
        '<div class="invalid-feedback" id="q-3-2026-07-terminal-refused">'
        "Enter an amount such as 375,000.00 or 375000. &lt;b&gt;twice&lt;/b&gt;</div></td>"
    ) in html
