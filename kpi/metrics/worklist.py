"""The worklist « À relancer »: who to chase at a date, in which order, and with which reminder.

Every customer with overdue receivables at D (open invoices of the matching mode with days past due ≥ 1)
is one row; a customer with nothing overdue never appears. The figures come from
kpi/sql/queries/worklist.sql; this module reads the schedule from the workspace's settings and lays the
rows out.

**Priority** (transparent, in weighted euros): Σ over the customer's chased overdue invoices of
outstanding × the weight of its bracket of days past due (1–30 ×1, 31–60 ×2, 61–90 ×3, 91 and more ×4),
× the factor of the customer's risk rating at D (kpi/sql/queries/risk_score.sql: A ×1, B ×1.25, C ×1.5,
D ×2), rounded to the cent. Rows are sorted by priority, highest first, then by overdue amount, then by
customer id.

**Disputes**: an invoice under a dispute open at D (from the disputes log; without one nothing is
disputed) is not chased: its whole outstanding leaves the chased amount, the priority and the schedule,
and shows in `disputed`. A customer whose whole overdue is disputed keeps its row, with a chased amount
and a priority of 0 (so it comes last) and the next action `dispute`.

**Next action**: the schedule puts R1 at 8 days after the due date of the customer's oldest chased
invoice, R2 at 22, R3 at 40, the formal notice (« mise en demeure ») at 60 and the agency at 90
(WorklistSettings, from the workspace's settings). The action suggested is the latest stage whose delay is
reached, unless that stage or a later one was already sent to the customer after that due date (the
reminders log): then `wait` until the next stage falls due (`next_action_date`), or `done` once the agency
stage was sent. An amicable stage may be suggested though an earlier one was never sent (the schedule sets
the pace, the log keeps a stage from being sent twice), but the agency never comes before a formal notice
was sent: past the agency's delay without one, the formal notice is suggested. `last_reminder_*` is the customer's latest reminder
on or before D, whatever it was about.

**Broken promises first**: `broken_promises` counts the customer's promises to pay (the promises log,
kpi/sql/activity/promises.sql) broken at D — not covered by the cash of their window once their promised date
+ the grace days (`plan_grace_days`) was over — whose deadline falls after the due date of its oldest chased
invoice. Customers with one or more come first, whatever their priority; among them, and among the others,
the order is the priority's. The priority's amount is unchanged. `last_promise_*` is the customer's latest
promise made on or before D: the date the money was promised for, the amount, and its state at D (kept,
broken or open); None without one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from kpi.metrics.collection import activity_settings
from kpi.metrics.settings import STAGES, WorklistSettings
from kpi.model.figures import json_record
from kpi.model.filters import Filters
from kpi.store.ledger import Ledger

# What `next_action` may be besides a stage: nothing to send before `next_action_date`, every stage sent,
# everything overdue disputed.
WAIT, DONE, DISPUTE = "wait", "done", "dispute"
ACTIONS = (*STAGES, WAIT, DONE, DISPUTE)
# A `last_reminder_stage` of a reminder whose level the log does not say (no R1, R2… in its stage).
OTHER_STAGE = "other"

CENT = Decimal("0.01")


@dataclass(frozen=True)
class WorklistRow:
    """One customer to chase. Money in Decimal; `priority` in weighted euros."""

    customer_id: str
    customer_name: str
    overdue: Decimal  # Σ outstanding of its invoices past due at D, disputed ones included
    disputed: Decimal  # the part of `overdue` under a dispute open at D
    chased: Decimal  # overdue − disputed: what the reminders are about
    oldest_days_past_due: int  # of its oldest overdue invoice, disputed or not
    chased_days_past_due: int | None  # of its oldest chased invoice: the schedule counts from it (None: all disputed)
    rating: str | None  # A–D at D
    priority: Decimal
    next_action: str  # one of ACTIONS
    next_action_date: date | None  # when waiting: the day the next stage falls due
    last_reminder_date: date | None
    last_reminder_stage: str | None  # one of STAGES or OTHER_STAGE
    broken_promises: int = 0  # broken at D, about the debt chased now: the row comes first
    last_promise_date: date | None = None  # the date the customer's latest promise promised the money for
    last_promise_amount: Decimal | None = None
    last_promise_status: str | None = None  # kept, broken or open at D

    def to_json(self) -> dict[str, Any]:
        """Every field in its order: money in euros to the cent as a number, days as YYYY-MM-DD."""
        return json_record(self)


@dataclass(frozen=True)
class Worklist:
    """The customers to chase at `as_of`, in one matching mode, highest priority first."""

    as_of: date
    matching: str
    settings: WorklistSettings
    rows: tuple[WorklistRow, ...]

    def to_json(self) -> list[dict[str, Any]]:
        """A list of objects, in the rows' order: money in euros to the cent as numbers, dates as YYYY-MM-DD."""
        return [row.to_json() for row in self.rows]


def worklist_settings(ledger: Ledger) -> WorklistSettings:
    """The schedule stored with the ledger's workspace (the defaults for files read in memory)."""
    return WorklistSettings.from_settings(ledger.settings())


def worklist(
    ledger: Ledger, as_of: date, filters: Filters = Filters(), settings: WorklistSettings | None = None
) -> Worklist:
    """The worklist at the end of `as_of`, in the filters' matching mode, with the workspace's schedule unless
    `settings` gives one."""
    settings = worklist_settings(ledger) if settings is None else settings
    cursor = ledger.query(
        "SELECT * FROM worklist($as_of, $customers, $activities, $matching, $stage_days, $grace)"
        " ORDER BY broken_promises > 0 DESC, priority DESC, overdue DESC, customer_id",
        {
            "as_of": as_of,
            "stage_days": settings.stage_days(),
            "grace": activity_settings(ledger).plan_grace_days,
            **filters.params(),
        },
    )
    names = [column[0] for column in cursor.description]
    rows = tuple(_row(dict(zip(names, values))) for values in cursor.fetchall())
    return Worklist(as_of, filters.matching, settings, rows)


def _row(row: dict[str, Any]) -> WorklistRow:
    return WorklistRow(
        customer_id=str(row["customer_id"]),
        customer_name=str(row["customer_name"]),
        overdue=Decimal(row["overdue"]),
        disputed=Decimal(row["disputed"]),
        chased=Decimal(row["chased"]),
        oldest_days_past_due=int(row["oldest_days_past_due"]),
        chased_days_past_due=None if row["chased_days_past_due"] is None else int(row["chased_days_past_due"]),
        rating=row["rating"],
        priority=Decimal(row["priority"]).quantize(CENT, rounding=ROUND_HALF_UP),
        next_action=str(row["next_action"]),
        next_action_date=row["next_action_date"],
        last_reminder_date=row["last_reminder_date"],
        last_reminder_stage=row["last_reminder_stage"],
        broken_promises=int(row["broken_promises"]),
        last_promise_date=row["last_promise_date"],
        last_promise_amount=None if row["last_promise_amount"] is None else Decimal(row["last_promise_amount"]),
        last_promise_status=row["last_promise_status"],
    )
