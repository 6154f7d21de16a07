"""`whatif`: every KPI of a period on a what-if scenario (kpi/analysis/whatif.py), beside the actual."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING

from kpi.cli.common import (
    add_choice,
    add_files,
    add_filters,
    add_lang,
    add_period,
    detail,
    filters_of,
    open_sources,
)
from kpi.cli.tables import AMOUNT, LABEL, Column, table_lines
from kpi.cli.terminal import Output, terminal_cell, write_json
from kpi.model.periods import Period
from kpi.text.errors import UsageError
from kpi.text.messages import Message

if TYPE_CHECKING:
    from kpi.analysis.whatif import Scenario

NAME = "whatif"
HELP = "every KPI of a period on a what-if scenario, beside the actual"
DESCRIPTION = (
    "Apply a scenario (JSON, see kpi/analysis/whatif.py) to a copy of the ledger and compare every KPI of the period."
)
VALUE = Column(AMOUNT.align, 18)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_files(parser)
    add_period(parser)
    parser.add_argument(
        "--scenario",
        required=True,
        metavar="SCENARIO",
        help="a scenario JSON file, or the name of a scenario saved in the workspace",
    )
    add_filters(parser)
    add_choice(parser, "--format", ("json", "table"), "table", "json or a readable table (default)")
    add_lang(parser, "the table format")


def read_scenario(args: argparse.Namespace) -> Scenario:
    """The scenario --scenario names: a JSON file, else one saved in the workspace given."""
    from kpi.analysis.whatif import Scenario, ScenarioError, load_scenario
    from kpi.store.workspace import is_workspace

    try:
        if Path(args.scenario).is_file():
            return Scenario.from_json(Path(args.scenario).read_text(encoding="utf-8"))
        if len(args.files) == 1 and is_workspace(args.files[0]):
            return load_scenario(args.files[0], args.scenario)
        raise UsageError(Message("cli.scenario_not_found", scenario=args.scenario))
    except FileNotFoundError as error:  # a name no scenario of the workspace has
        raise UsageError(Message("cli.scenario_missing", detail=detail(error))) from None
    except (ScenarioError, json.JSONDecodeError, UnicodeDecodeError) as error:  # the file's JSON or a change
        raise UsageError(Message("cli.scenario_unreadable", scenario=args.scenario, detail=detail(error))) from None


def run(args: argparse.Namespace, out: Output) -> None:
    from kpi.analysis.whatif import run_scenario

    scenario = read_scenario(args)
    ledger = open_sources(args)
    result = run_scenario(ledger, scenario, Period(args.start, args.end), filters_of(args, ledger))
    if args.format == "json":
        write_json(result.to_json_dict(), out)
        return
    from kpi.text.formatting import format_value
    from kpi.text.i18n import bucket_label, translate

    lang = args.lang
    rows: list[tuple[str, ...]] = [
        ("", translate("whatif.actual", lang), translate("whatif.simulated", lang), translate("whatif.change", lang))
    ]
    for change in result.comparison.changes:
        key = change.key.removeprefix("aging.")
        label = bucket_label(key, lang) if change.key.startswith("aging.") else translate(f"kpi.{key}.label", lang)
        unit = change.unit
        rows.append((label, *(format_value(v, unit, lang) for v in (change.reference, change.current, change.change))))
    if result.cash_conversion_cycle is not None:
        actual, simulated = result.cash_conversion_cycle
        difference = None if actual is None or simulated is None else simulated - actual
        rows.append(
            (
                translate("whatif.ccc", lang),
                format_value(actual, "days", lang),
                format_value(simulated, "days", lang),
                format_value(difference, "days", lang),
            )
        )
    lines = [f"{terminal_cell(scenario.name)} · {args.start.isoformat()} → {args.end.isoformat()}"]
    lines += table_lines(rows, (LABEL, VALUE, VALUE, VALUE))
    out.write("\n".join(lines) + "\n")
