"""The forecast's charts (kpi/forecast_charts.py), built without Streamlit."""

from datetime import date
from decimal import Decimal

import pandas as pd

from kpi.forecast import Backtest, cash_forecast
from kpi.forecast_charts import backtest_chart, backtest_frame, forecast_chart, forecast_frame

NBSP = "\u00a0"


def test_forecast_weeks_carry_french_amounts_and_dates(worked_ledger):
    forecast = cash_forecast(worked_ledger, date(2026, 3, 31))
    frame = forecast_frame(forecast, "fr")
    assert len(frame) == 13
    first = frame.iloc[0]
    assert first["week_text"] == "S1"
    assert first["dates_text"] == "01/04/2026 – 07/04/2026"
    assert first["amount_text"] == f"1\u202f550,00{NBSP}€"
    assert sum(Decimal(str(a)) for a in frame["amount"]) == forecast.expected_in_horizon
    spec = forecast_chart(forecast, "en").to_dict()
    assert spec["mark"]["type"] == "bar"
    assert next(iter(spec["datasets"].values()))[0]["week_text"] == "W1"


def test_backtest_bars_pair_forecast_and_collected_per_date():
    rows = pd.DataFrame({
        "as_of": [date(2026, 1, 16)] * 2, "week": [1, 2],
        "week_start": [date(2026, 1, 17), date(2026, 1, 24)], "week_end": [date(2026, 1, 23), date(2026, 1, 30)],
        "forecast": [Decimal("100.00"), Decimal("50.00")], "actual": [Decimal("80.00"), Decimal("50.00")],
        "actual_doubtful": [Decimal("0.00")] * 2,
    })
    frame = backtest_frame(Backtest(rows), "fr")
    assert list(frame["series"]) == ["Prévu", "Encaissé"]
    assert list(frame["amount_text"]) == [f"150,00{NBSP}€", f"130,00{NBSP}€"]
    assert set(frame["wape_text"]) == {f"15,4{NBSP}%"}  # |100 − 80| / 130
    spec = backtest_chart(Backtest(rows), "fr").to_dict()
    assert spec["encoding"]["xOffset"]["field"] == "series"
