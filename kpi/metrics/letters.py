"""Reminder letters (R1, R2, R3, the formal notice « mise en demeure »): the figures a letter states, and its line
in the reminders log.

A letter lists the customer's overdue invoices at D in the matching mode (the open invoices of its statement,
kpi/metrics/statement.py, with days late = D − due date ≥ 1) and, for the formal notice or on demand, the
penalties of Article L441-10 of the Code de commerce on each:

  interest  = outstanding × rate / 100 × days late / 365, rounded to the cent half up (per invoice)
  indemnity = 40 € per overdue invoice, when the customers are professionals (the fixed recovery indemnity)

Its unapplied credits (credit notes not applied and unapplied payments, as a positive amount) are shown and
netted: total_due = Σ outstanding + Σ interest + Σ indemnity − unapplied credits.

Generating a letter adds one line to the workspace's reminders log (`record_letter`), stored as an import of
its own: it shows in the imports list, can be removed like any other, and the funnel KPIs count it.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from kpi.metrics.settings import LetterSettings
from kpi.metrics.statement import (
    CREDIT_NOTES,
    OPEN,
    UNAPPLIED_PAYMENTS,
    Statement,
    safe_file_part,
    statement,
)
from kpi.model.figures import json_money
from kpi.model.filters import DEFAULT_MATCHING
from kpi.store.ledger import Ledger
from kpi.text.errors import InvalidValue
from kpi.text.messages import Message

if TYPE_CHECKING:
    from kpi.store.workspace import StoredImport, Workspace

LETTER_STAGES = ("r1", "r2", "r3", "formal_notice")
FORMAL_NOTICE = "formal_notice"
RECOVERY_INDEMNITY = Decimal("40.00")  # Article D441-5 of the Code de commerce, per invoice paid late
DAYS_IN_YEAR = Decimal(365)
HUNDRED = Decimal(100)
CENT = Decimal("0.01")
ZERO = Decimal("0.00")
# How the reminders log names each stage: its channel and its level (kpi/importers/activity.py reads them back;
# ledger_reminders.sql counts a formal notice by its channel, R1–R3 by the digit of their level).
LOG_CHANNEL = {"r1": "Courrier", "r2": "Courrier", "r3": "Courrier", FORMAL_NOTICE: "Mise en demeure"}
LOG_STAGE = {"r1": "R1", "r2": "R2", "r3": "R3", FORMAL_NOTICE: "Mise en demeure"}


@dataclass(frozen=True)
class LetterInvoice:
    """An overdue invoice of the letter; interest and indemnity None when the letter states no penalties."""

    document_id: str
    issue_date: date
    due_date: date
    outstanding: Decimal
    days_late: int
    interest: Decimal | None
    indemnity: Decimal | None

    def to_json(self) -> dict[str, Any]:
        return {
            "document_id": self.document_id,
            "outstanding": json_money(self.outstanding),
            "due_date": self.due_date.isoformat(),
            "days_late": self.days_late,
            "interest": None if self.interest is None else json_money(self.interest),
            "indemnity": None if self.indemnity is None else json_money(self.indemnity),
        }


@dataclass(frozen=True)
class Letter:
    """The figures of one reminder letter to one customer at `as_of`."""

    customer_id: str
    customer_name: str
    as_of: date
    stage: str  # one of LETTER_STAGES
    matching: str
    penalties: bool
    rate: Decimal | None  # % per year, when penalties are stated
    rate_from: date | None
    invoices: tuple[LetterInvoice, ...]
    unapplied_credits: Decimal  # ≥ 0: what the customer's credit notes and payments not applied take off

    @property
    def overdue(self) -> Decimal:
        return sum((invoice.outstanding for invoice in self.invoices), ZERO)

    @property
    def interest(self) -> Decimal:
        return sum((invoice.interest or ZERO for invoice in self.invoices), ZERO)

    @property
    def indemnity(self) -> Decimal:
        return sum((invoice.indemnity or ZERO for invoice in self.invoices), ZERO)

    @property
    def total_due(self) -> Decimal:
        return self.overdue + self.interest + self.indemnity - self.unapplied_credits

    def to_json(self) -> dict[str, Any]:
        """`{"customer_id", "as_of", "stage", "invoices": [...], "unapplied_credits", "total_due"}` and the rate;
        money in euros to the cent as numbers."""
        return {
            "customer_id": self.customer_id,
            "customer_name": self.customer_name,
            "as_of": self.as_of.isoformat(),
            "stage": self.stage,
            "matching": self.matching,
            "penalties": self.penalties,
            "rate": None if self.rate is None else float(self.rate),
            "rate_from": None if self.rate_from is None else self.rate_from.isoformat(),
            "invoices": [invoice.to_json() for invoice in self.invoices],
            "overdue": json_money(self.overdue),
            "interest": json_money(self.interest),
            "indemnity": json_money(self.indemnity),
            "unapplied_credits": json_money(self.unapplied_credits),
            "total_due": json_money(self.total_due),
        }


def late_interest(outstanding: Decimal, rate: Decimal, days_late: int) -> Decimal:
    """outstanding × rate % × days late / 365, to the cent half up (Article L441-10 of the Code de commerce)."""
    return (outstanding * rate / HUNDRED * Decimal(days_late) / DAYS_IN_YEAR).quantize(CENT, rounding=ROUND_HALF_UP)


def letter_settings(ledger: Ledger) -> LetterSettings:
    """The rate and the customers' kind stored with the ledger's workspace (the defaults for files)."""
    return LetterSettings.from_settings(ledger.settings())


def letter(
    ledger: Ledger,
    customer_id: str,
    as_of: date,
    stage: str,
    matching: str = DEFAULT_MATCHING,
    *,
    rate: Decimal | None = None,
    penalties: bool = False,
    settings: LetterSettings | None = None,
) -> Letter:
    """The letter of `stage` to `customer_id` at the end of `as_of`. Penalties are stated for the formal notice,
    or when `penalties` asks; at `rate` (% per year), else the workspace's rate, else a message asks for one."""
    if stage not in LETTER_STAGES:
        raise ValueError(f"stage must be one of {', '.join(LETTER_STAGES)}, got {stage!r}")
    settings = letter_settings(ledger) if settings is None else settings
    return letter_from_statement(statement(ledger, customer_id, as_of, matching), stage, settings, rate, penalties)


def letter_from_statement(
    account: Statement, stage: str, settings: LetterSettings, rate: Decimal | None = None, penalties: bool = False
) -> Letter:
    """The letter's figures from the customer's statement at its date."""
    stated = penalties or stage == FORMAL_NOTICE
    rate_from = None if rate is not None else settings.rate_from
    rate = settings.penalty_rate if rate is None else rate
    if stated and rate is None:
        raise InvalidValue(Message("letter.rate_needed"))
    indemnity = RECOVERY_INDEMNITY if settings.professional else ZERO
    invoices = tuple(
        LetterInvoice(
            item.document_id,
            item.issue_date,
            item.due_date,
            item.outstanding,
            int(item.days_past_due or 0),
            late_interest(item.outstanding, rate, int(item.days_past_due or 0))
            if stated and rate is not None
            else None,
            indemnity if stated else None,
        )
        for item in account.section(OPEN)
        if item.overdue
    )
    unapplied = -(account.total(CREDIT_NOTES) + account.total(UNAPPLIED_PAYMENTS))
    return Letter(
        account.customer_id,
        account.customer_name,
        account.as_of,
        stage,
        account.matching,
        stated,
        rate if stated else None,
        rate_from if stated else None,
        invoices,
        unapplied,
    )


def record_letter(workspace: Workspace, letter: Letter) -> StoredImport:
    """The letter's line in the workspace's reminders log (customer, date, channel letter or formal notice, stage),
    stored as an import of its own, named after the letter. The same letter recorded twice is one import."""
    line = io.StringIO(newline="")
    writer = csv.writer(line, delimiter=";")
    writer.writerow(["N° client", "Date relance", "Canal", "Niveau"])
    writer.writerow(
        [letter.customer_id, letter.as_of.strftime("%d/%m/%Y"), LOG_CHANNEL[letter.stage], LOG_STAGE[letter.stage]]
    )
    return workspace.import_text(log_file_name(letter), line.getvalue())


def log_file_name(letter: Letter) -> str:
    """`relance-R1-C2-2026-03-31.csv`: what the imports list shows for the letter's line."""
    stage = "MED" if letter.stage == FORMAL_NOTICE else LOG_STAGE[letter.stage]
    return f"relance-{stage}-{safe_file_part(letter.customer_id)}-{letter.as_of.isoformat()}.csv"
