"""Where a ledger lives: the DuckDB ledger, the workspace on disk and its imports, shared read connections, and the sandboxed child process."""
