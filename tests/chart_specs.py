"""Reading a chart's Vega-Lite spec in tests: its rows, its layers, and which text mark labels each bar."""

from __future__ import annotations

from types import SimpleNamespace


def spec_of(chart) -> dict:
    return chart.to_dict()


def rows(spec: dict) -> list[dict]:
    """The chart's data rows (Altair puts one data set in `datasets`)."""
    datasets = spec.get("datasets", {})
    assert len(datasets) == 1, list(datasets)
    return next(iter(datasets.values()))


def layers(spec: dict) -> list[dict]:
    """The layers of a layered chart, or of a faceted one's inner spec."""
    inner = spec.get("spec", spec)
    return inner.get("layer", [inner])


def mark_type(layer: dict) -> str:
    mark = layer["mark"]
    return mark if isinstance(mark, str) else mark["type"]


def _keeps(expression: str, row: dict) -> bool:
    """A layer's filter, a Vega expression of `datum.field`, `===`, `&&`, `||` and comparisons, on one row."""
    python = expression.replace("===", "==").replace("&&", " and ").replace("||", " or ").replace("datum.", "row.")
    return bool(eval(python, {}, {"row": SimpleNamespace(**row)}))


def labels_of(spec: dict, row: dict) -> list[tuple[str, dict]]:
    """The text marks that write on this row's bar: (text, the text layer's mark) for each."""
    found = []
    for layer in layers(spec):
        if mark_type(layer) != "text":
            continue
        filters = [step["filter"] for step in layer.get("transform", []) if "filter" in step]
        if all(_keeps(expression, row) for expression in filters):
            found.append((row[layer["encoding"]["text"]["field"]], layer["mark"]))
    return found


def locale(spec: dict) -> dict:
    return spec["config"]["locale"]
