"""What a user does in the browser, in small steps the journey tests share."""

from __future__ import annotations

import contextlib
import re
from pathlib import Path

from playwright.sync_api import Browser, BrowserContext, Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

WORKED = Path(__file__).resolve().parents[1] / "data" / "worked"
SPACES = str.maketrans({"\u00a0": " ", "\u202f": " "})


# Counts the script runs a page sees (Streamlit's stApp carries `data-test-script-state`), so that settle() waits
# for the run an action asked for to end, instead of fixed sleeps: runs started, the time of the last change of
# state, and how many runs the last settle() had seen.
WATCH_RUNS = """(() => {
  if (window.top !== window) return;
  const runs = window.__encoursRuns = {started: 0, settled: 0, changed: performance.now()};
  new MutationObserver(records => {
    for (const record of records) {
      if (record.target.dataset.testid !== "stApp") continue;
      const state = record.target.getAttribute("data-test-script-state");
      if (state === record.oldValue) continue;
      if (state === "running") runs.started += 1;
      runs.changed = performance.now();
    }
  }).observe(document, {subtree: true, attributes: true, attributeOldValue: true,
                        attributeFilter: ["data-test-script-state"]});
})()"""
RUN_STARTED = "() => window.__encoursRuns.started > window.__encoursRuns.settled"
# Idle, and for QUIET_MS already (a run that ends in st.rerun() starts again at once); then the runs seen so far
# count as settled.
IDLE = """quiet => {
  const app = document.querySelector('[data-testid="stApp"]');
  return app !== null && app.getAttribute("data-test-script-state") === "notRunning"
    && performance.now() - window.__encoursRuns.changed > quiet
    && (window.__encoursRuns.settled = window.__encoursRuns.started) >= 0;
}"""
QUIET_MS = 300
# How long an action's run may take to start (a click reaches the server, on a loaded machine); past it, the action
# asked for no run (a click on a grid that did not listen yet), or a busy page drew the run's start and end at once:
# settle() then waits for the idle state only, as the fixed-sleep settle() before it did.
RUN_START_MS = 5_000


def new_context(browser: Browser, **options) -> BrowserContext:
    """A browser context (a new Streamlit session for each page) whose pages count their script runs for settle()."""
    context = browser.new_context(**options)
    context.add_init_script(WATCH_RUNS)
    return context


def settle(page: Page, *, run: bool = True) -> None:
    """Wait until the run the last action started has ended and no other follows (pages from new_context());
    `run=False` when the action changed nothing the app sees (no run to wait for)."""
    if run:
        with contextlib.suppress(PlaywrightTimeoutError):
            page.wait_for_function(RUN_STARTED, timeout=RUN_START_MS, polling=50)
    page.wait_for_function(IDLE, arg=QUIET_MS, timeout=90_000, polling=50)  # and notes the runs seen


def open_app(page: Page, url: str) -> None:
    page.goto(url)
    expect(page.locator('[data-testid="stApp"]')).to_be_visible(timeout=90_000)
    settle(page)
    expect(page.locator('[data-testid="stMetric"]').first).to_be_visible(timeout=90_000)


def go_to(page: Page, title: str) -> None:
    page.locator('[data-testid="stSidebarNav"]').get_by_text(title, exact=True).click()
    settle(page)
    expect(page.get_by_role("heading", name=title, exact=True).first).to_be_visible()


def choose_language(page: Page, name: str) -> None:
    """The sidebar's language switch: « Français » or « English »."""
    page.locator('[data-testid="stSidebar"] [data-testid="stButtonGroup"]').get_by_text(name, exact=True).click()
    settle(page)


def open_sidebar(page: Page) -> None:
    """The sidebar shown and still: Streamlit may fold it (a narrow window) and open it again by itself once the
    window is wide, sliding it in; a click during the slide can miss."""
    nav = page.locator('[data-testid="stSidebarNav"]')
    for _ in range(3):
        with contextlib.suppress(AssertionError):
            expect(nav).to_be_visible(timeout=3_000)
            break
        with contextlib.suppress(PlaywrightTimeoutError):
            page.locator('[data-testid="stExpandSidebarButton"]').click(timeout=3_000)
    expect(nav).to_be_visible()
    sidebar = page.locator('[data-testid="stSidebar"]')
    where = None
    for _ in range(40):
        now = sidebar.bounding_box()
        if now is not None and now == where:
            return
        where = now
        page.wait_for_timeout(100)


def choose_preset(page: Page, label: str, name: str) -> None:
    """The sidebar's period selector (`label`, « Période » in French) set to a preset shown as `name`."""
    selector = page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').filter(has_text=label)
    option = page.get_by_role("option", name=name, exact=True)
    # A click while the sidebar still moves (it opens again after a narrow window is widened) may open the list and
    # lose it at once: then open it again.
    for _ in range(3):
        selector.click()
        with contextlib.suppress(AssertionError):
            expect(option).to_be_visible(timeout=10_000)
            break
        page.keyboard.press("Escape")
    option.click()
    settle(page)


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
    shown = re.compile(f"from={_iso(start)}.*to={_iso(end)}")
    # The period already shown, typed again, asks for no run.
    changes = shown.search(page.url) is None
    for side, value in (("start", start), ("end", end)):
        day, month, year = value.split("/")
        # Focus, not click: a click opens the calendar, which would take the keys.
        field.locator(f'[data-range-field="{side}"] [data-type="day"]').focus()
        page.keyboard.type(day + month + year, delay=30)
    # The field commits its value when it loses focus.
    page.locator('[data-testid="stMain"] h1').first.click()
    settle(page, run=changes)
    expect(page).to_have_url(shown, timeout=30_000)


def session_folders(temp: Path) -> list[Path]:
    """The sessions' folders a server keeps in its temporary directory `temp` (ui/session_files.py)."""
    root = temp / "encours-sessions"
    return sorted(root.iterdir()) if root.is_dir() else []


def _iso(day_month_year: str) -> str:
    day, month, year = day_month_year.split("/")
    return f"{year}-{month}-{day}"


def screenshot(page: Page, folder: Path, name: str) -> Path:
    path = folder / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
