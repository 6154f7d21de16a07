"""Engine speed on large synthetic ledgers: load, period report, 36-month series, aged balance, peak memory.

    python benchmarks/bench_engine.py            # 1M invoices (+ ~1M settlements)
    python benchmarks/bench_engine.py --10m      # and 10M invoices
    python benchmarks/bench_engine.py --invoices 200000

Each phase (load, and each query on the stored workspace) runs in its own process so that its
peak RSS is its own; generating the ledger is not counted; each query's time is the median of
three processes. The engine's DuckDB memory limit is
3 GB (ENCOURS_MEMORY_LIMIT): past it, large queries spill to disk.
Targets (2 cores): 1M → load ≤ 15 s, report ≤ 1 s, series ≤ 3 s, aging ≤ 1 s; 10M → report ≤ 10 s, peak RSS ≤ 4 GB.
Each query also runs with credits applied to the oldest invoices (`--apply-credits oldest`,
KPI-SPEC §2): it must take at most 1.5× its `matched` time (issue 9); the last lines say whether it does.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

START, END = date(2023, 11, 1), date(2026, 10, 31)


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def generate(invoices: int, directory: Path) -> dict:
    """Write the canonical pair as Parquet, month by month so that 10M fits in memory."""
    import pyarrow.parquet as pq

    from kpi.demo.ledger import generate_chunks
    from kpi.model.canonical import DOCUMENTS_SCHEMA, SETTLEMENTS_SCHEMA

    customers = max(80, invoices // 200)
    writers = {
        "documents": pq.ParquetWriter(directory / "documents.parquet", DOCUMENTS_SCHEMA),
        "settlements": pq.ParquetWriter(directory / "settlements.parquet", SETTLEMENTS_SCHEMA),
    }
    counts = {"documents": 0, "settlements": 0}
    for chunk in generate_chunks(invoices=invoices, customers=customers, start=START, end=END):
        for name, writer in writers.items():
            table = getattr(chunk, name)
            writer.write_table(table)
            counts[name] += table.num_rows
    for writer in writers.values():
        writer.close()
    return {**counts, "customers": customers}


def load(directory: Path) -> dict:
    from kpi.store.workspace import Workspace

    began = time.perf_counter()
    Workspace(directory / "workspace").import_files(
        [directory / "documents.parquet", directory / "settlements.parquet"]
    )
    return {"load_s": time.perf_counter() - began, "load_peak_rss_mb": peak_rss_mb()}


def query(directory: Path, operation: str) -> dict:
    """One engine call on the stored workspace, timed, with this process's peak RSS."""
    from kpi.metrics.aging import aged_balance
    from kpi.metrics.report import period_report
    from kpi.metrics.series import monthly_series
    from kpi.model.filters import Filters
    from kpi.model.periods import Period
    from kpi.store.workspace import Workspace

    ledger = Workspace(directory / "workspace").open(snapshot=False)
    base, _, _mode = operation.partition(OLDEST)
    filters = Filters(matching="oldest" if _ else "matched")
    operations = {
        "report_month": lambda: period_report(ledger, Period.month(2026, 10), filters),
        "report_year": lambda: period_report(ledger, Period(date(2025, 11, 1), END), filters),
        "series_36_months": lambda: monthly_series(ledger, START, END, filters),
        "aging_by_customer": lambda: aged_balance(ledger, END, by="customer", filters=filters),
    }
    began = time.perf_counter()
    operations[base]()
    return {f"{operation}_s": time.perf_counter() - began, f"{operation}_peak_rss_mb": peak_rss_mb()}


OLDEST = "_oldest"
MATCHED_QUERIES = ("report_month", "report_year", "series_36_months", "aging_by_customer")
QUERIES = MATCHED_QUERIES + tuple(name + OLDEST for name in MATCHED_QUERIES)
OLDEST_MAX_RATIO = 1.5


def run_phase(phase: str, directory: Path, invoices: int) -> dict:
    output = subprocess.run(
        [sys.executable, __file__, "--phase", phase, "--dir", str(directory), "--invoices", str(invoices)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


RUNS = 3  # each query phase runs this many times, each in its own process: the median time is kept


def median_phase(phase: str, directory: Path, invoices: int) -> dict:
    runs = [run_phase(phase, directory, invoices) for _ in range(RUNS)]
    times = sorted(run[f"{phase}_s"] for run in runs)
    return {
        f"{phase}_s": times[len(times) // 2],
        f"{phase}_peak_rss_mb": max(run[f"{phase}_peak_rss_mb"] for run in runs),
    }


def bench(invoices: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="encours-bench-") as tmp:
        directory = Path(tmp)
        figures = {"invoices": invoices}
        figures.update(run_phase("generate", directory, invoices))
        figures.update(run_phase("load", directory, invoices))
        # Interleaved, so that a busy moment of the machine does not fall on one mode only.
        for operation in MATCHED_QUERIES:
            figures.update(median_phase(operation, directory, invoices))
            figures.update(median_phase(operation + OLDEST, directory, invoices))
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--invoices", type=int, default=1_000_000)
    parser.add_argument("--10m", dest="ten_million", action="store_true", help="also run 10M invoices")
    parser.add_argument("--phase", choices=("generate", "load", *QUERIES), help=argparse.SUPPRESS)
    parser.add_argument("--dir", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        if args.phase == "generate":
            print(json.dumps(generate(args.invoices, args.dir)))
        elif args.phase == "load":
            print(json.dumps(load(args.dir)))
        else:
            print(json.dumps(query(args.dir, args.phase)))
        return
    sizes = [args.invoices] + ([10_000_000] if args.ten_million else [])
    for size in sizes:
        figures = bench(size)
        print(
            f"\n{size:,} invoices ({figures['documents']:,} documents, {figures['settlements']:,} settlements, {figures['customers']:,} customers)"
        )
        for key, value in figures.items():
            if key.endswith("_s"):
                print(f"  {key[:-2]:<32} {value:8.2f} s")
            elif key.endswith("_mb"):
                print(f"  {key[:-3]:<32} {value:8.0f} MB")
        for name in MATCHED_QUERIES:
            ratio = figures[f"{name}{OLDEST}_s"] / figures[f"{name}_s"]
            verdict = "PASS" if ratio <= OLDEST_MAX_RATIO else "FAIL"
            print(f"  {verdict} {name}: oldest / matched = {ratio:.2f}× (target ≤ {OLDEST_MAX_RATIO}×)")


if __name__ == "__main__":
    main()
