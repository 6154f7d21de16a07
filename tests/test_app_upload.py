"""Uploading files through the Data page (AppTest): the worked example gives the expected DSO; sessions stay apart; the
day/month order of an ambiguous file is chosen on the page."""

import json
from datetime import date
from pathlib import Path

from app_session import WORKED, assert_clean, metric, session, sidebar, upload_worked_example

from kpi.store.workspace import Workspace

EXPECTED = json.loads((Path(__file__).parent / "data" / "worked" / "expected-2026-03.json").read_text())
NBSP = "\u00a0"
EXPECTED_START = date.fromisoformat(EXPECTED["period"]["start"])
EXPECTED_END = date.fromisoformat(EXPECTED["period"]["end"])


def test_uploading_the_worked_example_gives_its_dso_for_march_2026(demo_home):
    app = upload_worked_example(session())
    assert_clean(app)
    # Back on the overview, in this session's trial workspace, on the data's last complete month.
    assert app.title[0].value == "Synthèse"
    assert sidebar(app, "selectbox", "sb_workspace").value == "__session__"
    sidebar(app, "date_input", "sb_range").set_value((EXPECTED_START, EXPECTED_END)).run()
    assert_clean(app)
    assert metric(app, "DSO") == f"{EXPECTED['dso']:.1f}".replace(".", ",") + f"{NBSP}j" == f"33,0{NBSP}j"
    assert metric(app, "Taux de recouvrement") == f"44,1{NBSP}%"


def test_a_trial_upload_is_invisible_to_another_session_and_to_the_disk_home(demo_home):
    first = upload_worked_example(session())
    assert metric(first, "DSO") == f"33,0{NBSP}j"
    second = session()
    assert_clean(second)
    assert sidebar(second, "selectbox", "sb_workspace").options == ["Démonstration"]
    assert "Boulangerie Martin (C1)" not in sidebar(second, "multiselect", "sb_customers").options
    assert sorted(p.name for p in demo_home.iterdir()) == ["demo"]


def test_uploading_into_a_new_named_workspace_saves_it(demo_home):
    app = session()
    app.switch_page("app_pages/data.py").run()
    files = [
        (name, (Path(__file__).parent / "data" / "worked" / name).read_bytes(), "text/csv")
        for name in ("documents.csv", "settlements.csv")
    ]
    app.get("file_uploader")[0].set_value(files)
    app.run()
    app.radio(key="data_target").set_value("new").run()
    app.text_input(key="data_new_name").set_value("Client Martin").run()
    assert_clean(app)
    app.button(key="data_confirm").click().run()
    assert_clean(app)
    app.switch_page("app_pages/overview.py").run()
    assert (demo_home / "Client Martin" / "ledger.duckdb").is_file()
    assert app.query_params["ws"] == "Client Martin"
    assert metric(app, "DSO") == f"33,0{NBSP}j"
    # Another session sees the saved workspace, but stays on its own until it picks it.
    other = session()
    assert "Client Martin" in sidebar(other, "selectbox", "sb_workspace").options
    assert sidebar(other, "selectbox", "sb_workspace").value == "demo"


def test_a_broken_file_is_refused_with_a_readable_message(demo_home):
    app = session()
    app.switch_page("app_pages/data.py").run()
    broken = b"document_id,customer_id,issue_date,amount\nF-1,C1,le 3 mars,100\n"
    app.get("file_uploader")[0].set_value([("factures.csv", broken, "text/csv")])
    app.run()
    assert [e.value for e in app.exception] == []
    assert app.error, "the dry run must say why the file is refused"
    assert "erreur" in app.error[0].value
    assert not [b for b in app.button if b.key == "data_confirm"]


# Every date reads both ways: 03/04/2026 is 3 April or March 4.
AMBIGUOUS = (
    "N° facture;Code client;Client;Date facture;Date échéance;Montant TTC\n"
    "F-1;C1;Dupont;03/04/2026;05/06/2026;100,00\nF-2;C2;Durand;02/03/2026;04/05/2026;200,00\n"
).encode()


def _issue_dates_after_import(app) -> list:
    app.button(key="data_confirm").click().run()
    assert_clean(app)
    from ui.session_files import FOLDER_KEY

    trial = Workspace(Path(app.session_state[FOLDER_KEY]) / "workspace")
    return list(trial.open().frame("SELECT issue_date FROM documents ORDER BY document_id")["issue_date"])


def test_an_ambiguous_day_month_order_is_chosen_on_the_data_page(worked):
    app = session({"ws": "worked"})
    app.switch_page("app_pages/data.py").run()
    app.get("file_uploader")[0].set_value([("factures.csv", AMBIGUOUS, "text/csv")]).run()
    assert app.error, "detected: refused, the order is asked for"
    # The engine's message names the CLI's flags; the app says where its own choice is.
    [hint] = [i.value for i in app.info if "Ordre des dates" in i.value]
    assert hint.startswith("Dans l'application, choisissez l'ordre")
    app.radio(key="data_day_order").set_value("day").run()
    assert_clean(app)
    assert _issue_dates_after_import(app) == [date(2026, 4, 3), date(2026, 3, 2)]


def test_month_first_reads_the_dates_the_other_way(worked):
    app = session({"ws": "worked", "lang": "en"})
    app.switch_page("app_pages/data.py").run()
    app.get("file_uploader")[0].set_value([("factures.csv", AMBIGUOUS, "text/csv")]).run()
    assert any(i.value.startswith("In the app, pick the order") for i in app.info)
    app.radio(key="data_day_order").set_value("month").run()
    assert_clean(app)
    assert _issue_dates_after_import(app) == [date(2026, 3, 4), date(2026, 2, 3)]


def test_files_in_the_uploader_are_read_once_whatever_the_reruns(demo_home, monkeypatch):
    """The inspection and the dry run of the same files are read in one child and kept: a rerun reads nothing again."""
    from kpi.store import sandbox

    calls = []
    for name in ("run_inspect", "run_read", "run_dry_run"):
        original = getattr(sandbox, name)
        monkeypatch.setattr(
            sandbox,
            name,
            lambda *args, _original=original, _name=name, **kwargs: (calls.append(_name), _original(*args, **kwargs))[
                1
            ],
        )
    app = session()
    app.switch_page("app_pages/data.py").run()
    files = [(name, (WORKED / name).read_bytes(), "text/csv") for name in ("documents.csv", "settlements.csv")]
    app.get("file_uploader")[0].set_value(files)
    app.run()
    assert_clean(app)
    first = sorted(calls)
    assert first == ["run_dry_run"]  # the inspection and the dry run, in one child
    for _ in range(3):
        app.run()
    assert_clean(app)
    assert sorted(calls) == first  # three reruns, no file read again
