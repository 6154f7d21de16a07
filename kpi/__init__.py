"""Encours KPI engine: canonical receivables ledger in DuckDB and every KPI of KPI-SPEC.md."""
