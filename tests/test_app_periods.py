"""The sidebar's periods stop at the data's last day, and a custom period past it is warned on the pages using it
(AppTest on the demo, whose data end on 31/10/2026; tests/browser/test_first_view.py checks one preset in Chromium)."""

from __future__ import annotations

from datetime import date

import pytest
from app_session import assert_clean, session, sidebar

DATA_END = "Données jusqu'au 31/10/2026 : les périodes proposées s'y arrêtent."
PAST_DATA = "dépasse la fin des données (31/10/2026)"


def warnings(app) -> list[str]:
    return [w.value for w in app.warning]


@pytest.mark.parametrize(
    ("preset", "start"),
    [
        ("this_quarter", date(2026, 10, 1)),
        ("year_to_date", date(2026, 1, 1)),
        ("last_12_months", date(2025, 11, 1)),
        # Not the sidebar's (the Compare page's, or none): whatever period they fall back on stops there too.
        ("this_year", None),
        ("year_vs_previous_year", None),
    ],
)
def test_a_preset_never_runs_past_the_data(demo_home, preset, start):
    app = session({"period": preset})
    assert_clean(app)
    assert DATA_END in [c.value for c in app.sidebar.caption]
    chosen = sidebar(app, "date_input", "sb_range").value
    assert chosen[1] == date(2026, 10, 31)
    if start is not None:
        assert chosen[0] == start
    assert not any(PAST_DATA in w for w in warnings(app))


def test_a_custom_period_past_the_data_is_warned_on_the_pages_using_it(demo_home):
    app = session({"period": "custom", "from": "2026-10-01", "to": "2026-12-31"})
    assert_clean(app)
    assert sidebar(app, "date_input", "sb_range").value == (date(2026, 10, 1), date(2026, 12, 31))
    assert [w for w in warnings(app) if PAST_DATA in w] == [
        "La période du 01/10/2026 au 31/12/2026 dépasse la fin des données (31/10/2026) : les jours après le"
        " 31/10/2026 n'ont aucune donnée, et les indicateurs qui dépendent de la durée (DSO, taux) en sont"
        " faussés. Choisissez une période qui s'arrête au 31/10/2026 au plus tard."
    ]
    app.switch_page("app_pages/trends.py").run()
    assert_clean(app)
    assert any(PAST_DATA in w for w in warnings(app))
