"""Collection-activity logs — disputes (litiges), reminders (relances), payment plans (échéanciers), collection costs,
promises to pay (promesses de paiement) — read into their canonical tables.

Each log is recognised by its headers (the vocabularies of headers.py: a "signature" column
such as « Date litige », « Canal », « N° échéancier », « Catégorie de frais » or « Date promesse ») or by its file
name, and read with the same FieldReader as invoice lists, so its dates, amounts and error
messages are the same. A `Disputed` yes/no column of an invoice list becomes a dispute on the
invoice's full amount, opened at its issue date (and resolved when the invoice was paid).
"""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from kpi.importers.errors import ImportIssue
from kpi.importers.fields import FIELD_LABELS, FieldReader
from kpi.importers.headers import normal_form
from kpi.importers.mapping import ColumnMapping, guess_mapping
from kpi.importers.parsed import DOCUMENTS_WITH_ORIGIN, SETTLEMENTS_WITH_ORIGIN, ParsedFile
from kpi.importers.tables import TextTable
from kpi.model.canonical import ACTIVITY_SCHEMAS, MONEY
from kpi.text.messages import Message

ACTIVITY_LAYOUTS = ("disputes", "reminders", "payment_plans", "collection_costs", "promises")
ORIGIN = [pa.field("source_file", pa.string()), pa.field("source_row", pa.int64())]
WITH_ORIGIN = {
    name: pa.schema([f.with_nullable(True) for f in schema] + ORIGIN) for name, schema in ACTIVITY_SCHEMAS.items()
}

# Columns whose strong synonym (confidence ≥ 0.7) says which log a file is.
SIGNATURE_FIELDS = {
    "disputes": ("opened_date", "resolved_date", "disputed_amount"),
    "reminders": ("channel", "stage", "reminder_date"),
    "payment_plans": ("plan_id", "installment_amount"),
    "collection_costs": ("cost_amount", "category"),
    "promises": ("promise_date", "promised_date"),
}
# Words of a file name that say which log it is (« relances 2026.csv »).
FILE_WORDS = {
    "disputes": ("litige", "dispute", "contestation", "reclamation"),
    "reminders": ("relance", "reminder", "dunning"),
    "payment_plans": ("echeancier", "plan", "instalment", "installment"),
    "collection_costs": ("frais", "cout", "cost", "depense"),
    "promises": ("promesse", "promise"),
}
REQUIRED = {
    "disputes": (("document_id",), ("opened_date",)),
    "reminders": (("reminder_date",), ("customer_id", "customer_name", "document_id")),
    "payment_plans": (("plan_id",), ("customer_id", "customer_name"), ("due_date",), ("installment_amount",)),
    "collection_costs": (("cost_date",), ("cost_amount",)),
    "promises": (("customer_id", "customer_name"), ("promise_date",), ("promised_date",), ("promised_amount",)),
}
# The confidences mapping._score gives a strong synonym (exact, or contained in the header);
# a generic word (« Montant », "Date") fits any log and says nothing about which one.
STRONG = (1.0, 0.7)

# Channel words, tried in this order: « lettre de mise en demeure » is a formal notice, not a letter.
CHANNEL_WORDS = (
    (
        "formal_notice",
        (
            "mise en demeure",
            "demeure",
            "med",
            "lrar",
            "recommande",
            "formal notice",
            "final notice",
            "letter before action",
        ),
    ),
    (
        "legal",
        (
            "injonction",
            "contentieux",
            "huissier",
            "commissaire de justice",
            "avocat",
            "tribunal",
            "judiciaire",
            "legal",
            "litigation",
            "court",
            "lawyer",
        ),
    ),
    (
        "agency",
        (
            "agence",
            "cabinet",
            "societe de recouvrement",
            "recouvrement externe",
            "agency",
            "collector",
            "collection agency",
            "factor",
        ),
    ),
    ("phone", ("telephone", "tel", "appel", "phone", "call", "telephonique")),
    ("email", ("email", "e mail", "mail", "courriel", "electronique")),
    ("letter", ("courrier", "lettre", "letter", "postal", "poste")),
    ("other", ("sms", "autre", "other", "visite", "visit", "fax", "portail", "portal")),
)
CATEGORY_WORDS = (
    ("staff", ("personnel", "salaire", "salaires", "staff", "salary", "salaries", "interne", "internal", "equipe")),
    ("agency", ("agence", "cabinet", "societe de recouvrement", "agency", "collector", "commission")),
    (
        "legal",
        (
            "juridique",
            "avocat",
            "huissier",
            "contentieux",
            "commissaire de justice",
            "legal",
            "lawyer",
            "court",
            "tribunal",
            "injonction",
        ),
    ),
    ("insurance", ("assurance", "assurance credit", "insurance", "credit insurance")),
)
# The refusal of a log's row that names an invoice neither the files nor the workspace hold.
UNKNOWN_INVOICE = {"disputes": "activity.dispute_unknown_invoice", "promises": "activity.promise_unknown_invoice"}
YES = ("yes", "y", "oui", "o", "1", "true", "vrai", "x", "disputed", "litige", "en litige")
NO = ("no", "n", "non", "0", "false", "faux", "")


def detect_activity(table: TextTable) -> ColumnMapping | None:
    """The activity log this file is, when its headers (or its name) say so and its required columns are there."""
    name_words = normal_form(table.file).split()
    for layout in ACTIVITY_LAYOUTS:
        mapping = guess_mapping(table.headers, layout)
        if not _has_required(mapping, layout):
            continue
        signed = any(c.field in SIGNATURE_FIELDS[layout] and c.confidence in STRONG for c in mapping.choices)
        named = any(w.startswith(word) for w in name_words for word in FILE_WORDS[layout])
        if layout == "collection_costs" and _names_a_debtor(table):
            continue  # costs belong to no invoice and no customer
        if signed or named:
            return mapping
    return None


def _names_a_debtor(table: TextTable) -> bool:
    invoices = guess_mapping(table.headers, "invoices")
    return any(invoices.has(f) for f in ("document_id", "customer_id", "customer_name"))


def _has_required(mapping: ColumnMapping, layout: str) -> bool:
    return all(any(mapping.has(f) for f in alternatives) for alternatives in REQUIRED[layout])


def _missing_columns(table: TextTable, mapping: ColumnMapping) -> list[ImportIssue]:
    present = [Message("quoted", text=h) for h in table.headers]
    return [
        ImportIssue(
            table.file,
            Message(
                "invoices.missing_column",
                hint="",
                present=present,
                field=Message("either", items=[FIELD_LABELS[f] for f in alternatives]),
            ),
        )
        for alternatives in REQUIRED[mapping.layout]
        if not any(mapping.has(f) for f in alternatives)
    ]


def read_activity(table: TextTable, mapping: ColumnMapping, reader: FieldReader) -> ParsedFile | None:
    """One activity log as a ParsedFile whose `activity` holds its canonical table (with file and row)."""
    issues = reader.issues
    if reader.refuse(_missing_columns(table, mapping)):
        return None
    before = reader.start
    read = {
        "disputes": _disputes,
        "reminders": _reminders,
        "payment_plans": _plans,
        "collection_costs": _costs,
        "promises": _promises,
    }[mapping.layout]
    rows = read(table, mapping, reader)
    if rows is None or len(issues) > before:
        return None
    rows = rows.append_column("source_file", pa.array([table.file] * rows.num_rows, pa.string()))
    rows = rows.append_column("source_row", reader.rows())
    rows = rows.select(WITH_ORIGIN[mapping.layout].names).cast(WITH_ORIGIN[mapping.layout])
    total = activity_total(rows)
    return ParsedFile(
        table.file,
        mapping.layout,
        DOCUMENTS_WITH_ORIGIN.empty_table(),
        SETTLEMENTS_WITH_ORIGIN.empty_table(),
        rows_read=table.num_rows,
        details={"activity_in_file": total},
        columns=mapping.fields,
        activity={mapping.layout: rows},
    )


def activity_total(rows: pa.Table) -> Decimal:
    """Σ of the log's money column (disputed amounts, reminder costs, installments, costs, promised amounts)."""
    column = next(c for c in ("amount", "cost") if c in rows.column_names)
    return Decimal(pc.sum(rows.column(column)).as_py() or 0).quantize(Decimal("0.01"))


def _text_or_null(values: pa.Array | None, n: int) -> pa.Array:
    if values is None:
        return pa.nulls(n, pa.string())
    return pc.if_else(pc.equal(values, ""), pa.scalar(None, pa.string()), values)


def _ids(*parts: pa.Array) -> pa.Array:
    """Ids made of what the row is, so the same log imported twice adds nothing; repeats get '#2', '#3'…"""
    base = pc.binary_join_element_wise(*[pc.fill_null(pc.cast(p, pa.string()), "") for p in parts], "/")
    import pandas as pd  # only logs of activity need it: reading canonical files must not load it

    frame = pd.Series(base.to_numpy(zero_copy_only=False))
    occurrence = frame.groupby(frame, sort=False).cumcount().to_numpy() + 1
    suffix = pa.array(np.where(occurrence > 1, "#" + occurrence.astype(str), ""), pa.string())
    return pc.binary_join_element_wise(base, suffix, "")


def _first(reader: FieldReader, mask: pa.Array, name: str, message: Message, values: pa.Array) -> bool:
    index = reader.first_index(pc.fill_null(mask, False))
    if index is None:
        return False
    value = values[index].as_py()
    reader.issue(message, index, reader.mapping.header(name), None if value is None else str(value))
    return True


def _not_positive(reader: FieldReader, name: str, amounts: pa.Array, message: Message) -> bool:
    """Refuses the first amount ≤ 0 (an installment, a promise): True when one was found."""
    return _first(reader, pc.less_equal(amounts, pa.scalar(Decimal(0), amounts.type)), name, message, amounts)


def _before(reader: FieldReader, name: str, dates: pa.Array, earliest: pa.Array, message: Message) -> bool:
    """Refuses the first date of column `name` before its row's `earliest` (a resolution, a promised day): True when
    one was found."""
    return _first(reader, pc.less(dates, earliest), name, message, pc.cast(dates, pa.string()))


def _customer(reader: FieldReader, mapping: ColumnMapping) -> pa.Array | None:
    """The customer column: its code when the log has one, else its name."""
    return reader.required_text("customer_id" if mapping.has("customer_id") else "customer_name")


def _not_negative(reader: FieldReader, name: str, values: pa.Array | None, message: Message) -> None:
    if values is not None:
        _first(reader, pc.less(values, pa.scalar(Decimal(0), values.type)), name, message, values)


def _words(
    reader: FieldReader, name: str, vocabulary, default: str | None, strict: bool, expected: Message | str
) -> pa.Array | None:
    """Free text (« Lettre recommandée », "phone call") read as one of the vocabulary's keys."""
    values = reader.text(name)
    if values is None:
        return None if default is None else pa.array([default] * reader.table.num_rows, pa.string())
    result = []
    for position, text in enumerate(values.to_pylist()):
        words = f" {normal_form(text or '')} "
        key = next(
            (
                key
                for key, synonyms in vocabulary
                if key == words.strip() or any(f" {synonym} " in words for synonym in synonyms)
            ),
            None,
        )
        if key is None and words.strip() and strict:
            reader.issue(
                Message("activity.unknown_word", field=FIELD_LABELS[name], expected=expected),
                position,
                reader.mapping.header(name),
                text,
            )
            return None
        result.append(key or default)
    return pa.array(result, pa.string())


def _disputes(table: TextTable, mapping: ColumnMapping, reader: FieldReader) -> pa.Table | None:
    n = table.num_rows
    document = reader.required_text("document_id")
    opened = reader.dates("opened_date", required=True)
    resolved = reader.dates("resolved_date", required=False)
    amount = reader.amounts("disputed_amount", required=False)
    if document is None or opened is None:
        return None
    resolved = resolved if resolved is not None else pa.nulls(n, pa.date32())
    amount = amount if amount is not None else pa.nulls(n, MONEY)
    if _before(reader, "resolved_date", resolved, opened, Message("activity.resolved_before_opened")):
        return None
    _not_negative(reader, "disputed_amount", amount, Message("activity.negative_disputed_amount"))
    return pa.table(
        {
            "dispute_id": _ids(document, opened),
            "document_id": document,
            "opened_date": opened,
            "resolved_date": resolved,
            "amount": amount,
            "reason": _text_or_null(reader.text("reason"), n),
        }
    )


def _reminders(table: TextTable, mapping: ColumnMapping, reader: FieldReader) -> pa.Table | None:
    n = table.num_rows
    when = reader.dates("reminder_date", required=True)
    cost = reader.amounts("cost", required=False)
    channel = _words(reader, "channel", CHANNEL_WORDS, "other", True, Message("activity.channels_expected"))
    if when is None or (mapping.has("channel") and channel is None):
        return None
    customer = _text_or_null(
        reader.text("customer_id") if mapping.has("customer_id") else reader.text("customer_name"), n
    )
    document = _text_or_null(reader.text("document_id"), n)
    if _first(
        reader,
        pc.and_(pc.is_null(customer), pc.is_null(document)),
        "customer_id",
        Message("activity.reminder_orphan"),
        pa.nulls(n, pa.string()),
    ):
        return None
    _not_negative(reader, "cost", cost, Message("activity.negative_cost"))
    stage = _text_or_null(reader.text("stage"), n)
    return pa.table(
        {
            "reminder_id": _ids(customer, document, when, channel, stage),
            "customer_id": customer,
            "document_id": document,
            "date": when,
            "channel": channel,
            "stage": stage,
            "cost": cost if cost is not None else pa.nulls(n, MONEY),
        }
    )


def _plans(table: TextTable, mapping: ColumnMapping, reader: FieldReader) -> pa.Table | None:
    plan = reader.required_text("plan_id")
    customer = _customer(reader, mapping)
    due = reader.dates("due_date", required=True)
    amount = reader.amounts("installment_amount", required=True)
    if plan is None or customer is None or due is None or amount is None:
        return None
    if _not_positive(reader, "installment_amount", amount, Message("activity.installment_not_positive")):
        return None
    return pa.table(
        {"installment_id": _ids(plan, due), "plan_id": plan, "customer_id": customer, "due_date": due, "amount": amount}
    )


def _costs(table: TextTable, mapping: ColumnMapping, reader: FieldReader) -> pa.Table | None:
    when = reader.dates("cost_date", required=True)
    amount = reader.amounts("cost_amount", required=True)
    category = _words(reader, "category", CATEGORY_WORDS, "other", False, "")
    if when is None or amount is None:
        return None
    return pa.table({"cost_id": _ids(when, category, amount), "date": when, "amount": amount, "category": category})


def _promises(table: TextTable, mapping: ColumnMapping, reader: FieldReader) -> pa.Table | None:
    customer = _customer(reader, mapping)
    made = reader.dates("promise_date", required=True)
    promised = reader.dates("promised_date", required=True)
    amount = reader.amounts("promised_amount", required=True)
    if customer is None or made is None or promised is None or amount is None:
        return None
    if _not_positive(reader, "promised_amount", amount, Message("activity.promise_not_positive")) or _before(
        reader, "promised_date", promised, made, Message("activity.promised_before_promise")
    ):
        return None
    document = _text_or_null(reader.text("document_id"), table.num_rows)
    return pa.table(
        {
            "promise_id": _ids(customer, document, made, promised, amount),
            "customer_id": customer,
            "document_id": document,
            "promise_date": made,
            "promised_date": promised,
            "amount": amount,
        }
    )


def disputes_from_flags(reader: FieldReader, documents: pa.Table, paid_date: pa.Array | None) -> pa.Table | None:
    """An invoice list's yes/no `Disputed` column: a dispute on each flagged invoice's full amount, opened at its
    issue date, resolved on its paid date when it has one. None (with an issue) when a flag is neither yes nor no."""
    flags = reader.text("disputed")
    if flags is None:
        return WITH_ORIGIN["disputes"].empty_table()
    normal = pc.utf8_lower(pc.utf8_trim_whitespace(flags))
    unknown = pc.invert(pc.is_in(normal, pa.array(YES + NO)))
    if _first(reader, unknown, "disputed", Message("activity.unknown_dispute_flag"), flags):
        return None
    flagged = documents.filter(pc.is_in(normal, pa.array(YES)))
    resolved = (
        paid_date.filter(pc.is_in(normal, pa.array(YES)))
        if paid_date is not None
        else pa.nulls(flagged.num_rows, pa.date32())
    )
    document = flagged.column("document_id").combine_chunks()
    opened = flagged.column("issue_date").combine_chunks()
    return pa.table(
        {
            "dispute_id": _ids(document, opened),
            "document_id": document,
            "opened_date": opened,
            "resolved_date": resolved,
            "amount": flagged.column("amount"),
            "reason": pa.nulls(flagged.num_rows, pa.string()),
            "source_file": flagged.column("source_file"),
            "source_row": flagged.column("source_row"),
        }
    ).cast(WITH_ORIGIN["disputes"])


def check_activity(
    parsed: list[ParsedFile], documents: pa.Table, known_ids: set[str], known_customers: set[str]
) -> tuple[dict, list[ImportIssue]]:
    """The logs of every file, each row once, as canonical tables; a dispute, reminder or promise naming an invoice
    found neither in the files nor in the workspace is refused, as a payment to it would be, and so is a promise on
    a customer's balance naming a customer of no invoice (a name where the ledger has codes could never be kept)."""
    issues: list[ImportIssue] = []
    ids = set(documents.column("document_id").to_pylist()) | known_ids
    all_customers = set(documents.column("customer_id").to_pylist()) | known_customers
    customers = dict(zip(documents.column("document_id").to_pylist(), documents.column("customer_id").to_pylist()))
    result = {}
    for name, schema in ACTIVITY_SCHEMAS.items():
        tables = [p.activity[name] for p in parsed if name in p.activity]
        if not tables:
            continue
        rows = pa.concat_tables(tables)
        if "document_id" in rows.column_names:
            for document, file, row in zip(
                rows.column("document_id").to_pylist(),
                rows.column("source_file").to_pylist(),
                rows.column("source_row").to_pylist(),
            ):
                if document is not None and document not in ids:
                    what = UNKNOWN_INVOICE.get(name, "activity.reminder_unknown_invoice")
                    issues.append(ImportIssue(file, Message(what, document=document), row, "document_id", document))
                    break
        if name == "promises":
            for customer, document, file, row in zip(
                rows.column("customer_id").to_pylist(),
                rows.column("document_id").to_pylist(),
                rows.column("source_file").to_pylist(),
                rows.column("source_row").to_pylist(),
            ):
                if document is None and customer not in all_customers:
                    message = Message("activity.promise_unknown_customer", customer=customer)
                    issues.append(ImportIssue(file, message, row, "customer_id", customer))
                    break
        if name == "reminders":
            own = rows.column("customer_id").to_pylist()
            given = [
                c if c is not None else customers.get(d) for c, d in zip(own, rows.column("document_id").to_pylist())
            ]
            rows = rows.set_column(rows.column_names.index("customer_id"), "customer_id", pa.array(given, pa.string()))
        key = schema.names[0]
        _, first = np.unique(rows.column(key).to_numpy(zero_copy_only=False).astype(str), return_index=True)
        rows = rows.take(pa.array(np.sort(first)))
        result[name] = rows.select(schema.names)
    return result, issues
