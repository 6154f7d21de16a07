"""The headline KPIs of a period computed with pandas alone, vectorised: the baseline `kpi report FILES` is timed against.

    python benchmarks/pandas_baseline.py documents.csv settlements.csv --from 2026-01-01 --to 2026-06-30

What a careful analyst would write in a notebook, without the product: the canonical pair read with
`pandas.read_csv` (its Arrow engine and Arrow-backed columns; amounts read as floats and turned into whole
cents in int64, exact for amounts of two decimals, so that sums are exact), then grouped sums and
reindexing only, no Python loop over rows.  It computes KPI-SPEC §2–3 in `matched` mode
for the figures most reports show: sales, collected, written off, opening and closing AR, the aged balance
at the end of the period (current, overdue, unapplied credits), DSO, best possible DSO, days delinquent,
CEI, collection and overdue rates.  It checks nothing (no duplicate, no unknown invoice): the product's
report does, so the comparison favours pandas.  Prints the figures as JSON (amounts in euros), which
bench_cli_files.py compares with the product's report.
"""

from __future__ import annotations

import argparse
import json
from datetime import date

import numpy as np
import pandas as pd

BUCKET_EDGES = (0, 30, 60, 90, 120)
BUCKET_KEYS = ("not_due", "1_30", "31_60", "61_90", "91_120", "over_120")


EPOCH = date(1970, 1, 1)


def read(documents_path: str, settlements_path: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Both files with pandas' Arrow reader and Arrow-backed columns (NumPy-backed strings, and datetime64 made from
    them, take ten times as long); dates then as day numbers, amounts as whole cents."""
    documents = pd.read_csv(
        documents_path,
        usecols=["document_id", "customer_id", "issue_date", "due_date", "amount"],
        engine="pyarrow",
        dtype_backend="pyarrow",
    )
    settlements = pd.read_csv(settlements_path, engine="pyarrow", dtype_backend="pyarrow")
    for frame, dates in ((documents, ("issue_date", "due_date")), (settlements, ("date",))):
        for column in dates:
            frame[column] = frame[column].astype("int32[pyarrow]").to_numpy()  # days since 1970-01-01
        frame["cents"] = (frame["amount"].astype("float64") * 100).round().astype("int64")
    return documents, settlements


def ar_at(documents: pd.DataFrame, money: pd.DataFrame, day: int) -> int:
    """AR(t) = Σ documents issued ≤ t − Σ cash and write-offs dated ≤ t (KPI-SPEC §2), in cents."""
    return int(
        documents.loc[documents["issue_date"] <= day, "cents"].sum() - money.loc[money["date"] <= day, "cents"].sum()
    )


def report(documents: pd.DataFrame, settlements: pd.DataFrame, start: date, end: date) -> dict:
    first, last = (start - EPOCH).days, (end - EPOCH).days
    days = last - first + 1
    money = settlements[settlements["kind"] != "credit"]
    issued = documents["issue_date"]
    sales = int(documents.loc[(issued >= first) & (issued <= last), "cents"].sum())
    in_period = (settlements["date"] >= first) & (settlements["date"] <= last)
    collected = int(settlements.loc[in_period & (settlements["kind"] == "cash"), "cents"].sum())
    written_off = int(settlements.loc[in_period & (settlements["kind"] == "writeoff"), "cents"].sum())
    opening, closing = ar_at(documents, money, first - 1), ar_at(documents, money, last)

    # Outstanding of each document issued ≤ E: its amount − what settled it by E + what it gave as a credit note.
    # Document ids are factorized once and summed with bincount: a groupby and two reindexings on a million text
    # keys take four times as long.
    known = settlements[settlements["date"] <= last]
    open_documents = documents[issued <= last]
    codes, ids = pd.factorize(
        pd.concat([open_documents["document_id"], known["document_id"], known["source_document_id"]], ignore_index=True)
    )
    n, m = len(open_documents), len(known)
    document, target, source = codes[:n], codes[n : n + m], codes[n + m :]
    amount = known["cents"].to_numpy()
    applied = (known["kind"] == "credit").to_numpy() & (source >= 0)
    settled = np.bincount(target[target >= 0], weights=amount[target >= 0], minlength=len(ids))
    given = np.bincount(source[applied], weights=amount[applied], minlength=len(ids))
    # Sums of cents stay far below 2⁵³: exact in float64.
    outstanding = (
        open_documents["cents"].to_numpy()
        - np.rint(settled[document]).astype(np.int64)
        + np.rint(given[document]).astype(np.int64)
    )
    past_due = last - open_documents["due_date"].to_numpy()
    positive = np.where(outstanding > 0, outstanding, 0)
    bucket = np.searchsorted(np.array(BUCKET_EDGES), past_due, side="left")
    aging = {key: int(positive[bucket == index].sum()) for index, key in enumerate(BUCKET_KEYS)}
    gross = sum(aging.values())
    current = aging["not_due"]
    unapplied = closing - gross

    def ratio(numerator, denominator, scale=1.0):
        return None if denominator == 0 else numerator / denominator * scale

    dso, bpdso = ratio(closing, sales, days), ratio(current, sales, days)
    euros = lambda value: round(value / 100, 2)  # noqa: E731 — the figures are printed in euros
    return {
        "period": {"start": start.isoformat(), "end": end.isoformat(), "days": days},
        "sales": euros(sales),
        "collected": euros(collected),
        "written_off": euros(written_off),
        "opening_ar": euros(opening),
        "closing_ar": euros(closing),
        "closing_current_ar": euros(current),
        "closing_overdue_ar": euros(gross - current),
        "unapplied_credits": euros(unapplied),
        "aging": {key: euros(value) for key, value in aging.items()},
        "dso": dso,
        "bpdso": bpdso,
        "add": None if dso is None else dso - bpdso,
        "cei": ratio(opening + sales - closing, opening + sales - current, 100),
        "collection_rate": ratio(collected, opening + sales, 100),
        "overdue_rate": ratio(gross - current, gross, 100),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("documents")
    parser.add_argument("settlements")
    parser.add_argument("--from", dest="start", type=date.fromisoformat, required=True)
    parser.add_argument("--to", dest="end", type=date.fromisoformat, required=True)
    args = parser.parse_args()
    documents, settlements = read(args.documents, args.settlements)
    print(json.dumps(report(documents, settlements, args.start, args.end), indent=2))


if __name__ == "__main__":
    main()
