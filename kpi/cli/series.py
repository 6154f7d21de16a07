"""`series`: every KPI month by month, as CSV (one row a month) or as a list of KPI-SPEC §5 objects."""

from __future__ import annotations

import argparse
import csv

from kpi.cli.common import add_choice, add_files, add_filters, add_lang, add_period, filters_of, open_sources
from kpi.cli.terminal import Output, write_json
from kpi.metrics.series import monthly_reports, monthly_rows
from kpi.text.formatting import is_missing

NAME = "series"
HELP = "every KPI month by month"
DESCRIPTION = "Every KPI for each calendar month between two dates, and the aged balance at each month end."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_files(parser)
    add_period(parser, "a day in the first month", "a day in the last month")
    add_filters(parser)
    add_choice(
        parser,
        "--format",
        ("csv", "json"),
        "csv",
        "csv: one row per month (default); json: a list of KPI-SPEC §5 objects with aging history",
    )
    add_lang(parser)


def run(args: argparse.Namespace, out: Output) -> None:
    ledger = open_sources(args)
    filters = filters_of(args, ledger)
    if args.format == "json":
        write_json([r.to_json_dict() for r in monthly_reports(ledger, args.start, args.end, filters)], out)
        return
    rows = monthly_rows(ledger, args.start, args.end, filters)
    writer = csv.writer(out, lineterminator="\n")
    if rows:
        writer.writerow(rows[0].keys())
    writer.writerows([series_cell(value) for value in row.values()] for row in rows)


def series_cell(value: object) -> str:
    """A cell of the series CSV as pandas' to_csv wrote it when the series was a frame: empty for
    None or NaN, the shortest repr for a float, str() for the rest (Decimal, date, int, text)."""
    if is_missing(value):
        return ""
    return repr(value) if isinstance(value, float) else str(value)
