"""The headline KPIs of a period computed with pandas alone, vectorised: the baseline `kpi report FILES` is timed against.

    python benchmarks/pandas_baseline.py documents.csv settlements.csv --from 2026-01-01 --to 2026-06-30

What a careful analyst would write in a notebook, without the product: the canonical pair read with
`pandas.read_csv` (its Arrow engine, explicit dtypes, dates parsed; amounts read as floats and turned into
whole cents in int64, exact for amounts of two decimals, so that sums are exact), then grouped sums and
merges only, no Python loop over rows.  It computes KPI-SPEC §2–3 in `matched` mode
for the figures most reports show: sales, collected, written off, opening and closing AR, the aged balance
at the end of the period (current, overdue, unapplied credits), DSO, best possible DSO, days delinquent,
CEI, collection and overdue rates.  It checks nothing (no duplicate, no unknown invoice): the product's
report does, so the comparison favours pandas.  Prints the figures as JSON (amounts in euros), which
bench_cli_files.py compares with the product's report.
"""

from __future__ import annotations

import argparse
import json
from datetime import date, timedelta

import numpy as np
import pandas as pd

BUCKET_EDGES = (0, 30, 60, 90, 120)
BUCKET_KEYS = ("not_due", "1_30", "31_60", "61_90", "91_120", "over_120")


def read(documents_path: str, settlements_path: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    documents = pd.read_csv(
        documents_path, usecols=["document_id", "customer_id", "issue_date", "due_date", "amount"],
        dtype={"document_id": "string", "customer_id": "string", "amount": "float64"},
        parse_dates=["issue_date", "due_date"], engine="pyarrow",
    )
    settlements = pd.read_csv(
        settlements_path, dtype={"settlement_id": "string", "document_id": "string", "customer_id": "string",
                                 "amount": "float64", "kind": "string", "source_document_id": "string"},
        parse_dates=["date"], engine="pyarrow",
    )
    for frame in (documents, settlements):
        frame["cents"] = (frame["amount"] * 100).round().astype("int64")
    return documents, settlements


def ar_at(documents: pd.DataFrame, money: pd.DataFrame, day: pd.Timestamp) -> int:
    """AR(t) = Σ documents issued ≤ t − Σ cash and write-offs dated ≤ t (KPI-SPEC §2), in cents."""
    return int(documents.loc[documents["issue_date"] <= day, "cents"].sum()
               - money.loc[money["date"] <= day, "cents"].sum())


def report(documents: pd.DataFrame, settlements: pd.DataFrame, start: date, end: date) -> dict:
    first, last = pd.Timestamp(start), pd.Timestamp(end)
    days = (end - start).days + 1
    money = settlements[settlements["kind"] != "credit"]
    issued = documents["issue_date"]
    sales = int(documents.loc[(issued >= first) & (issued <= last), "cents"].sum())
    in_period = (settlements["date"] >= first) & (settlements["date"] <= last)
    collected = int(settlements.loc[in_period & (settlements["kind"] == "cash"), "cents"].sum())
    written_off = int(settlements.loc[in_period & (settlements["kind"] == "writeoff"), "cents"].sum())
    opening, closing = ar_at(documents, money, first - timedelta(days=1)), ar_at(documents, money, last)

    # Outstanding of each document issued ≤ E: its amount − what settled it by E + what it gave as a credit note.
    known = settlements[settlements["date"] <= last]
    settled = known.dropna(subset=["document_id"]).groupby("document_id")["cents"].sum()
    given = known[known["kind"] == "credit"].groupby("source_document_id")["cents"].sum()
    open_documents = documents[issued <= last].set_index("document_id")
    outstanding = (open_documents["cents"] - settled.reindex(open_documents.index, fill_value=0)
                   + given.reindex(open_documents.index, fill_value=0))
    past_due = (last - open_documents["due_date"]).dt.days
    positive = outstanding.where(outstanding > 0, 0)
    bucket = np.searchsorted(np.array(BUCKET_EDGES), past_due.to_numpy(), side="left")
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
        "sales": euros(sales), "collected": euros(collected), "written_off": euros(written_off),
        "opening_ar": euros(opening), "closing_ar": euros(closing), "closing_current_ar": euros(current),
        "closing_overdue_ar": euros(gross - current), "unapplied_credits": euros(unapplied),
        "aging": {key: euros(value) for key, value in aging.items()},
        "dso": dso, "bpdso": bpdso, "add": None if dso is None else dso - bpdso,
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
