"""The app as people first meet it: the right page on a fresh server's first request, periods that stop at the
data's last day, KPI cards whose values are never cut, and no request that leaves the machine."""

from __future__ import annotations

import re

import pytest
from journey import choose_language, choose_preset, new_context, open_sidebar, settle
from playwright.sync_api import expect
from server import running_app

pytestmark = pytest.mark.browser
# One worker runs the tests of the shared app server (conftest.py's app_server) here and in
# tests/browser/test_journeys.py (pytest.ini: --dist loadgroup), so that they share one server instead of one a
# worker; the fresh-server tests, each with a server of its own, may run on another worker meanwhile.
SHARED_SERVER = pytest.mark.xdist_group("browser-app-server")

LEGACY_PAGE_NAMES = ("activity headlines", "context", "session files", "app")
# Every card's label and value, and whether its text is wider than the box that shows it.
CUT_TEXT = """() => [...document.querySelectorAll(
    '[data-testid="stMetricValue"] p, [data-testid="stMetricLabel"] p, [data-testid="stMetricDelta"] p')]
  .map(e => ({text: e.innerText, cut: e.scrollWidth > e.clientWidth + 1 || e.scrollHeight > e.clientHeight + 2}))"""


@pytest.fixture
def fresh_server(tmp_path):
    """A server started for this test only, as `make run` starts it (ui/serve.py: the demo made first)."""
    home = tmp_path / "home"

    def start():
        return running_app(home, tmp_path / "streamlit.log", launcher=("-m", "ui.serve"))

    return start


@pytest.mark.xdist_group("browser-fresh-servers")
@pytest.mark.parametrize(("path", "title"), [("/", "Synthèse"), ("/balance-agee?lang=en", "Aged balance")])
def test_the_first_request_after_a_server_start_draws_the_page_asked_for(fresh_server, new_page, path, title):
    with fresh_server() as url:
        page = new_page()
        outside = []
        page.on(
            "request",
            lambda request: (
                outside.append(request.url) if not request.url.startswith((url, "data:", "blob:")) else None
            ),
        )
        page.goto(url + path)
        settle(page)
        expect(page.locator("h1").first).to_have_text(title)
        assert page.get_by_text("Page not found").count() == 0
        navigation = page.locator('[data-testid="stSidebarNav"]').inner_text().lower()
        assert not any(name in navigation.splitlines() for name in LEGACY_PAGE_NAMES), navigation
        expect(page.locator('[data-testid="stMetric"], [data-testid="stDataFrame"]').first).to_be_visible()
        # Drawn, not left as Streamlit's grey placeholders (a headless warm-up once left them so for good).
        expect(page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').first).to_be_visible()
        if path == "/":
            expect(page.locator('[data-testid="stMetricValue"]').first).to_contain_text(re.compile(r"\d"))
        assert outside == []  # the favicon and every font and script are the server's own


@SHARED_SERVER
def test_a_preset_never_runs_past_the_data(app_server, new_page):
    """The date field Chromium draws ends on the data's last day. Every preset, and a custom period past the data
    warned on the pages using it, are checked without a browser (tests/test_app_periods.py): the same server-side
    choice, at a fraction of a page load each."""
    page = new_page()
    page.goto(f"{app_server}/?period=this_quarter")
    settle(page)
    sidebar = page.locator('[data-testid="stSidebar"]').inner_text()
    assert "Données jusqu'au 31/10/2026" in sidebar
    ends = page.locator('[data-testid="stSidebar"] [data-testid="stDateInput"] input[type="date"]')
    assert (ends.nth(0).input_value(), ends.nth(1).input_value()) == ("2026-10-01", "2026-10-31")
    assert page.get_by_text("dépasse la fin des données").count() == 0


# The views whose cards are checked, in one session: the app as it opens (`/`), on the last 12 months
# (`/?period=last_12_months`), then in English on the period it opens on (`/?lang=en`), each at both sizes.
WIDE, NARROW = {"width": 1440, "height": 900}, {"width": 390, "height": 844}


@SHARED_SERVER
def test_no_card_label_or_value_is_cut(app_server, browser):
    """Each view at both widths without a page load: the width changes only the browser's layout (Streamlit's
    columns stack by CSS), the period and language change by the sidebar as a user changes them."""
    context = new_context(browser, viewport=WIDE, locale="fr-FR")
    try:
        page = context.new_page()
        page.set_default_timeout(60_000)
        page.goto(app_server + "/")
        settle(page)
        opening = re.search(r"period=.*", page.url).group()  # the demo opens on its last complete month
        _assert_no_card_cut(page, "/")
        choose_preset(page, "Période", "12 derniers mois")
        expect(page).to_have_url(re.compile(r"period=last_12_months"))
        _assert_no_card_cut(page, "/?period=last_12_months")
        choose_language(page, "English")
        choose_preset(page, "Period", "Last complete month")
        expect(page).to_have_url(re.compile(r"lang=en&" + re.escape(opening)))
        _assert_no_card_cut(page, "/?lang=en")
    finally:
        context.close()


def _assert_no_card_cut(page, view: str) -> None:
    for size in (WIDE, NARROW):
        page.set_viewport_size(size)
        page.wait_for_function("document.querySelectorAll('[data-testid=\"stMetricValue\"]').length >= 14")
        cards = page.evaluate(CUT_TEXT)
        assert len(cards) >= 14 * 2, cards
        assert [card["text"] for card in cards if card["cut"]] == [], (view, size)
        assert not any(card["text"].endswith("…") for card in cards), (view, size)
    # Wide again for the next change, the sidebar Streamlit folded at the narrow width open again.
    page.set_viewport_size(WIDE)
    open_sidebar(page)


def _french_only_fragments() -> set[str]:
    """Pieces of the French catalogues (interface and engine messages) that the English ones never say."""
    import json
    import re

    from kpi.text.i18n import LOCALES_DIR

    fragments: dict[str, set[str]] = {}
    for lang in ("fr", "en"):
        texts: list[str] = []
        for name in (f"{lang}.json", f"messages.{lang}.json"):
            for value in json.loads((LOCALES_DIR / name).read_text(encoding="utf-8")).values():
                texts.extend(value.values() if isinstance(value, dict) else [value])
        fragments[lang] = {
            piece.strip() for text in texts for piece in re.split(r"\{[^}]*\}", text) if len(piece.strip()) >= 14
        }
    english = " ".join(fragments["en"])
    return {piece for piece in fragments["fr"] if piece not in english}


@SHARED_SERVER
def test_the_english_ui_shows_no_french_after_an_import_error(app_server, new_page):
    from server import ROOT

    page = new_page()
    page.goto(f"{app_server}/donnees?lang=en")
    settle(page)
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(
        [str(ROOT / "tests/data/bad/date_unreadable/factures.csv")]
    )
    settle(page)
    expect(page.get_by_text("factures.csv").first).to_be_visible()
    expect(page.get_by_text("1 error(s) block the import")).to_be_visible(timeout=60_000)
    # The issues' own texts are in a grid drawn on a canvas (checked in English by tests/test_messages.py);
    # everything else on the page is text.
    shown = page.locator("body").inner_text()
    leaks = sorted(piece for piece in _french_only_fragments() if piece in shown)
    assert leaks == [], leaks
