"""Checks that need the whole ledger: duplicates, payments to unknown invoices, dates, currencies, overpayments.

Blocking: a document id repeated with different content, a payment to an invoice found neither in
the files nor in the workspace, a payment whose customer is not its invoice's, a payment dated more
than `tolerance_days` (7 by default) before its invoice, several currencies.
Not blocking (warnings): identical repeated rows (kept once), overpayments (kept as given: the
negative outstanding counts in unapplied credits, KPI-SPEC §2), payments after the last invoice.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from kpi.canonical import DOCUMENTS_SCHEMA, SETTLEMENTS_SCHEMA
from kpi.importers.cents import cents_to_decimal, from_cents, to_cents
from kpi.importers.errors import ImportIssue
from kpi.importers.parsed import DOCUMENTS_WITH_ORIGIN, SETTLEMENTS_WITH_ORIGIN, ParsedFile
from kpi.importers.report import money

DOCUMENT_CONTENT = [f for f in DOCUMENTS_SCHEMA.names if f != "document_id"]
SETTLEMENT_CONTENT = [f for f in SETTLEMENTS_SCHEMA.names if f != "settlement_id"]


@dataclass(frozen=True)
class KnownDocuments:
    """Documents already stored in the workspace that payments of this import may settle."""

    frame: pd.DataFrame  # document_id, issue_date (datetime64[D] or NaT), customer_id (or None)

    @classmethod
    def from_option(cls, value) -> KnownDocuments:
        if value is None:
            return cls(pd.DataFrame({"document_id": [], "issue_date": [], "customer_id": []}))
        if isinstance(value, pa.Table):
            frame = pd.DataFrame({
                "document_id": value.column("document_id").to_pylist(),
                "issue_date": value.column("issue_date").to_pylist() if "issue_date" in value.column_names
                else [None] * value.num_rows,
                "customer_id": value.column("customer_id").to_pylist() if "customer_id" in value.column_names
                else [None] * value.num_rows,
            })
        elif isinstance(value, dict):
            frame = pd.DataFrame({"document_id": list(value), "issue_date": list(value.values()),
                                  "customer_id": [None] * len(value)})
        else:
            ids = list(value)
            frame = pd.DataFrame({"document_id": ids, "issue_date": [None] * len(ids), "customer_id": [None] * len(ids)})
        frame["document_id"] = frame["document_id"].astype(object)
        frame["issue_date"] = pd.to_datetime(frame["issue_date"]).astype("datetime64[s]")
        return cls(frame)


@dataclass(frozen=True)
class Checked:
    documents: pa.Table
    settlements: pa.Table
    currency: str
    issues: list[ImportIssue]
    # Per file: what was set aside or moved, to explain any difference between file and import totals.
    adjustments: dict[str, list[str]] = field(default_factory=dict)


def _frame(tables: list[pa.Table], schema: pa.Schema) -> pd.DataFrame:
    table = pa.concat_tables([t.cast(schema) for t in tables]) if tables else schema.empty_table()
    frame = table.to_pandas(types_mapper=None, date_as_object=False)
    for name in ("amount",):
        frame[name + "_cents"] = to_cents(table.column(name).combine_chunks())
    return frame


def _where(row: pd.Series) -> tuple[str, int]:
    return row["source_file"], int(row["source_row"])


def _column(headers: dict[str, dict], file: str, name: str) -> str:
    """The file's own header for a canonical field, so the message points at a column the user sees."""
    return headers.get(file, {}).get(name, name)


def _duplicates(frame: pd.DataFrame, key: str, content: list[str], what: str, issues: list[ImportIssue],
                adjustments: dict[str, list[str]]) -> pd.DataFrame:
    repeated = frame.duplicated(key, keep=False)
    if not repeated.any():
        return frame
    same = frame.duplicated([key] + content, keep="first")
    versions = frame.drop_duplicates([key] + content)
    conflicting = versions[versions.duplicated(key, keep="first")]
    first_seen = frame[~frame.duplicated(key, keep="first")].set_index(key)
    for _, row in conflicting.head(20).iterrows():
        original = first_seen.loc[row[key]]
        file, line = _where(row)
        issues.append(ImportIssue(
            file, f"{what} « {row[key]} » en double avec un contenu différent (déjà lu ligne "
            f"{int(original['source_row'])} de {original['source_file']}) — attendu un numéro unique", line,
            None, row[key]))
    for file, dropped in frame[same].groupby("source_file"):
        total = cents_to_decimal(int(dropped["amount_cents"].sum()))
        adjustments.setdefault(file, []).append(
            f"{len(dropped)} ligne(s) en double à l'identique ignorée(s) ({what}, Σ {money(total)})")
        issues.append(ImportIssue(file, f"{len(dropped)} ligne(s) en double à l'identique ignorée(s) ({what})",
                                  int(dropped["source_row"].iloc[0]), severity="warning"))
    return frame[~same]


def _link_payments(documents: pd.DataFrame, settlements: pd.DataFrame, known: KnownDocuments,
                   tolerance_days: int, issues: list[ImportIssue], headers: dict[str, dict]) -> pd.DataFrame:
    catalogue = pd.concat([
        documents[["document_id", "issue_date", "customer_id"]].assign(stored=False),
        known.frame.assign(stored=True),
    ]).drop_duplicates("document_id", keep="first").set_index("document_id")
    # Positions looked up with Arrow's hash join: pandas string lookups cost seconds on a million payments.
    catalogue_ids = pa.array(catalogue.index.to_numpy(dtype=object, na_value=None), pa.string())
    position = pc.index_in(pa.array(settlements["document_id"].to_numpy(dtype=object, na_value=None), pa.string()),
                           value_set=catalogue_ids)
    found = np.asarray(pc.is_valid(position).to_numpy(zero_copy_only=False), dtype=bool)
    take = np.asarray(pc.fill_null(position, 0).to_numpy(zero_copy_only=False), dtype=np.int64)
    applied = pd.Series(settlements["document_id"].notna().to_numpy(), index=settlements.index)
    unknown = applied & ~found
    if unknown.any():
        rows = settlements[unknown]
        first = rows.iloc[0]
        file, line = _where(first)
        more = f" ({len(rows)} règlements dans ce cas)" if len(rows) > 1 else ""
        issues.append(ImportIssue(file, f"règlement d'une facture inconnue « {first['document_id']} » — attendu "
                                  f"un numéro de facture présent dans les fichiers importés ou dans l'espace de "
                                  f"travail{more}", line, _column(headers, file, "document_id"), first["document_id"]))
        return settlements

    def looked_up(column: str) -> pd.Series:
        values = catalogue[column].to_numpy(dtype=object, na_value=None)[take] if len(catalogue) else np.full(len(take), None)
        return pd.Series(np.where(found, values, None), index=settlements.index, dtype=object)

    invoice_customer = looked_up("customer_id")
    no_customer = settlements["customer_id"].isna()
    settlements = settlements.assign(customer_id=settlements["customer_id"].where(~no_customer, invoice_customer))
    still_missing = settlements["customer_id"].isna()
    if still_missing.any():
        file, line = _where(settlements[still_missing].iloc[0])
        issues.append(ImportIssue(file, "client du règlement inconnu : la facture est dans l'espace de travail sans "
                                  "son client — ajoutez une colonne client au fichier de règlements", line))
    differs = settlements["customer_id"].to_numpy(dtype=object, na_value=None) != invoice_customer.to_numpy(dtype=object)
    mismatch = applied & ~no_customer & invoice_customer.notna() & differs
    if mismatch.any():
        row = settlements[mismatch].iloc[0]
        file, line = _where(row)
        issues.append(ImportIssue(file, f"le règlement de la facture « {row['document_id']} » est au nom du client "
                                  f"« {row['customer_id']} » alors que la facture est au client "
                                  f"« {invoice_customer[mismatch].iloc[0]} »", line, _column(headers, file, "customer_id"),
                                  row["customer_id"]))
    issued = pd.to_datetime(looked_up("issue_date"))
    limit = issued - pd.Timedelta(days=tolerance_days)
    early = applied & issued.notna() & (settlements["date"] < limit)
    if early.any():
        row = settlements[early].iloc[0]
        file, line = _where(row)
        issued_on = issued[early].iloc[0].date()
        issues.append(ImportIssue(
            file, f"règlement daté du {row['date'].date():%d/%m/%Y}, plus de {tolerance_days} jours avant la facture "
            f"« {row['document_id']} » du {issued_on:%d/%m/%Y} — date de règlement ou de facture erronée "
            f"(jour et mois inversés ?)", line, _column(headers, file, "date"), f"{row['date'].date():%d/%m/%Y}"))
    return settlements


def _overpayments(documents: pd.DataFrame, settlements: pd.DataFrame, issues: list[ImportIssue],
                  adjustments: dict[str, list[str]]) -> None:
    """Settlements beyond their document's amount are kept as given: the document's outstanding turns
    negative, which KPI-SPEC §2 counts in unapplied credits.  The user is told, per file."""
    amount = settlements["document_id"].map(documents.set_index("document_id")["amount_cents"])
    local = settlements["document_id"].notna() & amount.notna()
    if not local.any():
        return
    ordered = settlements[local].assign(doc_amount=amount[local].clip(lower=0)).sort_values(["date", "source_row"])
    settled_before = ordered.groupby("document_id")["amount_cents"].cumsum() - ordered["amount_cents"]
    applicable = (ordered["doc_amount"] - settled_before).clip(lower=0)
    excess = (ordered["amount_cents"] - applicable).clip(lower=0).astype(np.int64)
    over = excess > 0
    for file, rows in ordered[over].groupby("source_file"):
        excess_total = money(cents_to_decimal(int(excess[rows.index].sum())))
        first = rows.iloc[0]
        what = "avoir" if amount[first.name] <= 0 else "facture"
        issues.append(ImportIssue(file, f"{len(rows)} règlement(s) au-delà du montant de leur {what} "
                                  f"(trop-perçu Σ {excess_total}) : l'excédent compte en crédit client non affecté",
                                  int(first["source_row"]), "document_id", first["document_id"], severity="warning"))
        adjustments.setdefault(file, []).append(f"trop-perçu Σ {excess_total} compté en crédit non affecté")


def _table(frame: pd.DataFrame, schema: pa.Schema) -> pa.Table:
    columns = {}
    for field_ in schema:
        if field_.name == "amount":
            columns["amount"] = from_cents(frame["amount_cents"].to_numpy(dtype=np.int64))
        elif pa.types.is_date32(field_.type):
            days = frame[field_.name].to_numpy(dtype="datetime64[D]")
            columns[field_.name] = pa.array(days, pa.date32())
        else:
            columns[field_.name] = pa.array(frame[field_.name], field_.type, from_pandas=True)
    return pa.table(columns, schema=pa.schema([f.with_nullable(True) for f in schema]))


def check_ledger(parsed: list[ParsedFile], *, known_documents=None, tolerance_days: int = 7,
                 currency: str | None = None) -> Checked:
    issues: list[ImportIssue] = []
    adjustments: dict[str, list[str]] = {}
    headers = {p.file: p.columns for p in parsed}
    currencies = {p.currency for p in parsed if p.currency}
    if currency:
        wanted = currency.upper()
        for p in parsed:
            if p.currency and p.currency != wanted:
                issues.append(ImportIssue(p.file, f"devise {p.currency} alors que l'espace de travail est en "
                                          f"{wanted} — un espace de travail se tient dans une seule devise"))
    elif len(currencies) > 1:
        for p in parsed:
            if p.currency:
                issues.append(ImportIssue(p.file, f"devises mélangées entre fichiers ({', '.join(sorted(currencies))})"
                                          f" : ce fichier est en {p.currency}"))
    ledger_currency = (currency or (currencies.pop() if len(currencies) == 1 else None) or "EUR").upper()
    documents = _frame([p.documents for p in parsed], DOCUMENTS_WITH_ORIGIN)
    settlements = _frame([p.settlements for p in parsed], SETTLEMENTS_WITH_ORIGIN)
    documents = _duplicates(documents, "document_id", DOCUMENT_CONTENT, "numéro de facture", issues, adjustments)
    if any(i.severity == "error" for i in issues):
        return Checked(_table(documents, DOCUMENTS_WITH_ORIGIN), _table(settlements, SETTLEMENTS_WITH_ORIGIN),
                       ledger_currency, issues, adjustments)
    known = KnownDocuments.from_option(known_documents)
    settlements = _link_payments(documents, settlements, known, tolerance_days, issues, headers)
    # After linking, so that a payment read without its customer compares equal to the same payment
    # read from an invoice list.
    settlements = _duplicates(settlements, "settlement_id", SETTLEMENT_CONTENT, "règlement", issues, adjustments)
    if not any(i.severity == "error" for i in issues):
        _overpayments(documents, settlements, issues, adjustments)
        if len(documents) and len(settlements):
            last_invoice = documents["issue_date"].max()
            late = settlements["date"] > last_invoice
            if late.any():
                first = settlements[late].sort_values("source_row").iloc[0]
                issues.append(ImportIssue(first["source_file"], f"{int(late.sum())} règlement(s) daté(s) après la "
                                          f"dernière facture ({last_invoice.date():%d/%m/%Y}) : vérifiez que "
                                          "l'export des factures est complet", int(first["source_row"]),
                                          severity="warning"))
    return Checked(_table(documents, DOCUMENTS_WITH_ORIGIN), _table(settlements, SETTLEMENTS_WITH_ORIGIN),
                   ledger_currency, issues, adjustments)


def total(table: pa.Table) -> Decimal:
    return cents_to_decimal(int(to_cents(table.column("amount").combine_chunks()).sum()))
