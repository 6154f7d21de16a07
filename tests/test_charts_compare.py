"""The comparison's table and bridge waterfall (kpi/present/compare_charts.py), built without Streamlit on the worked example."""

from dataclasses import replace
from decimal import Decimal

import pytest
from chart_specs import labels_of, layers, locale, rows

from kpi.analysis.compare import ArBridge, compare_periods
from kpi.model.periods import Period
from kpi.present.compare_charts import bridge_chart, bridge_frame, change_table
from kpi.text.formatting import Formatter

NBSP = "\u00a0"
FEBRUARY, MARCH = Period.month(2026, 2), Period.month(2026, 3)


@pytest.fixture(scope="module")
def comparison(worked_ledger):
    return compare_periods(worked_ledger, FEBRUARY, MARCH)


def _by_key(frame):
    return {row["key"]: row for row in frame.to_dict("records")}


def test_the_table_shows_both_dsos_and_a_good_change_in_green(comparison):
    rows = _by_key(change_table(comparison, "fr"))
    dso = rows["dso"]
    assert (dso["label"], dso["reference"], dso["current"]) == ("DSO", f"83,3{NBSP}j", f"33,0{NBSP}j")
    assert dso["change"] == f"-50,3{NBSP}j"
    assert dso["relative"] == f"-60,4{NBSP}%"  # (33,03 − 83,33) / 83,33
    assert dso["verdict"] == "good"  # a falling DSO is an improvement


def test_every_compared_kpi_has_a_row_ratios_first(comparison):
    frame = change_table(comparison, "en")
    assert len(frame) == len(comparison.changes)
    assert list(frame["group"]) == sorted(frame["group"], key=("ratios", "amounts", "aging").index)
    rows = _by_key(frame)
    assert rows["closing_ar"]["verdict"] == ""  # no good direction
    assert rows["aging.31_60"]["label"] == f"Aged balance: 31–60{NBSP}d"
    assert rows["closing_ar"]["current"] == "€6,500.00"


def test_a_rate_changes_in_points(comparison):
    change = comparison.change("overdue_rate")
    text = _by_key(change_table(comparison, "fr"))["overdue_rate"]["change"]
    assert text.endswith(f"{NBSP}pt")
    points = Decimal(str(change.current - change.reference)).quantize(Decimal("0.1"))
    assert text.startswith(("+" if points > 0 else "") + f"{points}".replace(".", ","))


def test_bridge_steps_add_up_and_skip_an_empty_gap(comparison):
    frame = bridge_frame(comparison.bridges, "fr")
    march = frame[frame["period"] == "01/03/2026 – 31/03/2026"]
    assert list(march["step_key"]) == ["opening_ar", "sales", "collected", "written_off", "closing_ar"]
    levels = march.set_index("step_key")
    # 6 250 + 6 100 − 5 450 − 400 = 6 500 (KPI-SPEC's worked example, March)
    assert levels.loc["opening_ar", "top"] == 6250.0
    assert (levels.loc["collected", "bottom"], levels.loc["collected", "top"]) == (6900.0, 12350.0)
    assert levels.loc["collected", "amount_text"] == f"-5\u202f450,00{NBSP}€"
    assert levels.loc["collected", "kind"] == "fall" and levels.loc["sales", "kind"] == "rise"
    assert levels.loc["closing_ar", "top"] == 6500.0


def test_a_gap_the_flows_leave_is_drawn(comparison):
    bridge = comparison.bridges[1]
    broken = replace(bridge, closing_ar=bridge.closing_ar + Decimal("10.00"))
    frame = bridge_frame([broken], "en")
    gap = frame[frame["step_key"] == "other"].iloc[0]
    assert gap["kind"] == "gap" and gap["amount_text"] == "€10.00"


def test_bridge_chart_is_one_waterfall_per_period(comparison):
    spec = bridge_chart(comparison.bridges, "fr").to_dict()
    assert spec["facet"]["column"]["field"] == "period"
    values = next(iter(spec["datasets"].values()))
    assert {row["period"] for row in values} == {"01/02/2026 – 28/02/2026", "01/03/2026 – 31/03/2026"}
    assert isinstance(comparison.bridges[0], ArBridge)


def test_styled_change_table_colours_changes_by_verdict(worked_ledger):
    from kpi.analysis.compare import compare_periods
    from kpi.model.periods import Period
    from kpi.present.compare_charts import VERDICT_COLOURS, change_table, styled_change_table

    rows = change_table(compare_periods(worked_ledger, Period.month(2026, 2), Period.month(2026, 3)))
    titles = {"label": "KPI", "reference": "Février", "current": "Mars", "change": "Écart", "relative": "Écart %"}
    html = styled_change_table(rows, titles).to_html()
    assert "Écart %" in html and "Février" in html
    assert VERDICT_COLOURS["good"] in html  # DSO fell from 83,3 j to 33,0 j: a good change


def test_every_step_of_the_bridge_carries_its_amount(comparison):
    spec = bridge_chart(comparison.bridges, "fr").to_dict()
    values = rows(spec)
    assert len(values) == 10  # five steps in each of two periods, no gap
    for row in values:
        assert [text for text, _ in labels_of(spec, row)] == [row["amount_text"]]
    # Facet cells are `child_width` wide: the labels stand upright when five bars leave too little room.
    mark = labels_of(spec, values[0])[0][1]
    assert mark["angle"]["expr"].startswith("!(child_width / 5 >= ")
    # Room above the highest level (12 350 in March) for a label on its end, in a 320 px chart.
    top = layers(spec)[0]["encoding"]["y"]["scale"]["domain"][1]
    assert top > max(row["top"] for row in values) == 12350.0
    assert locale(spec)["number"]["thousands"] == "\u202f"


def test_the_changes_of_rates_in_the_table_and_the_cards_agree(comparison):
    change = comparison.change("collection_rate")
    text = _by_key(change_table(comparison, "fr"))["collection_rate"]["change"]
    assert text == Formatter("fr").change(change.change, "percent")
    assert text.endswith(f"{NBSP}pt")
    assert _by_key(change_table(comparison, "en"))["collection_rate"]["change"].endswith(f"{NBSP}pp")
