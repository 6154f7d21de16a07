"""What a user does in the browser, in small steps the journey tests share."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Page, expect

WORKED = Path(__file__).resolve().parents[1] / "data" / "worked"
SPACES = str.maketrans({"\u00a0": " ", "\u202f": " "})


def settle(page: Page) -> None:
    """Wait until the script has finished running (Streamlit's own e2e tests wait the same way)."""
    app = page.locator('[data-testid="stApp"]')
    # A click reaches the server a moment later: let the run start, then wait for its end.
    page.wait_for_timeout(400)
    expect(app).to_have_attribute("data-test-script-state", "notRunning", timeout=90_000)
    page.wait_for_timeout(200)
    expect(app).to_have_attribute("data-test-script-state", "notRunning", timeout=90_000)


def open_app(page: Page, url: str) -> None:
    page.goto(url)
    expect(page.locator('[data-testid="stApp"]')).to_be_visible(timeout=90_000)
    settle(page)
    expect(page.locator('[data-testid="stMetric"]').first).to_be_visible(timeout=90_000)


def go_to(page: Page, title: str) -> None:
    page.locator('[data-testid="stSidebarNav"]').get_by_text(title, exact=True).click()
    settle(page)
    expect(page.get_by_role("heading", name=title, exact=True).first).to_be_visible()


def text(locator) -> str:
    return locator.inner_text().translate(SPACES).strip()


def metric_value(page: Page, label: str) -> str:
    card = (
        page.locator('[data-testid="stMetric"]')
        .filter(has=page.locator('[data-testid="stMetricLabel"]').get_by_text(label, exact=True))
        .first
    )
    return text(card.locator('[data-testid="stMetricValue"]'))


def metric_values(page: Page) -> list[str]:
    """Every card's value once the cards stop changing: a session's first run may still be drawing,
    and a rerun follow, after settle() saw the script idle for a moment."""
    shown: list[str] | None = None
    for _ in range(60):
        current = [text(v) for v in page.locator('[data-testid="stMetricValue"]').all()]
        if current and current == shown:
            return current
        shown = current
        page.wait_for_timeout(500)
    raise AssertionError(f"the cards kept changing: {shown}")


def upload_worked_example(page: Page) -> None:
    """Data page: drop the two files, wait for the dry run, import into this session's trial workspace."""
    go_to(page, "Données")
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(
        [str(WORKED / "documents.csv"), str(WORKED / "settlements.csv")]
    )
    settle(page)
    confirm = page.get_by_role("button", name="Importer dans un essai, cette session seulement")
    expect(confirm).to_be_visible(timeout=60_000)
    confirm.click()
    settle(page)
    expect(page.get_by_text("pièces et 9 règlements importés")).to_be_visible()


def set_period(page: Page, start: str, end: str) -> None:
    """Type a range into the sidebar's date input (dd/mm/yyyy each): its day, month and year segments."""
    field = page.locator('[data-testid="stSidebar"] [data-testid="stDateInputField"]')
    for side, value in (("start", start), ("end", end)):
        day, month, year = value.split("/")
        # Focus, not click: a click opens the calendar, which would take the keys.
        field.locator(f'[data-range-field="{side}"] [data-type="day"]').focus()
        page.keyboard.type(day + month + year, delay=30)
    # The field commits its value when it loses focus.
    page.locator('[data-testid="stMain"] h1').first.click()
    settle(page)
    expect(page).to_have_url(re.compile(f"from={_iso(start)}.*to={_iso(end)}"), timeout=30_000)


def _iso(day_month_year: str) -> str:
    day, month, year = day_month_year.split("/")
    return f"{year}-{month}-{day}"


def screenshot(page: Page, folder: Path, name: str) -> Path:
    path = folder / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
