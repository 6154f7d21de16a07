"""The reading options a user (or the CLI and the app) can give `read_files`, checked once."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from kpi.importers.terms import PaymentTerms
from kpi.text.errors import InvalidValue
from kpi.text.messages import Message

LAYOUTS = (
    "invoices",
    "payments",
    "fec",
    "canonical",
    "disputes",
    "reminders",
    "payment_plans",
    "collection_costs",
    "promises",
)
LAYOUT_ALIASES = {
    "litiges": "disputes",
    "relances": "reminders",
    "echeanciers": "payment_plans",
    "échéanciers": "payment_plans",
    "plans": "payment_plans",
    "frais": "collection_costs",
    "costs": "collection_costs",
    "promesses": "promises",
    "invoice-list": "invoices",
    "invoice_list": "invoices",
    "factures": "invoices",
    "liste": "invoices",
    "reglements": "payments",
    "règlements": "payments",
    "paiements": "payments",
    "settlements": "payments",
}
SEPARATOR_ALIASES = {"tab": "\t", "\\t": "\t", "tabulation": "\t", "semicolon": ";", "comma": ",", "pipe": "|"}
# A payment may precede its invoice by this much (order paid, invoice issued a few days later);
# further back it is almost always a typo (day and month swapped, wrong year).
SETTLEMENT_BEFORE_ISSUE_TOLERANCE_DAYS = 7


@dataclass(frozen=True)
class ImportOptions:
    layout: str | None = None
    mapping: Path | None = None
    sheet: str | int | None = None
    terms: PaymentTerms = PaymentTerms()  # noqa: RUF009 — a frozen value, shared safely
    dayfirst: bool | None = None
    encoding: str | None = None
    delimiter: str | None = None
    decimal: str | None = None
    currency: str | None = None
    mappings_dir: Path | None = None
    known_documents: object = None  # see validation.KnownDocuments.from_option
    tolerance_days: int = SETTLEMENT_BEFORE_ISSUE_TOLERANCE_DAYS

    @classmethod
    def from_keywords(cls, options: dict) -> ImportOptions:
        unknown = sorted(set(options) - set(cls.__dataclass_fields__))
        if unknown:
            raise TypeError(
                f"read_files: unknown option(s) {', '.join(unknown)}; known: {', '.join(cls.__dataclass_fields__)}"
            )
        values = {k: v for k, v in options.items() if v is not None}
        layout = values.get("layout")
        if layout is not None:
            layout = LAYOUT_ALIASES.get(str(layout).lower(), str(layout).lower())
            if layout not in LAYOUTS:
                raise InvalidValue(
                    Message("options.unknown_layout", layout=str(values["layout"]), layouts=", ".join(LAYOUTS))
                )
            values["layout"] = layout
        if "terms" in values and not isinstance(values["terms"], PaymentTerms):
            values["terms"] = PaymentTerms.parse(values["terms"])
        if "delimiter" in values:
            values["delimiter"] = SEPARATOR_ALIASES.get(str(values["delimiter"]).lower(), values["delimiter"])
        if values.get("decimal") not in (None, ",", "."):
            raise InvalidValue(Message("options.unknown_decimal", decimal=str(values["decimal"])))
        for key in ("mapping", "mappings_dir"):
            if key in values:
                values[key] = Path(values[key])
        return cls(**values)
