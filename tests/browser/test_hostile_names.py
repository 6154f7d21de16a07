"""Names from the data are text in a real browser, and a session's temporary folder goes when the session does.

A server of its own: its data home holds a workspace whose largest customers are named
`<b>…<img src=…>`, `[pay](http://127.0.0.1:1/)` and `![x](http://127.0.0.1:1/x.png)`; its
temporary directory is the test's, and a disconnected session may come back for 2 s only
(`server.disconnectedSessionTTL`), so that its end comes quickly.
"""

from __future__ import annotations

import re
import time

import pytest
from hostile_names import MARKDOWN_IMAGE, MARKDOWN_LINK, MARKUP, PRINTABLE_NAMES, write_hostile_files
from journey import go_to, screenshot, settle, upload_worked_example
from playwright.sync_api import Page, expect
from server import running_app

# One worker runs this module (pytest.ini: --dist loadgroup): one hostile server, not one a worker.
pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser-hostile-server")]

# Sorted by amount, the last is the largest: the grids' first three rows.
TOP = (MARKUP, MARKDOWN_LINK, MARKDOWN_IMAGE)
NAMES = tuple(name for name in PRINTABLE_NAMES if name not in TOP) + TOP
VIEW = "ws=hostile&from=2026-03-01&to=2026-03-31"
VIEW_IN_URL = re.compile(r"ws=hostile&.*from=2026-03-01&to=2026-03-31")  # the app writes its whole view
OUTSIDE = "127.0.0.1:1"


@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory):
    from kpi.store.workspace import Workspace

    root = tmp_path_factory.mktemp("hostile-server")
    Workspace(root / "home" / "hostile").import_files(write_hostile_files(root / "files", NAMES))
    (root / "temp").mkdir()
    with running_app(
        root / "home",
        root / "streamlit.log",
        "--server.disconnectedSessionTTL",
        "2",
        env={"TMPDIR": str(root / "temp")},
    ) as url:
        yield url, root / "temp"


def _watch_outside_requests(page: Page) -> list[str]:
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url) if OUTSIDE in request.url else None)
    return requested


def _open(page: Page, url: str) -> None:
    page.goto(url)
    settle(page)
    expect(page.locator("h1").first).to_be_visible()


def _go_to(page: Page, title: str) -> None:
    """Another page of the same session, by the sidebar (a page load would be a new session, seconds more):
    the view, and so the hostile workspace, stays."""
    go_to(page, title)
    expect(page).to_have_url(VIEW_IN_URL)


def _pick_row(page: Page, grid_index: int, row: int) -> None:
    """The selection checkbox of a row of a grid (drawn on a canvas): below the 35 px header, 35 px a row."""
    grid = page.locator('[data-testid="stDataFrame"]').nth(grid_index)
    grid.scroll_into_view_if_needed()
    box = grid.locator('[data-testid="data-grid-canvas"]').bounding_box()
    page.mouse.click(box["x"] + 16, box["y"] + 35 + 35 * row + 17)
    settle(page)


def _shown(locator) -> list[str]:
    """The texts a reader sees: the app puts invisible word joiners (U+2060) where GFM would make a link."""
    return [element.inner_text().replace("\u2060", "") for element in locator.all()]


def _assert_nothing_from_outside(page: Page, requested: list[str]) -> None:
    assert page.locator(f'img[src*="{OUTSIDE}"]').count() == 0
    assert page.locator(f'a[href*="{OUTSIDE}"]').count() == 0
    assert page.locator('[data-testid="stMain"] b', has_text="gras").count() == 0
    assert requested == []


def _shown_when_drawn(locator, expected: list[str], after: int = 0, seconds: float = 30) -> list[str]:
    """The texts `_shown` gives past the first `after`, once they are `expected` or after `seconds`: the previous
    pick's texts may still be on the page for a moment after the rerun that replaces them."""
    deadline = time.monotonic() + seconds
    while (shown := _shown(locator)[after:]) != expected and time.monotonic() < deadline:
        time.sleep(0.2)
    return shown


# Each grid's three hostile rows are picked in turn on one page (a single-row selection: each pick replaces the last,
# and its rerun draws that customer alone), rather than one page and two loads of the app per row.


def test_the_customers_header_shows_each_name_as_text(hostile_server, new_page, artifacts):
    url, _ = hostile_server
    page = new_page()
    requested = _watch_outside_requests(page)
    _open(page, f"{url}/?{VIEW}")
    _go_to(page, "Clients")
    for row, name in enumerate(reversed(TOP)):
        _pick_row(page, 0, row)
        # One st.header: the customer (st.subheader draws h3).
        assert _shown_when_drawn(page.locator("h2"), [name]) == [name], row
        _assert_nothing_from_outside(page, requested)
        screenshot(page, artifacts, f"hostile-customers-{row}")


def test_the_aged_balance_drill_down_shows_each_name_as_text(hostile_server, new_page, artifacts):
    url, _ = hostile_server
    page = new_page()
    requested = _watch_outside_requests(page)
    _open(page, f"{url}/?{VIEW}")
    _go_to(page, "Balance âgée")
    headings = page.locator('[data-testid="stMarkdownContainer"] strong')
    for row, name in enumerate(reversed(TOP)):
        _pick_row(page, 0, 2 + row)  # below the Total and % rows
        expect(headings.filter(has_text="Ce qui a soldé")).to_be_visible()
        # The chart's title (« Par tranche au … ») first, then the drill-down's, naming the customer as text.
        expected = [f"Pièces ouvertes de {name}", f"Ce qui a soldé les pièces de {name}"]
        assert _shown_when_drawn(headings, expected, after=1) == expected, row
        _assert_nothing_from_outside(page, requested)
        screenshot(page, artifacts, f"hostile-aged-balance-{row}")


def test_no_page_fetches_or_links_outside(hostile_server, new_page):
    url, _ = hostile_server
    page = new_page()
    requested = _watch_outside_requests(page)
    _open(page, f"{url}/?{VIEW}")
    _assert_nothing_from_outside(page, requested)
    for title in ("Balance âgée", "Clients", "Recouvrement", "Prévision", "Simulation", "Données", "Synthèse"):
        _go_to(page, title)
        _assert_nothing_from_outside(page, requested)


def _session_folders(temp):
    root = temp / "encours-sessions"
    return sorted(root.iterdir()) if root.is_dir() else []


def test_a_session_folder_is_one_per_session_and_goes_when_the_tab_closes(hostile_server, new_page):
    url, temp = hostile_server
    before = set(_session_folders(temp))
    page = new_page()
    _open(page, f"{url}/?{VIEW}")
    upload_worked_example(page)
    for title in ("Synthèse", "Données", "Clients", "Données"):  # reruns of the same session (a reload is another)
        go_to(page, title)
    [folder] = set(_session_folders(temp)) - before  # one for the session, whatever the reruns
    assert (folder / "workspace" / "ledger.duckdb").is_file()
    assert not (folder / "uploads").exists()  # the copies went once imported
    assert not list(temp.glob("encours-upload-*"))
    page.context.close()  # the tab closes: after the 2 s reconnection window, the session has ended
    deadline = time.monotonic() + 30
    while folder.exists() and time.monotonic() < deadline:
        time.sleep(0.5)
    assert not folder.exists()
