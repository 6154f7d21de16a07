"""`audit`: the client audit report (cover, findings, KPIs in words, trend, aged balance…) as PDF, HTML or XLSX."""

from __future__ import annotations

import argparse
from pathlib import Path

from kpi.cli.common import (
    add_choice,
    add_files,
    add_filters,
    add_lang,
    add_period,
    filters_of,
    open_sources,
    write_output,
)
from kpi.cli.terminal import Output
from kpi.model.periods import Period
from kpi.text.errors import UsageError
from kpi.text.messages import Message

NAME = "audit"
HELP = "the client audit report (XLSX, HTML or PDF)"
DESCRIPTION = (
    "Cover (client, period, matching mode, author, date), findings, headline KPIs each computed in"
    " words with the period's numbers, trend, aged balance, top 20 overdue customers with their"
    " rating, data quality and KPI definitions, for the period [--from, --to]."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_files(parser)
    add_period(parser)
    parser.add_argument(
        "-o",
        "--output",
        type=Path,
        default=Path("."),
        help="report.xlsx, report.html or report.pdf (the suffix picks the format), or a folder to write"
        " audit-<client>-<period>.<format> into (default: the current folder)",
    )
    add_choice(
        parser,
        "--format",
        ("pdf", "html", "xlsx"),
        "pdf",
        "the format when --output is a folder (default pdf)",
        dest="report_format",
    )
    parser.add_argument(
        "--client",
        "--company",
        dest="client",
        help="the client named on the cover and in the file name (default: the workspace's client"
        " setting, else the workspace's name)",
    )
    parser.add_argument("--author", help="the author named on the cover (default: the workspace's setting, else none)")
    add_filters(parser)
    add_lang(parser, "the report")


def run(args: argparse.Namespace, out: Output) -> None:
    from kpi.analysis.audit import build_audit, report_identity
    from kpi.exports.audit import FORMATS, audit_file_name, write_audit
    from kpi.store.workspace import is_workspace

    folder = args.output.is_dir()
    fmt = args.report_format if folder else args.output.suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        raise UsageError(Message("cli.audit_suffix", suffixes=", ".join(FORMATS), name=args.output.name))
    ledger = open_sources(args)
    period = Period(args.start, args.end)
    workspace_name = args.files[0].resolve().name if len(args.files) == 1 and is_workspace(args.files[0]) else ""
    client, author = report_identity(ledger, workspace_name, args.client, args.author)
    report = build_audit(ledger, period, filters_of(args, ledger), client=client, author=author, lang=args.lang)
    output = args.output / audit_file_name(client, period, fmt) if folder else args.output
    write_output(output, write_audit(report, fmt))
    out.write(f"{output}\n")
