"""The command line, python -m kpi: one module per command and one table printer."""
