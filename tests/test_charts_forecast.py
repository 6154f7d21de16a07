"""The forecast's charts (kpi/present/forecast_charts.py), built without Streamlit."""

from datetime import date
from decimal import Decimal

import pandas as pd
from chart_specs import labels_of, layers, locale, rows

from kpi.metrics.forecast import Backtest, cash_forecast
from kpi.present.forecast_charts import backtest_chart, backtest_frame, forecast_chart, forecast_frame

NBSP = "\u00a0"


def test_forecast_weeks_carry_french_amounts_and_dates(worked_ledger):
    forecast = cash_forecast(worked_ledger, date(2026, 3, 31))
    frame = forecast_frame(forecast, "fr")
    assert len(frame) == 13
    first = frame.iloc[0]
    assert first["week_text"] == "S1 · 01/04"  # the week's number and its first day
    assert frame.iloc[12]["week_text"] == "S13 · 24/06"
    assert first["dates_text"] == "01/04/2026 – 07/04/2026"
    assert first["amount_text"] == f"1\u202f550,00{NBSP}€"
    assert sum(Decimal(str(a)) for a in frame["amount"]) == forecast.expected_in_horizon


def test_forecast_axis_names_each_week_with_its_date_in_the_language(worked_ledger):
    forecast = cash_forecast(worked_ledger, date(2026, 3, 31))
    spec = forecast_chart(forecast, "en").to_dict()
    weeks = rows(spec)
    assert [row["week_text"] for row in weeks[:3]] == ["W1 · 1 Apr", "W2 · 8 Apr", "W3 · 15 Apr"]
    bars = layers(spec)[0]
    assert bars["mark"]["type"] == "bar"
    # Number and date on two lines under each bar, so thirteen fit a phone's width.
    assert bars["encoding"]["x"]["axis"]["labelExpr"] == "split(datum.label, ' · ')"
    assert bars["encoding"]["x"]["sort"] == [row["week_text"] for row in weeks]
    assert locale(spec)["number"]["decimal"] == "."
    assert locale(forecast_chart(forecast, "fr").to_dict())["time"]["shortMonths"][3] == "avr."


def test_every_forecast_week_carries_its_amount(worked_ledger):
    forecast = cash_forecast(worked_ledger, date(2026, 3, 31))
    spec = forecast_chart(forecast, "fr").to_dict()
    for row in rows(spec):
        assert [text for text, _ in labels_of(spec, row)] == [row["amount_text"]]
    assert rows(spec)[0]["amount_text"] == f"1\u202f550,00{NBSP}€"


def test_backtest_bars_pair_forecast_and_collected_per_date():
    history = pd.DataFrame(
        {
            "as_of": [date(2026, 1, 16)] * 2,
            "week": [1, 2],
            "week_start": [date(2026, 1, 17), date(2026, 1, 24)],
            "week_end": [date(2026, 1, 23), date(2026, 1, 30)],
            "forecast": [Decimal("100.00"), Decimal("50.00")],
            "actual": [Decimal("80.00"), Decimal("50.00")],
            "actual_doubtful": [Decimal("0.00")] * 2,
        }
    )
    frame = backtest_frame(Backtest(history), "fr")
    assert list(frame["series"]) == ["Prévu", "Encaissé"]
    assert list(frame["amount_text"]) == [f"150,00{NBSP}€", f"130,00{NBSP}€"]
    assert set(frame["wape_text"]) == {f"15,4{NBSP}%"}  # |100 − 80| / 130
    spec = backtest_chart(Backtest(history), "fr").to_dict()
    assert layers(spec)[0]["encoding"]["xOffset"]["field"] == "series"
    labelled = [[text for text, _ in labels_of(spec, row)] for row in rows(spec)]
    assert labelled == [[f"150,00{NBSP}€"], [f"130,00{NBSP}€"]]
    assert layers(spec)[0]["encoding"]["color"]["legend"]["labelLimit"] == 0
