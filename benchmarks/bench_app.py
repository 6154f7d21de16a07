"""How long the app takes as people meet it, measured in Debian's Chromium (Playwright).

    python benchmarks/bench_app.py                    # the demo workspace
    python benchmarks/bench_app.py --invoices 1000000 # and a 1M-invoice workspace, built first

Each figure is the median of --runs measures (default 5), from the navigation (or the click) to
the end of the script run Streamlit reports (`data-test-script-state="notRunning"` on the app,
as Streamlit's own end-to-end tests wait), with the first KPI card drawn:

- first page after server start: a fresh `streamlit run` each time, `/` requested at once;
- new session: a new browser context on a server that already served others;
- page change: a click on « Balance âgée » in the sidebar, then back on « Synthèse »;
- filter change: a period preset picked in the sidebar.

Targets (issue 11): first page ≤ 3 s, new session ≤ 2 s, page or filter change ≤ 1 s on the demo
and ≤ 2 s at 1M. The last lines say PASS or FAIL for each.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Chromium as the browser tests start it (tests/browser_check.py: ENCOURS_CHROMIUM, else /usr/bin/chromium).
sys.path[:0] = [str(ROOT / "tests"), str(ROOT / "tests" / "browser")]
from browser_check import CHROMIUM_ARGS, chromium_path  # noqa: E402

CHROMIUM = str(chromium_path())
TARGETS = {
    "demo": {"first_page": 3.0, "new_session": 2.0, "page_change": 1.0, "filter_change": 1.0},
    "1M": {"first_page": 3.0, "new_session": 2.0, "page_change": 2.0, "filter_change": 2.0},
}


@contextmanager
def app_server(home: Path):
    """The app as `make run` starts it (ui/serve.py) on a free port with ENCOURS_HOME=home, until the block ends:
    the browser tests' server (tests/browser/server.py), its log dropped."""
    from server import running_app

    with running_app(home, Path(os.devnull), launcher=("-m", "ui.serve")) as url:
        yield url


def _settled(page) -> None:
    """The script's run has ended and a KPI card or a heading is drawn."""
    app = page.locator('[data-testid="stApp"]')
    page.wait_for_function(
        "() => { const a = document.querySelector('[data-testid=\"stApp\"]');"
        " return a && a.getAttribute('data-test-script-state') === 'notRunning'"
        " && document.querySelector('h1') !== null; }",
        timeout=180_000,
    )
    app.wait_for(state="visible")


def _timed(action, page) -> float:
    began = time.perf_counter()
    action()
    page.wait_for_timeout(50)  # let the click reach the server and the run start
    _settled(page)
    return time.perf_counter() - began


def measure(home: Path, runs: int, workspace: str | None, *, fresh_home: bool = False) -> dict[str, list[float]]:
    """With `fresh_home`, each first page is served from a new data home, as on a new machine after
    `make run` (which makes the demo workspace before it starts the server); otherwise from `home` as it is."""
    from playwright.sync_api import sync_playwright

    query = f"?ws={workspace}" if workspace else ""
    figures: dict[str, list[float]] = {"first_page": [], "new_session": [], "page_change": [], "filter_change": []}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        for _ in range(runs):
            with tempfile.TemporaryDirectory(prefix="encours-bench-fresh-") as fresh:
                if fresh_home:  # a new machine after `make run`, which makes the demo before starting the server
                    from kpi.store.workspace import ensure_demo_workspace

                    ensure_demo_workspace(Path(fresh))
                with app_server(Path(fresh) if fresh_home else home) as url:
                    page = browser.new_page(viewport={"width": 1440, "height": 900})
                    figures["first_page"].append(_timed(lambda page=page: page.goto(url + "/" + query), page))
                    page.close()
        with app_server(home) as url:
            warm = browser.new_page(viewport={"width": 1440, "height": 900})
            _timed(lambda: warm.goto(url + "/" + query), warm)
            for _ in range(runs):
                context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="fr-FR")
                page = context.new_page()
                figures["new_session"].append(_timed(lambda page=page: page.goto(url + "/" + query), page))
                nav = page.locator('[data-testid="stSidebarNav"]')
                figures["page_change"].append(
                    _timed(lambda nav=nav: nav.get_by_text("Balance âgée", exact=True).click(), page)
                )
                figures["page_change"].append(
                    _timed(lambda nav=nav: nav.get_by_text("Synthèse", exact=True).click(), page)
                )
                for preset in ("Trimestre précédent", "Dernier mois complet"):
                    page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').nth(1).click()
                    option = page.get_by_role("option", name=preset, exact=True)
                    figures["filter_change"].append(_timed(option.click, page))
                context.close()
        browser.close()
    return figures


def build_workspace(invoices: int, home: Path) -> str:
    """A workspace of `invoices` synthetic invoices in `home` (the engine benchmark's ledger)."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from bench_engine import generate

    from kpi.store.workspace import Workspace

    with tempfile.TemporaryDirectory(prefix="encours-bench-app-") as tmp:
        generate(invoices, Path(tmp))
        name = f"bench-{invoices}"
        Workspace(home / name).import_files([Path(tmp) / "documents.parquet", Path(tmp) / "settlements.parquet"])
    return name


def report(label: str, figures: dict[str, list[float]]) -> None:
    print(f"\n{label}")
    for name, values in figures.items():
        print(
            f"  {name:<16} median {statistics.median(values):6.2f} s   (runs: {', '.join(f'{v:.2f}' for v in values)})"
        )
    for name, values in figures.items():
        target = TARGETS[label.split()[0]][name]
        verdict = "PASS" if statistics.median(values) <= target else "FAIL"
        print(f"  {verdict} {name}: {statistics.median(values):.2f} s (target ≤ {target:.0f} s)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--invoices", type=int, help="also measure on a workspace of this many invoices (e.g. 1000000)")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    with tempfile.TemporaryDirectory(prefix="encours-bench-home-") as tmp:
        home = Path(tmp)
        # The demo workspace as a first start builds it, before the measures (a server start
        # that builds it is measured too: the first run below).
        report("demo", measure(home, args.runs, None, fresh_home=True))
        if args.invoices:
            name = build_workspace(args.invoices, home)
            report(f"1M ({args.invoices:,} invoices)", measure(home, args.runs, name))


if __name__ == "__main__":
    main()
