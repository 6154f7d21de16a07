"""Whole-process speed of the command line on a workspace: report, aging and series as a user runs them.

    python benchmarks/bench_cli_workspace.py --workspace /path/to/workspace
    python benchmarks/bench_cli_workspace.py --invoices 1000000      # a synthetic workspace, made first
    python benchmarks/bench_cli_workspace.py --demo                  # the demo ledger of data/demo

Each command runs as `python -m kpi …` in its own process, output thrown away, RUNS times; the median
wall time is kept, so that a busy moment of the machine does not decide. Interpreter start, imports,
opening the workspace, the query and the printing are all counted: that is what a user waits for.
Targets (issue 12, 1M invoices, 2 cores): report ≤ 0.6 s, aging by customer ≤ 0.8 s, 36-month series ≤ 2 s.
The import of `kpi.cli.main` alone is printed too, the part no query can shorten.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUNS = 5

# (name, arguments after the workspace, target in seconds)
COMMANDS = (
    ("report table", ["report", "{ws}", "--from", "2026-01-01", "--to", "2026-06-30"], 0.6),
    ("report json", ["report", "{ws}", "--from", "2026-01-01", "--to", "2026-06-30", "--format", "json"], 0.6),
    ("aging table", ["aging", "{ws}", "--as-of", "2026-06-30", "--by", "customer"], 0.8),
    ("aging csv", ["aging", "{ws}", "--as-of", "2026-06-30", "--by", "customer", "--format", "csv"], 0.8),
    ("series csv", ["series", "{ws}", "--from", "2023-11-01", "--to", "2026-10-31"], 2.0),
)


def timed(argv: list[str]) -> float:
    """Wall time of one process run from the project's root (so that its `kpi` is the one imported)."""
    began = time.perf_counter()
    subprocess.run(argv, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - began


def median_of(argv: list[str], runs: int) -> tuple[float, list[float]]:
    times = [timed(argv) for _ in range(runs)]
    return statistics.median(times), times


def make_workspace(invoices: int | None, directory: Path) -> Path:
    """A workspace of `invoices` synthetic invoices (the engine benchmark's ledger), or of the demo files."""
    sys.path.insert(0, str(ROOT))
    from kpi.store.workspace import Workspace

    if invoices is None:
        files = [ROOT / "data" / "demo" / "documents.csv", ROOT / "data" / "demo" / "settlements.csv"]
    else:
        sys.path.insert(0, str(ROOT / "benchmarks"))
        from bench_engine import generate

        generate(invoices, directory)
        files = [directory / "documents.parquet", directory / "settlements.parquet"]
    Workspace(directory / "workspace").import_files(files)
    return directory / "workspace"


def bench(workspace: Path, runs: int) -> bool:
    python = sys.executable
    imports, times = median_of([python, "-c", "import kpi.cli.main"], runs)
    print(f"  {'import kpi.cli.main':<14} median {imports:5.2f} s   (runs: {', '.join(f'{t:.2f}' for t in times)})")
    verdicts = []
    for name, arguments, target in COMMANDS:
        argv = [python, "-m", "kpi", *(a.format(ws=workspace) for a in arguments)]
        median, times = median_of(argv, runs)
        print(f"  {name:<14} median {median:5.2f} s   (runs: {', '.join(f'{t:.2f}' for t in times)})")
        verdicts.append((name, median, target))
    for name, median, target in verdicts:
        print(f"  {'PASS' if median <= target else 'FAIL'} {name}: {median:.2f} s (target ≤ {target} s)")
    return all(median <= target for _, median, target in verdicts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--workspace", type=Path, help="an existing workspace directory")
    source.add_argument(
        "--invoices", type=int, help="make a synthetic workspace of this many invoices (default 1000000)"
    )
    source.add_argument("--demo", action="store_true", help="make a workspace of the demo ledger (data/demo)")
    parser.add_argument(
        "--runs", type=int, default=RUNS, help=f"processes per command, the median kept (default {RUNS})"
    )
    args = parser.parse_args()
    if args.workspace:
        print(f"\n{args.workspace}")
        bench(args.workspace.resolve(), args.runs)
        return
    invoices = None if args.demo else (args.invoices or 1_000_000)
    with tempfile.TemporaryDirectory(prefix="encours-bench-cli-") as tmp:
        workspace = make_workspace(invoices, Path(tmp))
        print(f"\n{'demo ledger' if invoices is None else f'{invoices:,} invoices'} ({workspace})")
        bench(workspace, args.runs)


if __name__ == "__main__":
    main()
