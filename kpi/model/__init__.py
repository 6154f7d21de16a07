"""The data model: the canonical tables and their names, periods, and the filters and matching modes a figure reads the ledger with."""
