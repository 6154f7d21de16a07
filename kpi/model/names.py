"""Names of the canonical tables and values, without their Arrow schemas (kpi/model/canonical.py).

A command that only queries a workspace needs these and not pyarrow: importing the schemas costs
about 0.2 s, a third of what `python -m kpi report WORKSPACE` may take.
"""

# The optional collection-activity logs, in the order they are stored, with each one's id column.
ACTIVITY_TABLES = {
    "disputes": "dispute_id",
    "reminders": "reminder_id",
    "payment_plans": "installment_id",
    "collection_costs": "cost_id",
    "promises": "promise_id",
}
# A FEC's supplier (401) side: the invoices received and their settlements, apart from the customers' ledger
# (only the D441-6 table's « factures reçues » reads them), with each one's id column.
SUPPLIER_TABLES = {"supplier_documents": "document_id", "supplier_settlements": "settlement_id"}
# Manual matches accepted from the suggestions, stored as an import of their own (kpi/store/matching.py).
MANUAL_MATCHES = "manual_matches"
CANONICAL_TABLES = (
    "documents",
    "settlements",
    "imports",
    "settings",
    *ACTIVITY_TABLES,
    *SUPPLIER_TABLES,
    MANUAL_MATCHES,
)
UNASSIGNED_ACTIVITY = "Unassigned"
