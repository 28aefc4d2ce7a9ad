"""The rollup's charts (Chart.js, drawn by static/js/rollups.js from a json_script) and the
table under each: both come from the same rows here, so they cannot disagree."""

from django.utils.translation import gettext as _

from rollups import selectors
from rollups.levels import COMPANY, Level


def _number(value):
    return float(value) if value is not None else None


def _chart(key, title, kind, labels, datasets, headers, rows, *, stacked=False) -> dict:
    return {
        "id": f"chart-{key}",
        "data_id": f"chart-{key}-data",
        "title": title,
        "headers": headers,
        "rows": rows,
        "data": {
            "type": kind,
            "stacked": stacked,
            "labels": labels,
            "datasets": [
                {"label": label, "data": [_number(value) for value in values], "kind": dataset_kind}
                for label, values, dataset_kind in datasets
            ],
        },
    }


def attainment_chart(level: Level, figures) -> dict:
    months = sorted(figures)
    labels = [f"{month:%Y-%m}" for month in months]
    series = [figures[month] for month in months]
    quota = [f.quota for f in series]
    carried = [f.carried_over for f in series]
    sales = [f.scored_sales for f in series]
    target = [f.target for f in series]
    rows = [
        [label, f.quota, f.carried_over, f.target, f.scored_sales, f.attainment]
        for label, f in zip(labels, series, strict=True)
    ]
    return _chart(
        "attainment",
        _("Attainment by month: sales against the target with carry-over"),
        "bar",
        labels,
        [
            (_("Quota"), quota, "bar"),
            (_("Carried over"), carried, "bar"),
            (_("Sales"), sales, "line"),
        ],
        [_("Month"), _("Quota"), _("Carried over"), _("Target"), _("Sales"), _("Attainment")],
        rows,
        stacked=True,
    ) | {"target": target}


def channel_chart(channels: list[dict]) -> dict:
    labels = [str(row["channel"]) for row in channels]
    return _chart(
        "channels",
        _("Sales against quota by channel"),
        "bar",
        labels,
        [
            (_("Sales"), [row["sales"] for row in channels], "bar"),
            (_("Quota"), [row["quota"] for row in channels], "bar"),
            (_("Gross profit"), [row["gross_profit"] for row in channels], "bar"),
        ],
        [
            _("Channel"),
            _("Sales"),
            _("Gross profit"),
            _("Quota"),
            _("Attainment"),
            _("Attainment last month"),
            _("Attainment a year before"),
            _("Sales vs last month"),
            _("Sales vs a year before"),
        ],
        [
            [
                label,
                row["sales"],
                row["gross_profit"],
                row["quota"],
                row["attainment"],
                row["attainment_last_month"],
                row["attainment_last_year"],
                row["sales_vs_last_month"],
                row["sales_vs_last_year"],
            ]
            for label, row in zip(labels, channels, strict=True)
        ],
    )


def class_chart(figures) -> dict:
    months = sorted(figures)
    labels = [f"{month:%Y-%m}" for month in months]
    counts = {
        letter: [figures[m].classes.get(letter, 0) for m in months] for letter in selectors.CLASSES
    }
    return _chart(
        "classes",
        _("A/B/C/D customers over time"),
        "bar",
        labels,
        [(letter, counts[letter], "bar") for letter in selectors.CLASSES],
        [_("Month"), *selectors.CLASSES],
        [
            [label, *(counts[letter][i] for letter in selectors.CLASSES)]
            for i, label in enumerate(labels)
        ],
        stacked=True,
    )


def regions_chart(children) -> dict:
    labels = [row.name for row in children]
    return _chart(
        "regions",
        _("Regions compared"),
        "bar",
        labels,
        [
            (_("Sales"), [row.figures.sales for row in children], "bar"),
            (_("Target"), [row.figures.target for row in children], "bar"),
            (_("Gross profit"), [row.figures.gross_profit for row in children], "bar"),
        ],
        [_("Region"), _("Sales"), _("Target"), _("Gross profit"), _("Attainment")],
        [
            [
                row.name,
                row.figures.sales,
                row.figures.target,
                row.figures.gross_profit,
                row.figures.attainment,
            ]
            for row in children
        ],
    )


def charts(level: Level, context: dict) -> list[dict]:
    if not context["has_data"]:
        return []
    found = []
    if level.kind == COMPANY:
        found.append(regions_chart(context["children"]))
    found.append(attainment_chart(level, context["figures"]))
    found.append(channel_chart(context["channels"]))
    if any(figures.classes for figures in context["figures"].values()):
        found.append(class_chart(context["figures"]))  # no chart of classes never recorded
    return found
