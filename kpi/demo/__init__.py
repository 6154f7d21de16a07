"""The embedded demo: a generated ledger and its collection-activity logs."""
