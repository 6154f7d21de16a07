"""The command line facing hostile names and broken situations: a message and exit status 2, never a traceback."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from lock_holder import write_lock_held
from sample_files import MATCHING_FILES, WORKED_FILES

import kpi.cli.main
import kpi.store.workspace
from kpi.analysis.whatif import ScenarioError
from kpi.cli.main import BUG, main
from kpi.importers.errors import ImportFailed, ImportIssue
from kpi.store.workspace import DATABASE_NAME, Workspace
from kpi.text.errors import InvalidValue
from kpi.text.messages import Message, message_text

ROOT = Path(__file__).resolve().parent.parent
MARCH = ("--from", "2026-03-01", "--to", "2026-03-31")
# ESC sequences that clear the screen and turn text red, a C1 CSI, a right-to-left override.
HOSTILE = "ACME\x1b[2J\x1b[31mRouge\u009b2J\u202eEvil"
RAW_CONTROLS = ("\x1b", "\u009b", "\u202e")
# The readers strip C0 and C1 controls from every cell (with a note); a bidi override is text and stays.
STORED = "ACME[2J[31mRouge2J\u202eEvil"


def run(capsys, *argv) -> tuple[int, str, str]:
    out = io.StringIO()
    status = main([str(a) for a in argv], out)
    return status, out.getvalue(), capsys.readouterr().err


def refused(capsys, *argv) -> str:
    status, _out, err = run(capsys, *argv)
    assert status == 2 and "Traceback" not in err, err
    return err


def in_a_process(*argv, code: str | None = None) -> subprocess.CompletedProcess:
    command = [sys.executable, "-c", code, *map(str, argv)] if code else [sys.executable, "-m", "kpi", *map(str, argv)]
    return subprocess.run(
        command, cwd=ROOT, capture_output=True, text=True, timeout=120, env={**os.environ, "PYTHONPATH": str(ROOT)}
    )


@pytest.fixture
def hostile_files(tmp_path) -> list[Path]:
    documents = tmp_path / "documents.csv"
    documents.write_text(
        "document_id,customer_id,customer_name,activity,issue_date,due_date,amount\n"
        f'F1,C1,"{HOSTILE}",Services,2026-03-01,2026-03-31,120.00\n'
        "F2,C2,Sage,Services,2026-03-01,2026-03-31,80.00\n",
        encoding="utf-8",
    )
    settlements = tmp_path / "settlements.csv"
    settlements.write_text("settlement_id,document_id,customer_id,date,amount,kind\n", encoding="utf-8")
    return [documents, settlements]


def assert_no_raw_controls(text: str) -> None:
    for control in RAW_CONTROLS:
        assert control not in text, repr(text)


# -- names that would drive the terminal ----------------------------------------------------------


def test_a_name_with_ansi_escapes_is_printed_escaped_in_every_table(capsys, hostile_files, tmp_path):
    status, table, _ = run(capsys, "aging", *hostile_files, "--as-of", "2026-04-15")
    assert status == 0
    assert_no_raw_controls(table)
    assert "ACME[2J[31mRouge2J\\u202eEvil" in table and "120,00" in table
    lines = table.splitlines()
    assert len({len(line) for line in lines[1:]}) == 1  # escaped before the columns are aligned
    for argv in (
        ("aging", *hostile_files, "--as-of", "2026-04-15", "--by", "document"),
        ("aging", *hostile_files, "--as-of", "2026-04-15", "--format", "csv"),
        ("inspect", *hostile_files),
        ("import", tmp_path / "ws", *hostile_files),
        ("report", tmp_path / "ws", *MARCH),
        ("forecast", tmp_path / "ws", "--as-of", "2026-03-31"),
        ("series", tmp_path / "ws", *MARCH),
    ):
        status, out, err = run(capsys, *argv)
        assert status == 0, err
        assert_no_raw_controls(out + err)


def test_json_keeps_the_data_exact_and_the_terminal_safe(capsys, hostile_files):
    status, out, _ = run(capsys, "inspect", *hostile_files, "--format", "json")
    assert status == 0
    assert_no_raw_controls(out)
    # The escapes are JSON's own: read back, the name is the file's, its controls stripped as on import.
    assert json.loads(out)["files"][0]["preview"][0]["customer_name"] == STORED


def test_a_file_name_with_escapes_is_escaped_in_the_error(capsys, tmp_path):
    evil = tmp_path / "facture\x1b[2J\x1b]0;titre\x07.csv"
    evil.write_text("document_id,customer_id\nX,Y\n", encoding="utf-8")
    err = refused(capsys, "report", evil, *MARCH)
    assert_no_raw_controls(err)
    assert "\x07" not in err and "facture\\x1b[2J\\x1b]0;titre\\x07.csv" in err


def test_a_scenario_name_with_escapes_is_escaped(capsys, tmp_path):
    scenario = tmp_path / "scenario.json"
    scenario.write_text(
        json.dumps({"name": HOSTILE, "changes": [{"kind": "faster_payment", "days": 5}]}), encoding="utf-8"
    )
    status, out, err = run(capsys, "whatif", *WORKED_FILES, *MARCH, "--scenario", scenario)
    assert status == 0, err
    assert_no_raw_controls(out)
    assert "ACME\\x1b[2J" in out.splitlines()[0]


# -- a file named like an option ---------------------------------------------------------------------


@pytest.fixture
def dashed(tmp_path, monkeypatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "-rf.csv").write_bytes(WORKED_FILES[0].read_bytes())
    (tmp_path / "-o.csv").write_bytes(WORKED_FILES[1].read_bytes())
    return tmp_path


def test_a_file_named_like_an_option_is_read_after_double_dash_or_as_dot_slash(capsys, dashed):
    status, out, err = run(capsys, "report", *MARCH, "--format", "json", "--", "-rf.csv", "-o.csv")
    assert status == 0, err
    assert json.loads(out)["closing_ar"] == 6500.0
    status, out, err = run(capsys, "report", "./-rf.csv", "./-o.csv", *MARCH, "--format", "json")
    assert status == 0 and json.loads(out)["closing_ar"] == 6500.0
    status, out, err = run(capsys, "import", "client", "--", "-rf.csv", "-o.csv")
    assert status == 0 and "Import n° 1" in out
    status, out, err = run(capsys, "import", "client", "./-rf.csv", "./-o.csv")
    assert status == 0 and "Déjà importé" in out


@pytest.mark.parametrize(
    "argv",
    [
        ("report", "-rf.csv", *MARCH),
        ("import", "client", "-rf.csv"),
        ("aging", "-o.csv", "--as-of", "2026-03-31"),  # -o would take ".csv" as its value
    ],
)
def test_argparse_failing_on_such_a_name_gives_the_way_out(capsys, dashed, argv):
    with pytest.raises(SystemExit) as stop:
        main(list(argv), io.StringIO())
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert "./-rf.csv" in err and "--" in err and "Traceback" not in err


def test_help_documents_double_dash(capsys):
    with pytest.raises(SystemExit):
        main(["--help"])
    assert "-- -rf.csv" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        main(["import", "--help"])
    assert "./-name.csv" in capsys.readouterr().out.replace("\n", " ").replace("  ", " ")


# -- errors a user can cause: one message, exit status 2 ---------------------------------------------


def test_missing_and_misplaced_sources_name_the_path(capsys, tmp_path):
    err = refused(capsys, "report", tmp_path / "absent.csv", *MARCH)
    assert "absent.csv" in err and "introuvable" in err
    err = refused(capsys, "report", tmp_path, *MARCH)
    assert str(tmp_path) in err and "pas un espace de travail" in err
    Workspace(tmp_path / "ws").import_files(WORKED_FILES)
    err = refused(capsys, "report", tmp_path / "ws", WORKED_FILES[0], *MARCH)
    assert "soit un seul dossier" in err


def test_a_damaged_workspace(capsys, tmp_path):
    workspace = Workspace(tmp_path / "ws")
    workspace.import_files(WORKED_FILES)
    workspace.database.write_bytes(workspace.database.read_bytes()[:5000])
    for argv in (
        ("report", workspace.path, *MARCH),
        ("import", workspace.path, *MATCHING_FILES),
        ("aging", workspace.path, "--as-of", "2026-03-31"),
    ):
        err = refused(capsys, *argv)
        assert str(workspace.database) in err and "endommagé" in err and "en cours d'écriture" not in err


def test_a_read_only_workspace_reports_but_does_not_import(capsys, tmp_path, monkeypatch):
    workspace = Workspace(tmp_path / "ws")
    workspace.import_files(WORKED_FILES)
    real_access = os.access
    monkeypatch.setattr(
        os,
        "access",
        lambda path, mode, *a, **k: (
            False if mode & os.W_OK and Path(path) == workspace.path else real_access(path, mode, *a, **k)
        ),
    )
    err = refused(capsys, "import", workspace.path, *MATCHING_FILES)
    assert "lecture seule" in err and str(workspace.path) in err
    status, out, err = run(capsys, "report", workspace.path, *MARCH, "--format", "json")
    assert status == 0 and json.loads(out)["closing_ar"] == 6500.0


def test_a_busy_workspace(capsys, tmp_path, monkeypatch):
    workspace = Workspace(tmp_path / "ws")
    workspace.import_files(WORKED_FILES)
    monkeypatch.setattr(kpi.store.workspace, "LOCK_RETRIES", 2)
    with write_lock_held(workspace.database):
        for argv in (("report", workspace.path, *MARCH), ("import", workspace.path, *MATCHING_FILES)):
            err = refused(capsys, *argv)
            assert "« ws » est pris par un autre programme" in err and "réessayez" in err


def test_a_refused_first_import_leaves_no_workspace(capsys, tmp_path):
    bad = tmp_path / "factures.csv"
    bad.write_text("document_id,customer_id\nX,Y\n", encoding="utf-8")
    err = refused(capsys, "import", tmp_path / "home" / "client", bad)
    assert "factures.csv" in err and not (tmp_path / "home").exists()


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (("aging", *WORKED_FILES, "--as-of", "2026-03-31", "--format", "xlsx"), "-o BALANCE.xlsx"),
        (("audit", *WORKED_FILES, *MARCH, "-o", "rapport.docx"), "rapport.docx"),
        (("report", *WORKED_FILES, "--from", "2026-03-31", "--to", "2026-03-01"), "avant de commencer"),
        (("whatif", *WORKED_FILES, *MARCH, "--scenario", "absent.json"), "absent.json"),
    ],
)
def test_options_that_cannot_work_are_said(capsys, argv, said):
    assert said in refused(capsys, *argv)


def test_an_output_that_cannot_be_written_names_it(capsys, tmp_path):
    target = tmp_path / "no-such-folder" / "balance.csv"
    err = refused(capsys, "aging", *WORKED_FILES, "--as-of", "2026-03-31", "--format", "csv", "-o", target)
    assert str(target) in err and "impossible d'écrire" in err


def test_an_unreadable_scenario_names_it(capsys, tmp_path):
    scenario = tmp_path / "scénario.json"
    scenario.write_text("{ pas du json", encoding="utf-8")
    err = refused(capsys, "whatif", *WORKED_FILES, *MARCH, "--scenario", scenario)
    assert "scénario.json" in err and "illisible" in err


@pytest.mark.parametrize(
    "argv",
    [
        ("report", *WORKED_FILES, *MARCH, "--layout", "tableur"),
        ("report", *WORKED_FILES, *MARCH, "--terms", "quarante"),
        ("report", *WORKED_FILES, *MARCH, "--encoding", "klingon"),
        ("demo", "out", "--invoices", "-5"),
    ],
)
def test_bad_option_values_are_refused_by_the_parser(capsys, argv):
    with pytest.raises(SystemExit) as stop:
        main([str(a) for a in argv], io.StringIO())
    assert stop.value.code == 2 and "Traceback" not in capsys.readouterr().err


def test_running_out_of_memory_or_being_interrupted_is_a_message(capsys, monkeypatch):
    def exhausted(args, out):
        raise MemoryError

    def interrupted(args, out):
        raise KeyboardInterrupt

    monkeypatch.setitem(kpi.cli.main.COMMANDS, "report", exhausted)
    err = refused(capsys, "report", *WORKED_FILES, *MARCH)
    assert "documents.csv, settlements.csv" in err and "mémoire" in err
    monkeypatch.setitem(kpi.cli.main.COMMANDS, "report", interrupted)
    status, _, err = run(capsys, "report", *WORKED_FILES, *MARCH)
    assert status == 130 and "interrompu" in err


def test_a_bug_says_so_and_where_its_traceback_went_never_shows_it(capsys, monkeypatch, tmp_path):
    def broken(args, out):
        raise RuntimeError("a genuine bug")

    monkeypatch.setitem(kpi.cli.main.COMMANDS, "report", broken)
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    monkeypatch.setattr(tempfile, "tempdir", None)  # read TMPDIR again
    assert main(["report", *map(str, WORKED_FILES), *MARCH], io.StringIO()) == 1
    err = capsys.readouterr().err
    (report,) = tmp_path.glob("encours-error-*.txt")
    assert err.splitlines() == [BUG, "détail : RuntimeError: a genuine bug", f"rapport complet : {report}"]
    written = report.read_text(encoding="utf-8")
    assert written.startswith("python -m kpi ") and "Traceback" in written and "a genuine bug" in written
    monkeypatch.setenv("ENCOURS_DEBUG", "1")  # a developer asks for the traceback itself
    with pytest.raises(RuntimeError, match="a genuine bug"):
        main(["report", *map(str, WORKED_FILES), *MARCH], io.StringIO())
    monkeypatch.delenv("ENCOURS_DEBUG")
    code = (
        "import sys, kpi.cli.main\n"
        "def broken(args, out):\n    raise RuntimeError('a genuine bug')\n"
        "kpi.cli.main.COMMANDS['report'] = broken\n"
        "sys.exit(kpi.cli.main.main(sys.argv[1:]))"
    )
    result = in_a_process("report", *WORKED_FILES, *MARCH, code=code)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.index(BUG) < result.stderr.index("RuntimeError: a genuine bug")


def test_a_programming_value_error_is_a_bug_not_a_user_error(capsys, monkeypatch):
    # A ValueError is what a slip in the code raises too: only an EncoursError is said as the user's to fix.
    def slipped(args, out):
        raise ValueError("a programming slip")

    monkeypatch.setitem(kpi.cli.main.COMMANDS, "report", slipped)
    assert main(["report", *map(str, WORKED_FILES), *MARCH], io.StringIO()) == 1
    err = capsys.readouterr().err
    assert err.startswith(BUG + "\ndétail : ValueError: a programming slip\n") and "erreur :" not in err
    code = (
        "import sys, kpi.cli.main\n"
        "def slipped(args, out):\n    raise ValueError('a programming slip')\n"
        "kpi.cli.main.COMMANDS['report'] = slipped\n"
        "sys.exit(kpi.cli.main.main(sys.argv[1:]))"
    )
    result = in_a_process("report", *WORKED_FILES, *MARCH, "--lang", "en", code=code)
    assert result.returncode == 1 and "error: a programming slip" not in result.stderr
    assert (
        result.stderr.startswith("Encours internal error: ")
        and "detail: ValueError: a programming slip" in result.stderr
    )
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("error", "said"),
    [
        (
            InvalidValue(Message("terms.unreadable", text="quarante")),
            "erreur : " + message_text("terms.unreadable", "fr", text="quarante") + "\n",
        ),
        (ScenarioError("a scenario needs a name"), "erreur : a scenario needs a name\n"),
        (
            ImportFailed([ImportIssue("factures.csv", Message("terms.unreadable", text="quarante"), row=3)]),
            "Import refusé :\nfactures.csv, ligne 3 : "
            + message_text("terms.unreadable", "fr", text="quarante")
            + "\n",
        ),
    ],
    ids=["InvalidValue", "ScenarioError", "ImportFailed"],
)
def test_a_user_error_raised_in_a_command_is_one_message_and_status_2(capsys, monkeypatch, error, said):
    def refusing(args, out):
        raise error

    monkeypatch.setitem(kpi.cli.main.COMMANDS, "report", refusing)
    assert refused(capsys, "report", *WORKED_FILES, *MARCH, "--lang", "fr") == said


def test_a_bad_scenario_is_a_message(capsys, tmp_path):
    scenario = tmp_path / "faster.json"
    scenario.write_text('{"name": "x", "changes": [{"kind": "faster_payment", "days": -1}]}', encoding="utf-8")
    err = refused(capsys, "whatif", *WORKED_FILES, *MARCH, "--scenario", scenario, "--lang", "en")
    assert (
        err
        == f"error: unreadable scenario {scenario}: change 1 (faster_payment): faster_payment needs days > 0, got -1\n"
    )


def test_in_a_real_process_messages_come_without_traceback(tmp_path):
    (tmp_path / "ws").mkdir()
    (tmp_path / "ws" / DATABASE_NAME).write_bytes(os.urandom(20_000))
    for argv, said in (
        (("report", tmp_path / "absent.csv", *MARCH), "absent.csv"),
        (("report", tmp_path / "ws", *MARCH), "endommagé"),
        (("import", tmp_path / "ws", *WORKED_FILES), "endommagé"),
    ):
        result = in_a_process(*argv)
        assert result.returncode == 2 and "Traceback" not in result.stderr and said in result.stderr, result.stderr


# -- limits: the reading in a child process ------------------------------------------------------------


def test_import_and_inspect_under_limits(capsys, tmp_path):
    status, out, err = run(capsys, "import", tmp_path / "ws", *WORKED_FILES, "--time-limit", "120")
    assert status == 0 and "Import n° 1" in out and "13 pièces" in out, err
    status, out, err = run(capsys, "inspect", *WORKED_FILES, "--memory-limit", "3000", "--format", "json")
    assert status == 0 and json.loads(out)["files"][0]["file"] == "documents.csv", err
    huge = tmp_path / "énorme.csv"
    with huge.open("w", encoding="utf-8") as handle:
        handle.write("document_id,customer_id,customer_name,activity,issue_date,due_date,amount\n")
        handle.writelines(f"F{i},C{i % 500},Client,S,2026-01-01,2026-01-31,1.00\n" for i in range(600_000))
    err = refused(capsys, "import", tmp_path / "new", huge, "--memory-limit", "600")
    assert "énorme.csv" in err and "600 Mo" in err and not (tmp_path / "new").exists()
