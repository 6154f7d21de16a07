"""`make run`: the demo workspace made, the engine's modules imported and the first page computed once,
then `streamlit run app.py` in this same process, so that the first page after a start draws without
waiting for any of them (nor for the demo's shared connection, kpi/store.py).

Streamlit runs app.py on each browser session's first request: the engine's imports (pandas,
DuckDB, Altair, pyarrow and kpi/, about two seconds) would otherwise fall on the first visitor.
The first page's figures are computed by running app.py once headless (Streamlit's AppTest) before
the server starts: Streamlit's data and resource caches belong to the process, so the first visitor's
session finds the overview of the demo's default period already computed (≈ 2 s less on this
machine). A failure there only costs the first visitor that time; it never stops the start.
Options after the command go to `streamlit run` (`python -m ui.serve --server.port 8600`).
"""

from __future__ import annotations

import sys
from pathlib import Path

APP = Path(__file__).resolve().parent.parent / "app.py"


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
    _compute_first_page()
    sys.argv = ["streamlit", "run", "app.py", *argv]
    return cli.main()


def _compute_first_page() -> None:
    """Run app.py once without a browser, so that the default page's cached figures exist already."""
    import logging

    from streamlit import config
    from streamlit.testing.v1 import AppTest

    # Outside a server, Streamlit warns once that the run has no browser session: it is meant here.
    quiet = logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context")
    level = quiet.level
    quiet.setLevel(logging.ERROR)
    try:
        AppTest.from_file(str(APP), default_timeout=120).run()
    except Exception:  # noqa: BLE001 — a warm-up only: the first visitor computes the page then
        logging.getLogger("encours.app").warning("the first page could not be computed ahead", exc_info=True)
    finally:
        quiet.setLevel(level)
        # The run read Streamlit's options without the command line's: forgotten, so that `streamlit run`
        # reads them afresh rather than warn that the server's options changed and want a restart.
        config._config_options = None


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
