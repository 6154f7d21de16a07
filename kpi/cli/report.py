"""`report`: every KPI of a period, as a table or as the KPI-SPEC §5 JSON object."""

from __future__ import annotations

import argparse

from kpi.cli.common import add_choice, add_files, add_filters, add_lang, add_period, filters_of, open_sources
from kpi.cli.tables import AMOUNT, LABEL, Column, table_lines
from kpi.cli.terminal import Output, write_json
from kpi.metrics.report import AGING_KEYS, AMOUNT_KEYS, RATIO_KEYS, period_report
from kpi.model.periods import Period
from kpi.text.messages import message_text

NAME = "report"
HELP = "every KPI of a period"
DESCRIPTION = "Every KPI of the period [--from, --to], both days included."
VALUE = Column(AMOUNT.align, 18)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_files(parser)
    add_period(parser)
    add_filters(parser)
    add_choice(
        parser,
        "--format",
        ("json", "table"),
        "table",
        "json: the KPI-SPEC §5 object; table: a readable summary (default)",
    )
    add_lang(parser, "the table format")


def run(args: argparse.Namespace, out: Output) -> None:
    ledger = open_sources(args)
    filters = filters_of(args, ledger)
    result = period_report(ledger, Period(args.start, args.end), filters)
    if args.format == "json":
        write_json(result.to_json_dict(), out)
        return
    from kpi.metrics.catalogue import kpi
    from kpi.text.formatting import format_value
    from kpi.text.i18n import bucket_label, translate

    lang = args.lang
    lines = [
        f"{translate('cli.period', lang)} {args.start.isoformat()} → {args.end.isoformat()}"
        f" ({message_text('cli.days', lang, count=result.period.days)})",
        f"{translate('matching.label', lang)} : {translate(f'matching.{filters.matching}', lang)}",
    ]
    rows = [
        (translate(f"kpi.{key}.label", lang), format_value(getattr(result, key), "money", lang)) for key in AMOUNT_KEYS
    ]
    rows += [(bucket_label(key, lang), format_value(result.aging[key], "money", lang)) for key in AGING_KEYS]
    rows += [
        (translate(f"kpi.{key}.label", lang), format_value(getattr(result, key), kpi(key).unit, lang))
        for key in RATIO_KEYS
    ]
    lines += table_lines(rows, (LABEL, VALUE))
    out.write("\n".join(lines) + "\n")
