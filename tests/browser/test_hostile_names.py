"""Names from the data are text in a real browser.

A server of its own: its data home holds a workspace whose largest customers are named
`<b>…<img src=…>`, `[pay](http://127.0.0.1:1/)` and `![x](http://127.0.0.1:1/x.png)`.
(A session's temporary folder, one per session and gone when its tab closes, is checked by
tests/browser/test_journeys.py's upload journey, on the shared server.)
"""

from __future__ import annotations

import re
import time

import pytest
from hostile_names import MARKDOWN_IMAGE, MARKDOWN_LINK, MARKUP, PRINTABLE_NAMES, write_hostile_files
from journey import go_to, screenshot, settle
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
    with running_app(root / "home", root / "streamlit.log") as url:
        yield url


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


def _customers_header_shows_each_name_as_text(page: Page, requested: list[str], artifacts) -> None:
    for row, name in enumerate(reversed(TOP)):
        _pick_row(page, 0, row)
        # One st.header: the customer (st.subheader draws h3).
        assert _shown_when_drawn(page.locator("h2"), [name]) == [name], row
        _assert_nothing_from_outside(page, requested)
        screenshot(page, artifacts, f"hostile-customers-{row}")


def _aged_balance_drill_down_shows_each_name_as_text(page: Page, requested: list[str], artifacts) -> None:
    headings = page.locator('[data-testid="stMarkdownContainer"] strong')
    for row, name in enumerate(reversed(TOP)):
        _pick_row(page, 0, 2 + row)  # below the Total and % rows
        expect(headings.filter(has_text="Ce qui a soldé")).to_be_visible()
        # The chart's title (« Par tranche au … ») first, then the drill-down's, naming the customer as text.
        expected = [f"Pièces ouvertes de {name}", f"Ce qui a soldé les pièces de {name}"]
        assert _shown_when_drawn(headings, expected, after=1) == expected, row
        _assert_nothing_from_outside(page, requested)
        screenshot(page, artifacts, f"hostile-aged-balance-{row}")


# What each page shows of the names, past its first drawing.
NAMES_SHOWN = {
    "Balance âgée": _aged_balance_drill_down_shows_each_name_as_text,
    "Clients": _customers_header_shows_each_name_as_text,
}


def test_names_are_text_and_no_page_fetches_or_links_outside(hostile_server, new_page, artifacts):
    """Every page of one session, reached by the sidebar (a page load would be a new session, seconds more each):
    nothing fetched or linked outside, first as it is drawn, then in the customers' header and the aged balance's
    drill-down, which show each hostile name as text."""
    page = new_page()
    requested = _watch_outside_requests(page)
    _open(page, f"{hostile_server}/?{VIEW}")
    _assert_nothing_from_outside(page, requested)
    for title in ("Balance âgée", "Clients", "Recouvrement", "Prévision", "Simulation", "Données", "Synthèse"):
        _go_to(page, title)
        _assert_nothing_from_outside(page, requested)
        if title in NAMES_SHOWN:
            NAMES_SHOWN[title](page, requested, artifacts)
