"""Promises to pay: each promise's state at a date (kept, broken, open), and a promise typed in the app stored as an
import of its own.

A promise is kept when the cash received from its promise date on covers its amount by its promised date + the
grace days (the `plan_grace_days` setting, as for payment plans), broken when that deadline is over at D without
it, open otherwise; the rule, and how overlapping promises count cash, is in kpi/sql/activity/promises.sql.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from kpi.metrics.collection import activity_settings
from kpi.metrics.settings import ActivitySettings
from kpi.metrics.statement import safe_file_part
from kpi.model.filters import Filters
from kpi.store.ledger import Ledger

if TYPE_CHECKING:
    import pandas as pd

    from kpi.store.workspace import StoredImport, Workspace

# The headers of the one-line log a promise typed in the app is stored as (kpi/importers/headers.py knows them).
LOG_HEADERS = ("customer_id", "document_id", "promise_date", "promised_date", "promised_amount")


def promise_list(
    ledger: Ledger, as_of: date, filters: Filters = Filters(), settings: ActivitySettings | None = None
) -> pd.DataFrame:
    """The promises made by `as_of`, with their state at that date: open first, then broken, then kept, latest
    promised date first. `removable`: the promise is its import's only row (typed in the app), so removing that
    import removes it alone."""
    settings = settings or activity_settings(ledger)
    return ledger.frame(
        "WITH names AS (SELECT customer_id, any_value(customer_name ORDER BY issue_date DESC) AS customer_name"
        "               FROM documents GROUP BY customer_id),"
        " rows_of_import AS (SELECT import_id, count(*) AS promises FROM promises GROUP BY import_id)"
        " SELECT p.promise_id, p.customer_id, coalesce(n.customer_name, p.customer_id) AS customer_name,"
        " p.document_id, p.promise_date, p.promised_date, p.deadline, p.amount, p.cash_received, p.status,"
        " p.import_id,"
        " r.promises = 1 AND coalesce(i.documents, 0) = 0 AND coalesce(i.settlements, 0) = 0"
        "   AND i.import_id IS NOT NULL AS removable"
        " FROM promise_status($as_of, $grace, $customers, $activities) AS p"
        " LEFT JOIN names AS n USING (customer_id)"
        " LEFT JOIN rows_of_import AS r USING (import_id)"
        " LEFT JOIN imports AS i USING (import_id)"
        " ORDER BY list_position(['open', 'broken', 'kept'], p.status), p.promised_date DESC, p.promise_id",
        {"as_of": as_of, "grace": settings.plan_grace_days, **filters.params()},
    )


def promise_choices(ledger: Ledger, as_of: date, filters: Filters = Filters()) -> pd.DataFrame:
    """What a promise may be about at `as_of`: each customer's open invoices (document_id, outstanding), customers
    with an open balance, largest balance first."""
    return ledger.frame(
        "SELECT customer_id, customer_name, document_id, due_date, outstanding,"
        " sum(outstanding) OVER (PARTITION BY customer_id) AS balance"
        " FROM open_items_at([$as_of::DATE], $customers, $activities, $matching)"
        " WHERE item_kind = 'invoice' AND outstanding > 0"
        " ORDER BY balance DESC, customer_id, due_date, document_id",
        {"as_of": as_of, **filters.params()},
    )


@dataclass(frozen=True)
class NewPromise:
    """A promise typed in the app."""

    customer_id: str
    document_id: str | None
    promise_date: date
    promised_date: date
    amount: Decimal

    def log_text(self) -> str:
        """The promise as a one-line promises log (CSV, canonical English headers), read by the usual importer."""
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(LOG_HEADERS)
        writer.writerow(
            [
                self.customer_id,
                self.document_id or "",
                self.promise_date.isoformat(),
                self.promised_date.isoformat(),
                f"{self.amount:.2f}",
            ]
        )
        return out.getvalue()

    def file_name(self, stem: str) -> str:
        """« promesse-C1-2026-04-15.csv »: what the imports list shows as the import's source."""
        customer = safe_file_part(self.customer_id)[:40]
        return f"{stem}-{customer}-{self.promised_date.isoformat()}.csv"


def add_promise(workspace: Workspace, promise: NewPromise, stem: str = "promise") -> StoredImport:
    """Store one promise as an import of its own (listed, and removable, like any other import); read and checked
    by the promises importer, so a bad value is refused with the same message as in a file."""
    return workspace.import_text(promise.file_name(stem), promise.log_text(), layout="promises", dayfirst=False)
