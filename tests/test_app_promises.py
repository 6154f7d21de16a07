"""The promises to pay on the « À relancer » page (AppTest): listed with their state, one recorded through the form
becomes an import of its own (listed on the Données page), and removing it takes it away again."""

from __future__ import annotations

from app_session import assert_clean, session

from kpi.store.workspace import Workspace

MARCH = {"ws": "worked", "from": "2026-03-01", "to": "2026-03-31"}


def _promises_table(app):
    return next(frame.value for frame in app.dataframe if "Date promise" in frame.value.columns)


def test_record_then_remove_a_promise(worked):
    workspace = Workspace(worked / "worked")
    imports_before = len(workspace.imports())
    app = session({**MARCH, "lang": "fr"})
    app.switch_page("app_pages/worklist.py").run()
    assert_clean(app)
    assert "Aucune promesse de paiement faite à cette date." in [c.value for c in app.caption]
    # C4 (SARL Ébène & Fils) owes F-011, 450,00 € due 04/02; it promises 200 € on 31/03 for 10/04 on that invoice.
    app.selectbox(key="promise_customer").set_value("C4").run()
    app.selectbox(key="promise_document").set_value("F-011").run()
    # The invoice's outstanding is offered as a hint.
    assert app.text_input(key="promise_amount").placeholder == "450,00\xa0€"
    app.text_input(key="promise_amount").set_value("200,00")
    app.date_input(key="promise_promised").set_value("2026-04-10")
    app.button(key="promise_add").click().run()
    assert_clean(app)
    assert [s.value for s in app.success] == [
        f"Promesse enregistrée (import n° {imports_before + 1}, visible dans la page Données)."
    ]
    table = _promises_table(app)
    assert table.to_dict("records") == [
        {
            "Client": "SARL Ébène & Fils",
            "Code client": "C4",
            "Facture": "F-011",
            "Date de la promesse": "31/03/2026",
            "Date promise": "10/04/2026",
            "Montant promis": "200,00\xa0€",
            "Encaissé depuis": "0,00\xa0€",
            "État": "en cours",  # its deadline, 10/04, is after the 31/03 of the view
        }
    ]
    imports = workspace.imports()
    assert len(imports) == imports_before + 1
    assert list(imports["sources"].iloc[-1]) == ["promesse-C4-2026-04-10.csv"]
    # The worklist grid says C4's last promise.
    grid = app.dataframe[0].value
    row = grid[grid["Code client"] == "C4"].iloc[0]
    assert row["Dernière promesse"] == "10/04/2026 200,00\xa0€ en cours" and row["Promesses non tenues"] == 0

    app.selectbox(key="promise_remove").set_value(imports_before + 1).run()
    app.button(key="promise_remove_button").click().run()
    assert_clean(app)
    assert [s.value for s in app.success] == [f"Promesse supprimée (import n° {imports_before + 1})."]
    assert len(workspace.imports()) == imports_before
    assert "Aucune promesse de paiement faite à cette date." in [c.value for c in app.caption]


def test_an_unreadable_amount_is_refused_in_english(worked):
    app = session({**MARCH, "lang": "en"})
    app.switch_page("app_pages/worklist.py").run()
    app.selectbox(key="promise_customer").set_value("C2").run()
    app.text_input(key="promise_amount").set_value("12abc")
    app.button(key="promise_add").click().run()
    assert [e.value for e in app.error] == [
        "Unreadable amount: “12abc” — expected an amount in euros, for instance 1,500.00."
    ]
    # A promised date before the promise date is the importer's refusal, worded with its row and column.
    app.text_input(key="promise_amount").set_value("100")
    app.date_input(key="promise_promised").set_value("2026-03-01")
    app.button(key="promise_add").click().run()
    assert [e.value for e in app.error] == ["Import refused: nothing was saved."]
    [issue] = [m.value for m in app.markdown if "promised" in m.value]
    assert "row 2" in issue and "promised date before the promise date" in issue and "2026\\-03\\-01" in issue
    assert len(Workspace(worked / "worked").imports()) == 1  # nothing stored
