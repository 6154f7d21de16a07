"""`forecast`: the expected cash-in of the next 13 weeks, and the same forecast made at past dates (back-test)."""

from __future__ import annotations

import argparse
from datetime import date

from kpi.cli.common import add_as_of, add_files, add_filters, add_lang, filters_of, open_sources
from kpi.cli.tables import AMOUNT, LABEL, Column, table_lines
from kpi.cli.terminal import Output

NAME = "forecast"
HELP = "expected cash-in of the next 13 weeks, and its back-test"
DESCRIPTION = (
    "Expected collections by week after --as-of (see kpi/sql/queries/cash_forecast.sql), then the same"
    " forecast made at past dates against what was actually collected."
)
WEEK = Column(AMOUNT.align, 3)
MONEY = Column(AMOUNT.align, 16)
TOTAL_LABEL = Column(LABEL.align, 48)
TEXT = Column(LABEL.align, 0)  # as long as it is: the rows' other cells keep their own widths


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_files(parser)
    add_as_of(parser, "forecast made at the end of this day (default: the ledger's last date)")
    parser.add_argument(
        "--backtest-dates",
        type=int,
        default=8,
        metavar="N",
        help="how many past dates to back-test, 4 weeks apart (default 8; 0: none)",
    )
    add_filters(parser)
    add_lang(parser, "labels")


def run(args: argparse.Namespace, out: Output) -> None:
    from kpi.metrics.forecast import backtest, backtest_dates, cash_forecast
    from kpi.text.formatting import format_date, format_money, format_percent
    from kpi.text.i18n import translate

    ledger = open_sources(args)
    lang, filters = args.lang, filters_of(args, ledger)
    as_of = args.as_of or (ledger.date_range() or (date.today(), date.today()))[1]
    result = cash_forecast(ledger, as_of, filters)
    lines = [f"{translate('forecast.title', lang)} {format_date(as_of, lang)}"]
    weeks = [
        (week.week, f"{format_date(week.week_start, lang)} – {format_date(week.week_end, lang)}", week.expected)
        for week in result.weeks.itertuples(index=False)
    ]
    lines += table_lines([(n, dates, format_money(v, lang)) for n, dates, v in weeks], (WEEK, TEXT, MONEY))
    totals = (
        ("forecast.horizon_total", result.expected_in_horizon),
        ("forecast.beyond", result.beyond),
        ("forecast.doubtful", result.doubtful),
        ("forecast.unapplied_credits", result.unapplied_credits),
        ("forecast.ar", result.ar),
    )
    lines += table_lines(
        [(translate(key, lang), format_money(value, lang)) for key, value in totals], (TOTAL_LABEL, MONEY), gap=" "
    )
    if result.promises is not None and not result.promises.empty:
        placed = translate(
            "promises.forecast_caption", lang, count=len(result.promises), amount=format_money(result.promised, lang)
        )
        lines += ["", placed]
    dates = backtest_dates(ledger, args.backtest_dates) if args.backtest_dates > 0 else []
    if dates:
        test = backtest(ledger, dates, filters)
        lines += ["", translate("forecast.backtest", lang)]
        rows = [
            (
                format_date(row.as_of, lang),
                format_money(row.forecast, lang),
                format_money(row.actual, lang),
                f"WAPE {format_percent(row.wape, lang):>8}",
            )
            for row in test.by_date().itertuples(index=False)
        ]
        lines += table_lines(rows, (TEXT, MONEY, MONEY, TEXT))
        lines.append(
            f"WAPE {format_percent(test.wape, lang)} · {translate('forecast.bias', lang)} {format_percent(test.bias, lang)}"
        )
    out.write("\n".join(lines) + "\n")
