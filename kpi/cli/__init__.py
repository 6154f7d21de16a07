"""The command line, `python -m kpi COMMAND`: one module per command and one table printer.

The commands: `report` (every KPI of a period), `aging` (the aged balance at a date), `series` (every KPI month
by month), `import` (store files into a workspace), `inspect` (how files would be read), `demo` (write the demo
ledger), `whatif` (a period on a what-if scenario), `forecast` (the next 13 weeks' cash-in) and `audit` (the
client audit report). Each lives in its module (`report.py`, `aging.py`, `series.py`, `imports.py`, `inspect.py`,
`demo.py`, `whatif.py`, `forecast.py`, `audit.py`) as `NAME`, `HELP`, `DESCRIPTION` (its lines in
`--help`), `add_arguments(parser)` and `run(args, out)`;
`main.py` assembles them and turns what a user can cause into one message. `common.py` holds the options
several commands share, `tables.py` the one text-table printer, `terminal.py` what keeps data from driving the
terminal.
"""
