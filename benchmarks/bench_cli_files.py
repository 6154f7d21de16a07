"""Whole processes on canonical CSV files: `kpi report FILES` against a bare DuckDB scan and pandas, and `kpi import`.

    python benchmarks/bench_cli_files.py                      # 1M invoices, generated (a few minutes)
    python benchmarks/bench_cli_files.py --dir /tmp/b1m       # documents.csv and settlements.csv already there
    python benchmarks/bench_cli_files.py --invoices 10000000  # 10M, written as files of 1M rows (read_files' limits)

Each figure is the median of `--runs` processes (default 3), each a fresh `python`, so that start-up and module
imports count as a user waits for them:

1. `python -m kpi report FILES --from … --to … --format json`;
2. a bare DuckDB process reading both files (every column, the amounts summed): the floor for any reader;
3. benchmarks/pandas_baseline.py: the period's headline KPIs in vectorised pandas (its figures are compared
   with the report's, so that both compute the same thing);
4. `python -m kpi import` of the same files into a fresh workspace, with the process's peak RSS.

Targets (issue 12): report ≤ 2 × the bare scan and ≥ 5 × faster than pandas; import ≤ 8 s at 1M; at 10M
import ≤ 90 s with peak RSS ≤ 3 GB.  Generating the ledger is not timed.  `ENCOURS_NATIVE_READ=0` in the
environment times the Python readers instead.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

FILE_ROWS = 1_000_000  # rows per CSV file: read_files refuses files over 2M rows or 200 MB
BARE_SCAN = """
import sys, duckdb
connection = duckdb.connect()
for path in sys.argv[1:]:
    print(connection.execute(
        "SELECT count(*), sum(amount::DECIMAL(18, 2)), max(length(COLUMNS(* EXCLUDE amount)))"
        " FROM read_csv(?, all_varchar = true)", [path]).fetchall())
"""


def generate(invoices: int, directory: Path) -> tuple[list[Path], list[Path]]:
    """The canonical pair as CSV, written by DuckDB from bench_engine's generated Parquet."""
    import duckdb

    from benchmarks.bench_engine import generate as generate_parquet

    generate_parquet(invoices, directory)
    connection = duckdb.connect(config={"enable_progress_bar": False})
    files: dict[str, list[Path]] = {"documents": [], "settlements": []}
    for name in files:
        parquet = directory / f"{name}.parquet"
        rows = connection.execute("SELECT count(*) FROM read_parquet(?)", [str(parquet)]).fetchall()[0][0]
        chunks = max(1, -(-rows // FILE_ROWS)) if rows > 2 * FILE_ROWS else 1
        for chunk in range(chunks):
            path = directory / (f"{name}.csv" if chunks == 1 else f"{name}-{chunk + 1:02d}.csv")
            limit = f" LIMIT {FILE_ROWS} OFFSET {chunk * FILE_ROWS}" if chunks > 1 else ""
            connection.execute(f"COPY (SELECT * FROM read_parquet('{parquet}'){limit}) TO '{path}' (HEADER)")
            files[name].append(path)
        parquet.unlink()
    return files["documents"], files["settlements"]


def existing(directory: Path) -> tuple[list[Path], list[Path]]:
    documents = sorted(directory.glob("documents*.csv"))
    settlements = sorted(directory.glob("settlements*.csv"))
    if not documents or not settlements:
        raise SystemExit(f"{directory}: no documents*.csv and settlements*.csv")
    return documents, settlements


def run(command: list[str]) -> tuple[float, float, str]:
    """(seconds, peak RSS in MB, standard output) of one process, its own peak (wait4), not its siblings'."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as errors:
        began = time.perf_counter()
        process = subprocess.Popen(command, stdout=out, stderr=errors, cwd=ROOT)
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - began
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode:
            errors.seek(0)
            raise SystemExit(f"{' '.join(command)} failed:\n{errors.read().decode(errors='replace')}")
        out.seek(0)
        return elapsed, usage.ru_maxrss / 1024, out.read().decode()


def median(values: list[float]) -> float:
    return sorted(values)[len(values) // 2]


def measure(label: str, command_of, runs: int, before=None) -> tuple[float, float, str]:
    times, peaks, output = [], [], ""
    for _ in range(runs):
        if before is not None:
            before()
        elapsed, peak, output = run(command_of())
        times.append(elapsed)
        peaks.append(peak)
    spread = f"{min(times):.2f}–{max(times):.2f}"
    print(f"  {label:<34} {median(times):6.2f} s  ({spread} s over {runs}; peak RSS {max(peaks):,.0f} MB)", flush=True)
    return median(times), max(peaks), output


def verdict(ok: bool, text: str) -> None:
    print(f"  {'PASS' if ok else 'FAIL'} {text}")


def same_figures(report: dict, baseline: dict) -> bool:
    from kpi.metrics.report import AMOUNT_KEYS

    equal = all(abs(report[k] - baseline[k]) < 0.005 for k in AMOUNT_KEYS)
    equal &= all(abs(report["aging"][k] - baseline["aging"][k]) < 0.005 for k in report["aging"])
    for key in ("dso", "bpdso", "cei", "collection_rate", "overdue_rate"):
        a, b = report[key], baseline[key]
        equal &= (a is None) == (b is None) and (a is None or abs(a - b) < 1e-6)
    return equal


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--invoices", type=int, default=1_000_000)
    parser.add_argument("--dir", type=Path, help="reuse documents*.csv and settlements*.csv from this directory")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--from", dest="start", default="2026-01-01")
    parser.add_argument("--to", dest="end", default="2026-06-30")
    parser.add_argument("--skip-pandas", action="store_true", help="leave out the pandas baseline")
    args = parser.parse_args()

    scratch = Path(tempfile.mkdtemp(prefix="encours-bench-files-"))
    try:
        if args.dir is not None:
            documents, settlements = existing(args.dir)
        else:
            print(f"Generating {args.invoices:,} invoices as CSV in {scratch} (not timed)…", flush=True)
            documents, settlements = generate(args.invoices, scratch)
        files = [str(p) for p in documents + settlements]
        size = sum(p.stat().st_size for p in documents + settlements) / 1e6
        invoices = args.invoices if args.dir is None else None
        print(
            f"\n{len(files)} files, {size:,.0f} MB ({', '.join(Path(f).name for f in files[:4])}"
            f"{'…' if len(files) > 4 else ''}); period {args.start} → {args.end}; "
            f"native reading {'off' if os.environ.get('ENCOURS_NATIVE_READ') == '0' else 'on'}",
            flush=True,
        )
        python = sys.executable
        period = ["--from", args.start, "--to", args.end]

        report_s, _, report_out = measure(
            "kpi report FILES", lambda: [python, "-m", "kpi", "report", *files, *period, "--format", "json"], args.runs
        )
        bare_s, _, _ = measure("bare DuckDB scan", lambda: [python, "-c", BARE_SCAN, *files], args.runs)
        pandas_s = None
        if not args.skip_pandas and len(documents) == 1 and len(settlements) == 1:
            pandas_s, _, pandas_out = measure(
                "pandas baseline",
                lambda: [python, str(ROOT / "benchmarks" / "pandas_baseline.py"), *files, *period],
                args.runs,
            )
            if not same_figures(json.loads(report_out), json.loads(pandas_out)):
                print("  WARNING: the pandas baseline's figures differ from the report's")
        workspace = scratch / "workspace"
        import_s, import_peak, _ = measure(
            "kpi import (fresh workspace)",
            lambda: [python, "-m", "kpi", "import", str(workspace), *files],
            args.runs,
            before=lambda: shutil.rmtree(workspace, ignore_errors=True),
        )

        print()
        verdict(
            report_s <= 2 * bare_s,
            f"report {report_s:.2f} s ≤ 2 × bare scan {bare_s:.2f} s (ratio {report_s / bare_s:.2f})",
        )
        if pandas_s is not None:
            verdict(
                pandas_s >= 5 * report_s,
                f"report {report_s:.2f} s ≥ 5 × faster than pandas {pandas_s:.2f} s "
                f"(speed-up {pandas_s / report_s:.2f}×)",
            )
        ten_million = (invoices or 0) >= 10_000_000 or len(documents) > 2
        if ten_million:
            verdict(import_s <= 90, f"import {import_s:.1f} s ≤ 90 s")
            verdict(import_peak <= 3 * 1024, f"import peak RSS {import_peak:,.0f} MB ≤ 3 GB")
        else:
            verdict(import_s <= 8, f"import {import_s:.2f} s ≤ 8 s (target at 1M invoices)")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
