"""`demo`: write the generated demo ledger (the canonical CSV pair and its activity logs) to a folder."""

from __future__ import annotations

import argparse
from pathlib import Path

from kpi.cli.common import add_lang, count, positive_count
from kpi.cli.terminal import Output

NAME = "demo"
HELP = "write the demo ledger (canonical CSV pair) to a directory"
DESCRIPTION: str | None = None


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("directory", type=Path, help="where to write documents.csv and settlements.csv")
    parser.add_argument(
        "--seed", type=int, default=2026, help="random seed: the same seed writes the same files (default 2026)"
    )
    parser.add_argument("--invoices", type=count, default=5000, help="number of invoices (default 5000)")
    parser.add_argument("--customers", type=positive_count, default=80, help="number of customers (default 80)")
    add_lang(parser)


def run(args: argparse.Namespace, out: Output) -> None:
    from kpi.demo.files import write_demo

    documents, settlements = write_demo(
        args.directory, seed=args.seed, invoices=args.invoices, customers=args.customers
    )
    out.write(f"{documents}\n{settlements}\n")
