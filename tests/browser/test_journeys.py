"""Real-browser journeys through the app (Playwright in Debian's Chromium)."""

from __future__ import annotations

import calendar
import contextlib
import io
import re
import time

import openpyxl
import pytest
from journey import (
    choose_language,
    go_to,
    metric_value,
    metric_values,
    open_app,
    screenshot,
    session_folders,
    set_period,
    settle,
    text,
    upload_worked_example,
)
from playwright.sync_api import expect

# One worker runs this module and tests/browser/test_first_view.py (pytest.ini: --dist loadgroup), so that they share
# one app server (conftest.py's app_server) instead of one a worker.
pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser-app-server")]


def test_worked_example_from_upload_to_xlsx_and_english_seen_by_its_session_only(
    app_server, app_temp, new_page, artifacts, tmp_path
):
    """The worked example uploaded in one browser, exported and read in English, in one session folder that goes
    when the tab closes; another browser never sees that upload and types a period whose URL, copied into a third
    browser, reproduces its view. (Three sessions and one upload, where separate tests took six and three.)"""
    folders_before = set(session_folders(app_temp))
    page = new_page()
    open_app(page, app_server)
    demo_dso = metric_value(page, "DSO")
    screenshot(page, artifacts, "01-overview-demo")

    upload_worked_example(page)
    screenshot(page, artifacts, "02-data-after-import")

    go_to(page, "Synthèse")
    assert metric_value(page, "DSO") == "33,0 j"  # the import opens its data's last month: March 2026
    set_period(page, "01/03/2026", "31/03/2026")
    assert "from=2026-03-01" in page.url and "to=2026-03-31" in page.url
    assert metric_value(page, "DSO") == "33,0 j"
    page.get_by_text("DSO — 33,0 j").click()  # the explanation expander
    expect(
        page.get_by_text(
            "DSO = encours clients de clôture 6\u202f500,00\u00a0€ ÷ chiffre d'affaires de la période"
            " 6\u202f100,00\u00a0€ × 31 jours = 33,0\u00a0j"
        )
    ).to_have_count(1)
    screenshot(page, artifacts, "03-overview-worked-march-2026")

    go_to(page, "Balance âgée")
    screenshot(page, artifacts, "04-aged-balance")
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Télécharger (Excel .xlsx)").click()
    saved = tmp_path / download_info.value.suggested_filename
    download_info.value.save_as(saved)
    assert saved.name == "balance-agee-Essai-cette-session-seulement-2026-03-31.xlsx"
    rows = list(
        openpyxl.load_workbook(io.BytesIO(saved.read_bytes()), data_only=True)["Par client"].iter_rows(values_only=True)
    )
    header = next(row for row in rows if row[0] == "Client")
    total = next(row for row in rows if row[0] == "Total")
    assert total[header.index("Total")] == pytest.approx(6500.0)
    assert total[header.index("Non échu")] == pytest.approx(5500.0)

    go_to(page, "Clients")
    screenshot(page, artifacts, "05-customers")
    go_to(page, "Tendances")
    screenshot(page, artifacts, "06-trends")
    go_to(page, "Paramètres")
    screenshot(page, artifacts, "07-settings")

    choose_language(page, "English")
    expect(page.get_by_role("heading", name="Settings", exact=True)).to_be_visible()
    go_to(page, "Overview")
    assert metric_value(page, "DSO") == "33.0 d"
    assert "lang=en" in page.url
    screenshot(page, artifacts, "08-overview-english")

    # A session folder is one per session, whatever its reruns (an upload and eight pages by now); the upload's
    # copies went once imported.
    [folder] = set(session_folders(app_temp)) - folders_before
    assert (folder / "workspace" / "ledger.duckdb").is_file()
    assert not (folder / "uploads").exists()
    assert not list(app_temp.glob("encours-upload-*"))

    # Two browser sessions never see each other's uploads: another browser, opened while the first session holds
    # its trial workspace, sees the demo as the first saw it before its upload.
    second = new_page()
    open_app(second, app_server)
    assert metric_value(second, "DSO") == demo_dso
    assert "Essai" not in second.locator('[data-testid="stSidebar"]').inner_html()
    second.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').first.click()
    options = [text(o) for o in second.get_by_role("option").all()]
    assert options == ["Démonstration", "matching"]  # the shared workspaces only, not the other's trial
    second.keyboard.press("Escape")
    assert second.get_by_text("Boulangerie Martin").count() == 0

    # A copied URL reproduces the view: the second browser's typed period, opened in a third.
    set_period(second, "01/01/2026", "31/03/2026")
    url, values = second.url, metric_values(second)
    assert "from=2026-01-01" in url
    third = new_page()
    third.goto(url)
    settle(third)
    # A new session's first run reruns once for the URL's view: on a loaded machine, more than 5 s.
    expect(third.locator('[data-testid="stMetric"]').first).to_be_visible(timeout=60_000)
    assert metric_values(third) == values

    # The first tab closes: after the 2 s reconnection window (conftest.py's app_server), its session has ended and
    # its folder is gone.
    page.context.close()
    deadline = time.monotonic() + 30
    while folder.exists() and time.monotonic() < deadline:
        time.sleep(0.5)
    assert not folder.exists()


def test_a_page_url_opens_that_page_without_a_not_found_dialog(app_server, new_page):
    # A first visit straight to /clients: the router must register its pages before any rerun.
    # (Streamlit still shows the dialog on the very first run after the server starts, when a
    # pages/ directory exists: that run goes through its pages-directory mode. The app server
    # of these tests has served other pages by now.)
    page = new_page()
    page.goto(f"{app_server}/clients")
    settle(page)
    expect(page.locator("h1").first).to_have_text("Clients")
    assert page.get_by_text("Page not found").count() == 0


def test_clicking_a_month_on_a_trend_chart_sets_the_period(app_server, new_page):
    page = new_page()
    open_app(page, app_server)  # the demo, on its last complete month (10/2026)
    go_to(page, "Tendances")
    before = page.url
    assert "from=2026-10-01" in before
    # Sales vs collections: Vega draws it in SVG, each bar a path whose aria-label carries its data
    # ("Mois: 01/2026; Montant (EUR): 495321,97; flow: Ventes; Flux: Ventes").
    charts = page.locator('[data-testid="stVegaLiteChart"]')
    flows = next(c for c in charts.all() if "Encaissements" in c.aria_snapshot())
    flows.scroll_into_view_if_needed()
    sales = {}
    for label in flows.locator('path[aria-label$="; Flux: Ventes"]').evaluate_all("bars => bars.map(b => b.ariaLabel)"):
        found = re.match(r"Mois: (\d{2})/(\d{4}); Montant \(EUR\): (-?\d+(?:,\d+)?);", label)
        assert found, label
        month, year, amount = found.groups()
        sales[(year, month)] = float(amount.replace(",", "."))
    assert len(sales) == 12, sales
    # The month of the largest sales other than the one shown: a month chosen by the data, not by a position.
    year, month = max((key for key in sales if key != ("2026", "10")), key=sales.get)
    flows.locator(f'path[aria-label^="Mois: {month}/{year};"][aria-label$="; Flux: Ventes"]').click()
    settle(page)
    last_day = calendar.monthrange(int(year), int(month))[1]
    expect(page).to_have_url(re.compile(f"from={year}-{month}-01&.*to={year}-{month}-{last_day:02d}"), timeout=30_000)
    # The app now shows that month: the overview's sales are that bar's.
    go_to(page, "Synthèse")
    shown = f"{sales[(year, month)]:_.2f}".replace("_", " ").replace(".", ",")
    expect(page.locator('[data-testid="stCaptionContainer"]').filter(has_text="Chiffre d'affaires")).to_contain_text(
        f"Chiffre d'affaires TTC : {shown}"
    )


def test_the_aged_balance_drill_down_says_what_settled_each_document(app_server, new_page, artifacts):
    """examples/matching at 31/03/2026: Menuiserie Roux's F-101 was settled by the credit note A-101
    (400 € on 20/02) then by P-101 (600 € on 15/03); the notice offers the oldest-first reading."""
    page = new_page()
    # The view by its URL, the page by the sidebar: one session (and not a page's URL as the server's very first
    # request, Streamlit's pages/ dialog: tests/browser/test_first_view.py checks that).
    open_app(page, f"{app_server}/?ws=matching&from=2026-03-01&to=2026-03-31")
    go_to(page, "Balance âgée")
    expect(page.get_by_text("soit 21,7 % de l'encours brut")).to_be_visible()
    grid = page.locator('[data-testid="stDataFrame"]').first
    grid.scroll_into_view_if_needed()
    # The selection checkbox of the first customer (the largest total: Menuiserie Roux), left of its
    # name: below the header row (35 px) and the Total and % rows, in the narrow first column.
    box = grid.locator('[data-testid="data-grid-canvas"]').bounding_box()
    drill_down = page.get_by_text("Ce qui a soldé les pièces de Menuiserie Roux")
    for _ in range(3):  # on a loaded machine the canvas may take a click before it listens: then click again
        page.mouse.click(box["x"] + 16, box["y"] + 35 + 2 * 35 + 17)  # the grid's scroller takes the click
        settle(page)
        with contextlib.suppress(AssertionError):
            expect(drill_down).to_be_visible(timeout=15_000)
            break
    expect(drill_down).to_be_visible()
    # The grids draw on a canvas: their cells are checked by the AppTest and engine tests
    # (tests/test_aging.py::test_what_settled_each_document); here, that the table is drawn.
    expect(page.get_by_text("Pièces ouvertes de Menuiserie Roux")).to_be_visible()
    movements = page.locator('[data-testid="stDataFrame"]').nth(2)
    movements.scroll_into_view_if_needed()
    expect(movements).to_be_visible()
    screenshot(page, artifacts, "aged-balance-drill-down")
    page.get_by_role("button", name="Voir en imputation au plus ancien").click()
    settle(page)
    expect(page).to_have_url(re.compile("imputation=oldest"), timeout=30_000)
    expect(page.get_by_text("Imputation des avoirs : Imputation au plus ancien")).to_be_visible()


def test_a_choice_keeps_its_option_when_the_language_changes(app_server, new_page):
    """Streamlit sends a choice back as the label it showed: after a switch of language the old label matches no
    option. The radio keeps « Délais légaux » as « Statutory terms » and back, and the workspace stays the demo (its
    label « Démonstration » was once taken for a folder's name)."""
    page = new_page()
    open_app(page, app_server)
    go_to(page, "Délais de paiement")
    terms = page.locator('[data-testid="stMain"] [data-testid="stRadio"]').first
    terms.get_by_text("Délais légaux", exact=True).click()
    settle(page)

    def checked() -> list[str]:
        return terms.locator('input[type="radio"]:checked').evaluate_all(
            "inputs => inputs.map(i => i.closest('label').innerText.trim())"
        )

    assert checked() == ["Délais légaux"]
    choose_language(page, "English")
    assert checked() == ["Statutory terms"]
    choose_language(page, "Français")
    assert checked() == ["Délais légaux"]
    expect(page.get_by_role("heading", name="Délais de paiement", exact=True)).to_be_visible()
    assert page.locator('[data-testid="stAlert"]').filter(has_text="mal passé").count() == 0
    assert "ws=demo" in page.url
