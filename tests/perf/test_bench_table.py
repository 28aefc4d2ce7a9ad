"""The benchmark's results table: a menu entry that opens another page at the larger tier is
named as such, not counted as a page whose queries grew or shrank (P2)."""

import pytest
from django.urls import reverse

from tests.perf import measure
from tests.perf.bench import table


def _page(queries: int, page: str) -> dict:
    return {"p95_ms": 10.0, "median_ms": 9.0, "queries": queries, "rows": 3, "page": page}


def _results(s_pages: dict, l_pages: dict) -> dict:
    return {"pages": {"S": [s_pages], "L": [l_pages]}, "jobs": {"S": [], "L": []}}


def _p2_line(text: str, name: str) -> str:
    return next(line for line in text.splitlines() if line.startswith(f"| P2 | {name} "))


def test_an_entry_that_opens_another_page_at_the_larger_tier_is_named_not_judged():
    s_pages = {"regions (head_office)": _page(9, "territories/region_detail.html")}
    l_pages = {"regions (head_office)": _page(4, "territories/region_list.html")}

    line = _p2_line(table("L", _results(s_pages, l_pages), {}), "regions (head_office)")

    assert line.endswith(
        "| — (another page: territories/region_detail.html at S, "
        "territories/region_list.html at L) |"
    )


def test_the_same_page_at_both_tiers_is_judged_on_its_queries():
    same = "territories/region_detail.html"
    grew = _results({"region page": _page(9, same)}, {"region page": _page(10, same)})
    equal = _results({"region page": _page(9, same)}, {"region page": _page(9, same)})

    assert _p2_line(table("L", grew, {}), "region page").endswith("| **no** |")
    assert _p2_line(table("L", equal, {}), "region page").endswith("| yes |")


@pytest.mark.django_db
def test_the_page_a_request_rendered_is_named_by_its_first_template(personas, login):
    client = login(personas.head_office)

    with measure.templates_rendered() as templates:
        client.get(reverse("territories:regions"))

    assert templates[0] == "territories/region_list.html"


def _jobs_at_l(p5: dict) -> dict:
    rollup = {"cells": 10, "job_s": 100.0}
    p7 = {
        "lines": 1000,
        "imports_s": [2.0, 2.2],
        "copies_s": [1.0, 1.0],
        "import_s": 2.1,
        "lines_per_s": 476,
        "copy_s": 1.0,
        "ratio": 2.1,
    }
    figures = {"P4": {}, "region rollup": rollup, "P5": p5, "P7": p7}
    return {"pages": {"S": [], "L": []}, "jobs": {"S": [], "L": [figures]}}


def test_one_day_is_shown_as_each_of_its_runs_and_judged_on_their_median():
    p5 = {
        "lines": 9200,
        "visits": 7900,
        "days_s": [5.1, 11.6, 4.9],
        "incremental_s": 5.1,
        "full_s": 150.0,
        "ratio": 0.034,
    }

    text = table("L", _jobs_at_l(p5), {})
    line = next(line for line in text.splitlines() if line.startswith("| P5 (L) |"))

    assert line == (
        "| P5 (L) | one day (9200 lines, 7900 visits), median of 5.1, 11.6, 4.9 s: 5.1 s ÷ full "
        "150.0 s | 0.034 | ≤ 0.05 | yes |"
    )


def test_the_import_is_shown_as_each_of_its_runs_and_judged_on_their_medians():
    p5 = {"lines": 1, "visits": 1, "days_s": [1.0], "incremental_s": 1.0, "full_s": 100.0}
    text = table("L", _jobs_at_l({**p5, "ratio": 0.01}), {})
    line = next(line for line in text.splitlines() if line.startswith("| P7 (L) |"))

    assert line == (
        "| P7 (L) | import of 1000 lines, medians of 2.0, 2.2 s and 1.0, 1.0 s: 2.1 s (476/s) "
        "÷ COPY 1.0 s | 2.1 | ≤ 2 | **no** |"
    )


def test_a_form_post_is_judged_by_its_absolute_figure_at_the_larger_tier():
    def posts(ms: float) -> list[dict]:
        return [{"log a visit (salesperson)": {"p95_ms": ms, "median_ms": ms}}]

    results = {"pages": {"S": [], "L": []}, "jobs": {"S": [], "L": []}}
    quick = table("L", results | {"posts": {"S": posts(40.0), "L": posts(120.0)}}, {})
    slow = table("L", results | {"posts": {"S": posts(40.0), "L": posts(260.0)}}, {})

    line = "| post | log a visit (salesperson) p95 ms | 40 | 120 | 3.00 | ≤ 200 ms at L | yes |"
    assert line in quick.splitlines()
    assert slow.splitlines()[-1].endswith("| ≤ 200 ms at L | **no** |")
