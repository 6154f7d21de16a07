"""`make run`: the demo workspace made and the engine's modules imported, then `streamlit run app.py`
in this same process, so that the first page after a start draws without waiting for either (nor for
the demo's shared connection and its macros, kpi/store.py).

Streamlit runs app.py on each browser session's first request: the engine's imports (pandas,
DuckDB, Altair, pyarrow and kpi/, about two seconds) would otherwise fall on the first visitor.
Only kpi/ is imported here: the ui/ modules hold Streamlit caches, made once the server runs.
Options after the command go to `streamlit run` (`python -m ui.serve --server.port 8600`).
"""

from __future__ import annotations

import sys


def main(argv: list[str]) -> int:
    import kpi.audit  # noqa: F401 — each import below warms what a page asks for on its first run
    import kpi.charts  # noqa: F401
    import kpi.collection  # noqa: F401
    import kpi.compare_charts  # noqa: F401
    import kpi.explain  # noqa: F401
    import kpi.forecast_charts  # noqa: F401
    import kpi.report  # noqa: F401
    import kpi.sandbox  # noqa: F401
    import kpi.whatif  # noqa: F401
    from kpi.store import share
    from kpi.workspace import ensure_demo_workspace
    from streamlit.web import cli

    # The demo's store made now, its macros installed: the first page only attaches the file again.
    share(ensure_demo_workspace()).ledger.counts()
    sys.argv = ["streamlit", "run", "app.py", *argv]
    return cli.main()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
