"""The command line: `python -m kpi report|aging|series|import|inspect|demo|whatif|forecast|audit`."""

from __future__ import annotations

import argparse
import codecs
import csv
import functools
import json
import os
import re
import sys
from datetime import date
from pathlib import Path

import duckdb

# Only what every command needs loads here: the importers (and pandas with them), the exports and the
# renderers load in the commands that use them, so that a report on a workspace starts in a fraction
# of a second (issue 12).
from kpi.metrics.aging import DEFAULT_EDGES, aged_balance_records, parse_edges
from kpi.metrics.report import AGING_KEYS, AMOUNT_KEYS, RATIO_KEYS, period_report
from kpi.metrics.series import monthly_reports, monthly_rows
from kpi.model.filters import DEFAULT_MATCHING, MATCHING_MODES, MATCHING_SETTING, Filters
from kpi.model.periods import Period
from kpi.store.ledger import Ledger
from kpi.text.errors import EncoursError, OutputNotWritable, UsageError
from kpi.text.formatting import is_missing
from kpi.text.messages import Message, message_text

FILES_HELP = (
    "a workspace directory (made by `import`), or ledger files: the canonical documents.csv and"
    " settlements.csv pair (CSV or Parquet) or any export the importers recognise. A file whose name starts"
    " with - is read as an option: write ./-name.csv, or put -- before the files, after every option"
)
DASHED_NAMES = (
    "A file whose name starts with a dash (-rf.csv) looks like an option: write it ./-rf.csv, or end the options"
    " with -- and give the files after it (python -m kpi import WORKSPACE -- -rf.csv)."
)
# What a data file may hold that a terminal would obey: C0 and C1 controls (ESC starts the ANSI
# sequences that clear or colour the screen), DEL, and the bidirectional overrides that reorder text.
TERMINAL_CONTROLS = re.compile(r"\r(?!\n)|[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
CELL_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
JSON_CONTROLS = re.compile(r"[\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
SUFFIXES = (".csv", ".txt", ".tsv", ".xlsx", ".xlsm", ".xls", ".parquet", ".pq", ".json")


def _visible(character: str) -> str:
    code = ord(character)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def terminal_text(text: str) -> str:
    """Text safe to print: every control character shown as its escape (\\x1b), so that a name holding
    ANSI escapes cannot clear or colour the terminal; line ends and tabs kept."""
    return TERMINAL_CONTROLS.sub(lambda m: _visible(m.group()), text)


def terminal_cell(value: object) -> str:
    """One cell of a printed table: line ends and tabs escaped too, so that the table keeps its rows."""
    return CELL_CONTROLS.sub(lambda m: _visible(m.group()), "" if value is None else str(value))


class TerminalStream:
    """A text stream that escapes control characters from the data before they reach the terminal."""

    def __init__(self, stream):
        self.stream = stream

    def write(self, text: str) -> int:
        return self.stream.write(terminal_text(text))

    def flush(self) -> None:
        self.stream.flush()


def _json(value, out) -> None:
    """JSON on the terminal: json escapes C0 controls itself; C1 and bidi overrides are escaped as \\u too,
    so the text stays valid JSON holding exactly the data."""
    text = json.dumps(value, ensure_ascii=False, indent=2, default=str)
    out.write(JSON_CONTROLS.sub(lambda m: f"\\u{ord(m.group()):04x}", text) + "\n")


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date as YYYY-MM-DD, got {text!r}") from None


def _edges(text: str) -> tuple[int, ...]:
    try:
        return parse_edges(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _terms(text: str) -> str:
    from kpi.importers.terms import PaymentTerms

    try:
        PaymentTerms.parse(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None
    return text


def _layout(text: str) -> str:
    from kpi.importers.options import LAYOUT_ALIASES, LAYOUTS

    if LAYOUT_ALIASES.get(text.lower(), text.lower()) not in LAYOUTS:
        raise argparse.ArgumentTypeError(f"unknown layout {text!r}; expected one of {', '.join(LAYOUTS)}")
    return text


def _encoding(text: str) -> str:
    try:
        codecs.lookup(text)
    except LookupError:
        raise argparse.ArgumentTypeError(
            f"unknown encoding {text!r}; expected e.g. utf-8, cp1252, iso-8859-15"
        ) from None
    return text


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected a number ≥ 0, got {value}")
    return value


def _currency(text: str) -> str:
    code = text.strip().upper()
    if not (len(code) == 3 and code.isalpha()):
        raise argparse.ArgumentTypeError(f"expected a three-letter currency code such as EUR, USD or CHF, got {text!r}")
    return code


def _add_files(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("files", nargs="+", type=Path, metavar="FILES", help=FILES_HELP)
    group = parser.add_argument_group("reading files (ignored for a workspace)")
    group.add_argument("--layout", type=_layout, help="force a layout instead of detecting it (see `inspect`)")
    group.add_argument("--mapping", type=Path, help="JSON file mapping the file's columns to canonical columns")
    group.add_argument("--sheet", help="XLSX sheet to read (default: the first)")
    group.add_argument(
        "--terms",
        type=_terms,
        help="payment terms when a file has no due date: days (30) or end of month (eom45); default 30",
    )
    order = group.add_mutually_exclusive_group()
    order.add_argument(
        "--dayfirst", dest="dayfirst", action="store_true", default=None, help="read ambiguous dates as DD/MM/YYYY"
    )
    order.add_argument("--monthfirst", dest="dayfirst", action="store_false", help="read ambiguous dates as MM/DD/YYYY")
    group.add_argument("--encoding", type=_encoding, help="force the text encoding (utf-8, cp1252, iso-8859-15)")
    group.add_argument("--delimiter", help="force the CSV separator (, ; tab |)")
    group.add_argument(
        "--currency",
        type=_currency,
        metavar="CODE",
        help="the files' currency as an ISO code (EUR, USD, CHF…): amounts marked with another are"
        " refused; default: the files' own currency column, else EUR (a workspace keeps its own)",
    )


def _add_filters(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--customer", action="append", default=[], metavar="ID", help="keep this customer id (repeat for several)"
    )
    parser.add_argument(
        "--activity", action="append", default=[], metavar="A", help="keep this activity (repeat for several)"
    )
    parser.add_argument(
        "--apply-credits",
        dest="apply_credits",
        choices=MATCHING_MODES,
        metavar="MODE",
        help="how credits meet invoices (KPI-SPEC §2): matched = as the data matched them, piece by piece as lettered;"
        " oldest = each customer's unapplied credits applied to its oldest invoices (for ledgers that are not"
        " lettered). Default: the workspace's setting, else matched",
    )


def _add_period(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--from", dest="start", type=_date, required=True, metavar="S", help="first day of the period (YYYY-MM-DD)"
    )
    parser.add_argument(
        "--to", dest="end", type=_date, required=True, metavar="E", help="last day of the period, included (YYYY-MM-DD)"
    )


def default_language(environ=None) -> str:
    """The language of the user's locale, as gettext reads it: LC_ALL, then LC_MESSAGES, then LANG; `en…` gives
    English, anything else French (Encours's first language)."""
    environ = os.environ if environ is None else environ
    setting = next((environ[name] for name in ("LC_ALL", "LC_MESSAGES", "LANG") if environ.get(name)), "")
    return "en" if setting.lower().startswith("en") else "fr"


def _add_lang(parser: argparse.ArgumentParser, what: str = "messages") -> None:
    parser.add_argument(
        "--lang",
        choices=("fr", "en"),
        default=default_language(),
        help=f"language of {what} and of every message (default: from LC_ALL, LC_MESSAGES or LANG,"
        " en_* giving en; else fr)",
    )


def _add_limits(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group(
        "limits (default: none; with either, the files are read in a child process stopped at its limit,"
        " about 1 s slower, as the app does)"
    )
    group.add_argument(
        "--memory-limit",
        dest="memory_limit",
        type=_count,
        metavar="MB",
        help="stop, storing nothing, when reading needs more than MB megabytes of address space"
        " (with --time-limit alone: 2048 MB + 4 × the files' size)",
    )
    group.add_argument(
        "--time-limit",
        dest="time_limit",
        type=_count,
        metavar="S",
        help="stop, storing nothing, when reading and storing take more than S seconds",
    )


def _limited(args: argparse.Namespace) -> bool:
    return bool(args.memory_limit or args.time_limit)


def _import_options(args: argparse.Namespace) -> dict:
    names = ("layout", "mapping", "sheet", "terms", "dayfirst", "encoding", "delimiter", "currency")
    return {name: getattr(args, name) for name in names if getattr(args, name, None) is not None}


def _open_sources(args: argparse.Namespace) -> Ledger:
    """The command's ledger: its workspace, opened in place, or its files read into memory."""
    from kpi.store.sources import open_sources

    return open_sources(args.files, **_import_options(args))


def _filters(args: argparse.Namespace, ledger: Ledger) -> Filters:
    matching = args.apply_credits or ledger.settings().get(MATCHING_SETTING) or DEFAULT_MATCHING
    return Filters(tuple(args.customer), tuple(args.activity), matching)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m kpi",
        description="Encours: receivables KPIs (DSO, CEI, aged balance…) from ledger exports, as defined in KPI-SPEC.md.",
        epilog=DASHED_NAMES + " A problem with a file or a workspace is said in one message, exit status 2.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    report = commands.add_parser(
        "report",
        help="every KPI of a period",
        description="Every KPI of the period [--from, --to], both days included.",
    )
    _add_files(report)
    _add_period(report)
    _add_filters(report)
    report.add_argument(
        "--format",
        choices=("json", "table"),
        default="table",
        help="json: the KPI-SPEC §5 object; table: a readable summary (default)",
    )
    _add_lang(report, "the table format")

    aging = commands.add_parser(
        "aging",
        help="the aged balance (balance âgée) at a date",
        description="Outstanding amounts by age bucket at the end of a day.",
    )
    _add_files(aging)
    aging.add_argument(
        "--as-of",
        dest="as_of",
        type=_date,
        required=True,
        metavar="D",
        help="the day whose closing balance is aged (YYYY-MM-DD)",
    )
    aging.add_argument(
        "--by",
        choices=("customer", "document"),
        default="customer",
        help="one row per customer (default) or per document",
    )
    aging.add_argument(
        "--buckets",
        type=_edges,
        default=DEFAULT_EDGES,
        metavar="EDGES",
        help="bucket edges in days, e.g. 30,60,90,120 (default) or 15,30,45,60,90,180,360,720",
    )
    aging.add_argument(
        "--basis",
        choices=("due", "issue"),
        default="due",
        help="age from the due date (default) or from the issue date",
    )
    _add_filters(aging)
    aging.add_argument(
        "--format",
        choices=("csv", "xlsx", "table"),
        default="table",
        help="table (default), csv (for French Excel: ; and decimal comma) or xlsx",
    )
    aging.add_argument(
        "-o", "--output", type=Path, help="write to this file instead of standard output (required for xlsx)"
    )
    _add_lang(aging, "labels")

    series = commands.add_parser(
        "series",
        help="every KPI month by month",
        description="Every KPI for each calendar month between two dates, and the aged balance at each month end.",
    )
    _add_files(series)
    series.add_argument(
        "--from", dest="start", type=_date, required=True, metavar="S", help="a day in the first month (YYYY-MM-DD)"
    )
    series.add_argument(
        "--to", dest="end", type=_date, required=True, metavar="E", help="a day in the last month (YYYY-MM-DD)"
    )
    _add_filters(series)
    series.add_argument(
        "--format",
        choices=("csv", "json"),
        default="csv",
        help="csv: one row per month (default); json: a list of KPI-SPEC §5 objects with aging history",
    )
    _add_lang(series)

    store = commands.add_parser(
        "import",
        help="store files into a workspace",
        description="Read files and store them into a workspace directory (created if absent), all or nothing.",
    )
    store.add_argument("workspace", type=Path, metavar="WORKSPACE", help="workspace directory (created if absent)")
    _add_files(store)
    _add_limits(store)
    _add_lang(store, "the import report")

    inspect = commands.add_parser("inspect", help="show how files would be read, without importing")
    _add_files(inspect)
    _add_limits(inspect)
    inspect.add_argument(
        "--format",
        choices=("text", "json"),
        default="text",
        help="text: a readable summary (default); json: the same as an object",
    )
    _add_lang(inspect, "the summary")

    demo = commands.add_parser("demo", help="write the demo ledger (canonical CSV pair) to a directory")
    demo.add_argument("directory", type=Path, help="where to write documents.csv and settlements.csv")
    demo.add_argument(
        "--seed", type=int, default=2026, help="random seed: the same seed writes the same files (default 2026)"
    )
    demo.add_argument("--invoices", type=_count, default=5000, help="number of invoices (default 5000)")
    demo.add_argument("--customers", type=_count, default=80, help="number of customers (default 80)")
    _add_lang(demo)
    _add_whatif_command(commands)
    _add_forecast_command(commands)
    _add_audit_command(commands)
    return parser


def _report(args: argparse.Namespace, out) -> None:
    ledger = _open_sources(args)
    result = period_report(ledger, Period(args.start, args.end), _filters(args, ledger))
    if args.format == "json":
        _json(result.to_json_dict(), out)
        return
    from kpi.metrics.catalogue import kpi
    from kpi.text.formatting import format_value
    from kpi.text.i18n import bucket_label, translate

    lang = args.lang
    filters = _filters(args, ledger)
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
    width = max(len(label) for label, _ in rows)
    lines += [f"{label:<{width}}  {value:>18}" for label, value in rows]
    out.write("\n".join(lines) + "\n")


def _aging(args: argparse.Namespace, out) -> None:
    if args.format == "xlsx" and args.output is None:
        raise UsageError(Message("cli.xlsx_needs_output"))
    ledger = _open_sources(args)
    filters = _filters(args, ledger)
    balance = aged_balance_records(ledger, args.as_of, args.buckets, args.basis, args.by, filters)
    from kpi.exports.aged_balance import ExportHeader, aged_balance_csv, aged_balance_xlsx

    header = ExportHeader(
        workspace=", ".join(str(p) for p in args.files),
        as_of=args.as_of,
        basis=args.basis,
        edges=tuple(args.buckets),
        filters=tuple(
            f"{k}: {', '.join(v)}"
            for k, v in (("customers", filters.customers), ("activities", filters.activities))
            if v
        ),
        lang=args.lang,
        matching=filters.matching,
    )
    if args.format == "xlsx":
        other = "document" if args.by == "customer" else "customer"
        second = aged_balance_records(ledger, args.as_of, args.buckets, args.basis, other, filters)
        by_customer, by_document = (balance, second) if args.by == "customer" else (second, balance)
        _write_output(args.output, aged_balance_xlsx(by_customer, by_document, header))
        return
    if args.format == "csv":
        data = aged_balance_csv(balance, header)
        if args.output:
            _write_output(args.output, data)
        else:
            out.write(data.decode("utf-8-sig"))
        return
    text = _aging_table(balance, args.lang)
    if args.output:
        _write_output(args.output, (text + "\n").encode("utf-8"))
    else:
        out.write(text + "\n")


def _aging_table(balance, lang: str) -> str:
    """The aged balance as aligned text: amounts formatted for the language, total and % rows last."""
    from kpi.exports.aged_balance import label_columns
    from kpi.metrics.aging import row_dicts
    from kpi.text.formatting import format_percent, format_value
    from kpi.text.i18n import column_title, translate

    labels = [c for c in label_columns(balance) if c not in ("customer_id", "item_kind", "amount")][:4]
    amounts = list(balance.amount_columns)
    header = [column_title(c, lang) for c in labels + amounts]
    # Half of a large balance's amounts are repeats (zeros above all): each is formatted once.
    money = functools.cache(lambda value: format_value(value, "money", lang))
    body = [
        [terminal_cell(row[c]) for c in labels] + [money(row[c]) for c in amounts] for row in row_dicts(balance.rows)
    ]
    padding = [""] * (len(labels) - 1)
    body.append(["Total", *padding] + [format_value(balance.totals[c], "money", lang) for c in amounts])
    body.append(["%", *padding] + [format_percent(balance.percentages[c], lang) for c in amounts])
    widths = [max(len(line[i]) for line in [header, *body]) for i in range(len(header))]
    mode = f"{translate('matching.label', lang)} : {translate(f'matching.{balance.matching}', lang)}"
    return "\n".join(
        [mode]
        + [
            "  ".join(
                cell.ljust(w) if i < len(labels) else cell.rjust(w) for i, (cell, w) in enumerate(zip(line, widths))
            )
            for line in [header, *body]
        ]
    )


def _series(args: argparse.Namespace, out) -> None:
    ledger = _open_sources(args)
    filters = _filters(args, ledger)
    if args.format == "json":
        _json([r.to_json_dict() for r in monthly_reports(ledger, args.start, args.end, filters)], out)
        return
    rows = monthly_rows(ledger, args.start, args.end, filters)
    writer = csv.writer(out, lineterminator="\n")
    if rows:
        writer.writerow(rows[0].keys())
    writer.writerows([_series_cell(value) for value in row.values()] for row in rows)


def _series_cell(value) -> str:
    """A cell of the series CSV as pandas' to_csv wrote it when the series was a frame: empty for
    None or NaN, the shortest repr for a float, str() for the rest (Decimal, date, int, text)."""
    if is_missing(value):
        return ""
    return repr(value) if isinstance(value, float) else str(value)


def _import(args: argparse.Namespace, out) -> None:
    from kpi.store.workspace import Workspace

    if _limited(args):
        from kpi.store.sandbox import run_import

        stored = run_import(
            args.workspace,
            args.files,
            _import_options(args),
            memory_mb=args.memory_limit or None,
            seconds=args.time_limit or None,
        )
    else:
        stored = Workspace(args.workspace).import_files(args.files, **_import_options(args))
    report_text = getattr(stored.report, "to_text", None)
    if report_text is not None:
        out.write(report_text(args.lang) + "\n")
    else:
        for file in stored.report.files:
            out.write(
                message_text(
                    "cli.import_file",
                    args.lang,
                    file=file.file,
                    layout=file.layout,
                    imported=file.rows_imported,
                    read=file.rows_read,
                    in_file=file.amount_in_file,
                    stored=file.amount_imported,
                    status=message_text("cli.ok" if file.reconciled else "cli.gap", args.lang),
                )
                + "\n"
            )
    if stored.already_imported:
        out.write(message_text("cli.already_imported", args.lang, import_id=stored.import_id) + "\n")
    else:
        out.write(
            message_text(
                "cli.imported",
                args.lang,
                import_id=stored.import_id,
                workspace=str(args.workspace),
                count=stored.documents,
                settlements=stored.settlements,
                identical=stored.skipped_identical,
            )
            + "\n"
        )


def _inspect(args: argparse.Namespace, out) -> None:
    from kpi.importers import inspect_files

    if _limited(args):
        from kpi.store.sandbox import run_inspect

        result = run_inspect(
            args.files, _import_options(args), memory_mb=args.memory_limit or None, seconds=args.time_limit or None
        )
    else:
        result = inspect_files(args.files, **_import_options(args))
    if args.format == "json":
        _json(result.to_dict(), out)
    else:
        out.write(result.to_text(args.lang) + "\n")


def _demo(args: argparse.Namespace, out) -> None:
    from kpi.demo.files import write_demo

    documents, settlements = write_demo(
        args.directory, seed=args.seed, invoices=args.invoices, customers=args.customers
    )
    out.write(f"{documents}\n{settlements}\n")


def _add_whatif_command(commands) -> None:
    whatif = commands.add_parser(
        "whatif",
        help="every KPI of a period on a what-if scenario, beside the actual",
        description="Apply a scenario (JSON, see kpi/analysis/whatif.py) to a copy of the ledger and compare every KPI of the period.",
    )
    _add_files(whatif)
    _add_period(whatif)
    whatif.add_argument(
        "--scenario",
        required=True,
        metavar="SCENARIO",
        help="a scenario JSON file, or the name of a scenario saved in the workspace",
    )
    _add_filters(whatif)
    whatif.add_argument(
        "--format", choices=("json", "table"), default="table", help="json or a readable table (default)"
    )
    _add_lang(whatif, "the table format")


def _whatif(args: argparse.Namespace, out) -> None:
    from kpi.analysis.whatif import Scenario, load_scenario, run_scenario
    from kpi.store.workspace import is_workspace

    try:
        if Path(args.scenario).is_file():
            scenario = Scenario.from_json(Path(args.scenario).read_text(encoding="utf-8"))
        elif len(args.files) == 1 and is_workspace(args.files[0]):
            scenario = load_scenario(args.files[0], args.scenario)
        else:
            raise UsageError(Message("cli.scenario_not_found", scenario=args.scenario))
    except FileNotFoundError as error:  # a name no scenario of the workspace has
        raise UsageError(Message("cli.scenario_missing", detail=_detail(error))) from None
    except (ValueError, UnicodeDecodeError) as error:  # the scenario file's JSON or one of its changes
        raise UsageError(Message("cli.scenario_unreadable", scenario=args.scenario, detail=_detail(error))) from None
    ledger = _open_sources(args)
    result = run_scenario(ledger, scenario, Period(args.start, args.end), _filters(args, ledger))
    if args.format == "json":
        _json(result.to_json_dict(), out)
        return
    from kpi.text.formatting import format_value
    from kpi.text.i18n import bucket_label, translate

    lang = args.lang
    rows = [
        ("", translate("whatif.actual", lang), translate("whatif.simulated", lang), translate("whatif.change", lang))
    ]
    for change in result.comparison.changes:
        key = change.key.removeprefix("aging.")
        label = bucket_label(key, lang) if change.key.startswith("aging.") else translate(f"kpi.{key}.label", lang)
        unit = change.unit
        rows.append((label, *(format_value(v, unit, lang) for v in (change.reference, change.current, change.change))))
    ccc = result.cash_conversion_cycle
    if ccc is not None:
        rows.append(
            (
                translate("whatif.ccc", lang),
                format_value(ccc[0], "days", lang),
                format_value(ccc[1], "days", lang),
                format_value(None if None in ccc else ccc[1] - ccc[0], "days", lang),
            )
        )
    width = max(len(row[0]) for row in rows)
    lines = [f"{terminal_cell(scenario.name)} · {args.start.isoformat()} → {args.end.isoformat()}"]
    lines += [f"{row[0]:<{width}}  {row[1]:>18}  {row[2]:>18}  {row[3]:>18}" for row in rows]
    out.write("\n".join(lines) + "\n")


def _add_forecast_command(commands) -> None:
    forecast = commands.add_parser(
        "forecast",
        help="expected cash-in of the next 13 weeks, and its back-test",
        description="Expected collections by week after --as-of (see kpi/sql/queries/cash_forecast.sql), then the same"
        " forecast made at past dates against what was actually collected.",
    )
    _add_files(forecast)
    forecast.add_argument(
        "--as-of",
        dest="as_of",
        type=_date,
        metavar="D",
        help="forecast made at the end of this day (default: the ledger's last date)",
    )
    forecast.add_argument(
        "--backtest-dates",
        type=int,
        default=8,
        metavar="N",
        help="how many past dates to back-test, 4 weeks apart (default 8; 0: none)",
    )
    _add_filters(forecast)
    _add_lang(forecast, "labels")


def _forecast(args: argparse.Namespace, out) -> None:
    from kpi.metrics.forecast import backtest, backtest_dates, cash_forecast
    from kpi.text.formatting import format_date, format_money, format_percent
    from kpi.text.i18n import translate

    ledger = _open_sources(args)
    lang, filters = args.lang, _filters(args, ledger)
    as_of = args.as_of or (ledger.date_range() or (date.today(), date.today()))[1]
    result = cash_forecast(ledger, as_of, filters)
    money = lambda value: format_money(value, lang)  # noqa: E731
    lines = [f"{translate('forecast.title', lang)} {format_date(as_of, lang)}"]
    for week in result.weeks.itertuples(index=False):
        lines.append(
            f"{week.week:>3}  {format_date(week.week_start, lang)} – {format_date(week.week_end, lang)}  {money(week.expected):>16}"
        )
    for key, value in (
        ("forecast.horizon_total", result.expected_in_horizon),
        ("forecast.beyond", result.beyond),
        ("forecast.doubtful", result.doubtful),
        ("forecast.unapplied_credits", result.unapplied_credits),
        ("forecast.ar", result.ar),
    ):
        lines.append(f"{translate(key, lang):<48} {money(value):>16}")
    dates = backtest_dates(ledger, args.backtest_dates) if args.backtest_dates > 0 else []
    if dates:
        test = backtest(ledger, dates, filters)
        lines += ["", translate("forecast.backtest", lang)]
        for row in test.by_date().itertuples(index=False):
            lines.append(
                f"{format_date(row.as_of, lang)}  {money(row.forecast):>16}  {money(row.actual):>16}  WAPE {format_percent(row.wape, lang):>8}"
            )
        lines.append(
            f"WAPE {format_percent(test.wape, lang)} · {translate('forecast.bias', lang)} {format_percent(test.bias, lang)}"
        )
    out.write("\n".join(lines) + "\n")


def _add_audit_command(commands) -> None:
    audit = commands.add_parser(
        "audit",
        help="the client audit report (XLSX, HTML or PDF)",
        description="Cover (client, period, matching mode, author, date), findings, headline KPIs each computed in"
        " words with the period's numbers, trend, aged balance, top 20 overdue customers with their"
        " rating, data quality and KPI definitions, for the period [--from, --to].",
    )
    _add_files(audit)
    _add_period(audit)
    audit.add_argument(
        "-o",
        "--output",
        type=Path,
        default=Path("."),
        help="report.xlsx, report.html or report.pdf (the suffix picks the format), or a folder to write"
        " audit-<client>-<period>.<format> into (default: the current folder)",
    )
    audit.add_argument(
        "--format",
        dest="report_format",
        choices=("pdf", "html", "xlsx"),
        default="pdf",
        help="the format when --output is a folder (default pdf)",
    )
    audit.add_argument(
        "--client",
        "--company",
        dest="client",
        help="the client named on the cover and in the file name (default: the workspace's client"
        " setting, else the workspace's name)",
    )
    audit.add_argument("--author", help="the author named on the cover (default: the workspace's setting, else none)")
    _add_filters(audit)
    _add_lang(audit, "the report")


def _audit(args: argparse.Namespace, out) -> None:
    from kpi.analysis.audit import build_audit, report_identity
    from kpi.exports.audit import FORMATS, audit_file_name, write_audit
    from kpi.store.workspace import is_workspace

    folder = args.output.is_dir()
    fmt = args.report_format if folder else args.output.suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        raise UsageError(Message("cli.audit_suffix", suffixes=", ".join(FORMATS), name=args.output.name))
    ledger = _open_sources(args)
    period = Period(args.start, args.end)
    workspace_name = args.files[0].resolve().name if len(args.files) == 1 and is_workspace(args.files[0]) else ""
    client, author = report_identity(ledger, workspace_name, args.client, args.author)
    report = build_audit(ledger, period, _filters(args, ledger), client=client, author=author, lang=args.lang)
    output = args.output / audit_file_name(client, period, fmt) if folder else args.output
    _write_output(output, write_audit(report, fmt))
    out.write(f"{output}\n")


COMMANDS = {
    "report": _report,
    "aging": _aging,
    "series": _series,
    "import": _import,
    "inspect": _inspect,
    "demo": _demo,
    "whatif": _whatif,
    "forecast": _forecast,
    "audit": _audit,
}
BUG = Message("cli.bug")  # in French; main() says it in --lang


def _detail(error: BaseException) -> Message | str:
    """An error's own words: its Message when the engine raised one, else its text (Python's, in English)."""
    said = error.args[0] if len(error.args) == 1 and isinstance(error.args[0], Message) else None
    return said or str(error)


def _write_output(path: Path, data: bytes) -> None:
    try:
        path.write_bytes(data)
    except OSError as error:
        raise OutputNotWritable(path, error.strerror or type(error).__name__) from None


def _say(text: str) -> None:
    print(terminal_text(text), file=sys.stderr)


def _dashed_names(argv: list[str]) -> list[str]:
    """Arguments that argparse took for options but that look like files: -rf.csv."""
    if "--" in argv:
        argv = argv[: argv.index("--")]
    return [
        a
        for a in argv
        if a.startswith("-") and not a.startswith("--") and (Path(a).exists() or a.lower().endswith(SUFFIXES))
    ]


def _workspaces_of(args: argparse.Namespace) -> list[Path]:
    from kpi.store.workspace import is_workspace

    given = [getattr(args, "workspace", None), *getattr(args, "files", ())]
    return [Path(p) for p in given if p is not None and is_workspace(p)]


def _storage_error(args: argparse.Namespace, error: BaseException) -> EncoursError | None:
    """A DuckDB or system error met while a command read a workspace (a damaged block found by a query)."""
    from kpi.store.workspace import Workspace

    for path in _workspaces_of(args):
        explained = Workspace(path).explain(error)
        if explained is not None:
            return explained
    return None


def _import_failed() -> tuple[type[Exception], ...]:
    """ImportFailed when the importers were loaded, else nothing to catch: only they raise it, and
    a report on a workspace never loads them."""
    errors = sys.modules.get("kpi.importers.errors")
    return (errors.ImportFailed,) if errors is not None else ()


def _named_files(args: argparse.Namespace) -> Message | str:
    names = [Path(p).name for p in getattr(args, "files", ())]
    return ", ".join(names) or Message("cli.the_files")


def main(argv: list[str] | None = None, out=None) -> int:
    """Run one command; what a user can cause is one message on stderr and exit status 2.

    A bug keeps its traceback, after a line saying it is one.
    """
    argv = sys.argv[1:] if argv is None else list(argv)
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as stop:
        if stop.code and _dashed_names(argv):
            _say(DASHED_NAMES)
        raise
    out = TerminalStream(out or sys.stdout)
    lang = getattr(args, "lang", None) or default_language()

    def error_line(message: Message | str) -> str:
        return message_text("cli.error", lang, message=message)

    try:
        if getattr(args, "start", None) and getattr(args, "end", None) and args.end < args.start:
            raise UsageError(Message("cli.period_reversed", end=args.end.isoformat(), start=args.start.isoformat()))
        COMMANDS[args.command](args, out)
    except _import_failed() as error:
        _say(error.render(lang))
        return 2
    except EncoursError as error:
        _say(error_line(error.render(lang)))
        return 2
    except (MemoryError, duckdb.OutOfMemoryException):
        _say(error_line(Message("cli.out_of_memory", files=_named_files(args))))
        return 2
    except KeyboardInterrupt:
        _say(message_text("cli.interrupted", lang))
        return 130
    except BrokenPipeError:
        # The reader of our output went away (`| head`): nothing more to say, and nowhere to say it.
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 — silences the flush at exit
        return 1
    except (duckdb.Error, OSError) as error:
        explained = _storage_error(args, error)
        if explained is not None:
            _say(error_line(explained.render(lang)))
            return 2
        if isinstance(error, OSError) and error.filename:
            _say(error_line(Message("cli.os_error", file=str(error.filename), detail=str(error.strerror or error))))
            return 2
        _say(message_text("cli.bug", lang))
        raise
    except Exception:
        _say(message_text("cli.bug", lang))
        raise
    return 0
