"""`make run`: the demo workspace made and the engine's modules imported, then `streamlit run app.py`
in this same process, so that the first page after a start draws without waiting for either (nor for
the demo's shared connection and its macros, kpi/store/store.py).

Streamlit runs app.py on each browser session's first request: the engine's imports (pandas,
DuckDB, Altair, pyarrow and kpi/, about two seconds) would otherwise fall on the first visitor.
Only kpi/ is imported here: the ui/ modules hold Streamlit caches, made once the server runs.
Options after the command go to `streamlit run` (`python -m ui.serve --server.port 8600`).
"""

from __future__ import annotations

import sys


def main(argv: list[str]) -> int:
    from streamlit.web import cli

    import kpi.analysis.audit
    import kpi.analysis.explain
    import kpi.analysis.whatif
    import kpi.metrics.collection
    import kpi.metrics.report
    import kpi.present.charts
    import kpi.present.compare_charts
    import kpi.present.forecast_charts
    import kpi.store.sandbox  # noqa: F401
    from kpi.store.store import share
    from kpi.store.workspace import ensure_demo_workspace

    # The demo's store made now, its macros installed: the first page only attaches the file again.
    share(ensure_demo_workspace()).ledger.counts()
    sys.argv = ["streamlit", "run", "app.py", *argv]
    return cli.main()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
