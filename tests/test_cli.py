"""The command line: every subcommand on the worked example, errors as messages, not tracebacks."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import re
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from sample_files import WORKED_FILES

from kpi.cli.common import default_language
from kpi.cli.main import main
from kpi.store.workspace import Workspace

FILES = [str(p) for p in WORKED_FILES]
ROOT = Path(__file__).resolve().parent.parent
# What `python -m kpi --help` lists, in its order: a new command is added here, and so gets its help tested.
COMMAND_NAMES = (
    "report",
    "aging",
    "series",
    "import",
    "inspect",
    "demo",
    "whatif",
    "forecast",
    "audit",
    "d441",
    "worklist",
    "statement",
    "letter",
    "suggest",
    "match",
)


def run(*argv: str) -> str:
    out = io.StringIO()
    assert main(list(argv), out) == 0
    return out.getvalue()


def help_of(*argv: str) -> str:
    """What `python -m kpi ARGV --help` prints, as the user sees it."""
    out = io.StringIO()
    with pytest.raises(SystemExit) as stop, contextlib.redirect_stdout(out):
        main([*argv, "--help"], io.StringIO())
    assert stop.value.code == 0
    return out.getvalue()


def test_the_help_lists_every_command_in_a_real_process():
    result = subprocess.run(
        [sys.executable, "-m", "kpi", "--help"], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    # A name too long for argparse's column (statement) has its help on the next line.
    listed = re.findall(r"^    (\w+)(?:  +\S|$)", result.stdout, flags=re.M)
    assert listed == list(COMMAND_NAMES)


@pytest.mark.parametrize("command", COMMAND_NAMES)
def test_help_explains_every_option(command):
    text = help_of(command)
    assert text.startswith(f"usage: python -m kpi {command} ")
    lines = text.splitlines()
    options = [i for i, line in enumerate(lines) if re.match(r"^  -", line)]
    assert len(options) >= 2  # -h and --lang at least
    for i in options:
        # argparse puts the help after two spaces, or on the next line, indented, when the option is long.
        helped = re.search(r"\S  +\S", lines[i].strip()) or re.match(r"^ {3,}\S", lines[i + 1])
        assert helped, f"{command}: {lines[i].strip()} has no help"
    assert "--lang {fr,en}" in text


def test_aging_table_in_french_and_english():
    french = run("aging", *FILES, "--as-of", "2026-03-31")
    assert "Non échu" in french and "6\u202f500,00\u00a0€" in french and "84,6\u00a0%" in french
    english = run("aging", *FILES, "--as-of", "2026-03-31", "--lang", "en", "--by", "document")
    assert "€6,500.00" in english and "nan" not in english


def test_aging_csv_for_french_excel(tmp_path):
    target = tmp_path / "balance.csv"
    run("aging", *FILES, "--as-of", "2026-03-31", "--format", "csv", "-o", str(target))
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM, so French Excel reads UTF-8
    text = raw.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    by_customer = {row[0]: row for row in rows}
    assert by_customer["Boulangerie Martin"][-1] == "3300,00"
    assert by_customer['Café "Le Zinc"'][-2:] == ["-250,00", "2250,00"]
    assert sum(Decimal(row[-1].replace(",", ".")) for row in rows[1:]) == Decimal("6500.00")


def test_aging_xlsx_totals(tmp_path):
    target = tmp_path / "balance.xlsx"
    run("aging", *FILES, "--as-of", "2026-03-31", "--format", "xlsx", "-o", str(target))
    book = openpyxl.load_workbook(target, data_only=True)  # the totals' cached values
    assert len(book.sheetnames) == 2
    values = [cell for sheet in book for row in sheet.iter_rows(values_only=True) for cell in row]
    assert 6500 in values  # the total row of each sheet


def test_xlsx_needs_an_output_file(capsys):
    assert main(["aging", *FILES, "--as-of", "2026-03-31", "--format", "xlsx"], io.StringIO()) == 2
    assert "-o" in capsys.readouterr().err


def test_series_csv_and_json():
    rows = list(csv.DictReader(io.StringIO(run("series", *FILES, "--from", "2026-02-01", "--to", "2026-03-31"))))
    assert [r["month"] for r in rows] == ["2026-02", "2026-03"]
    assert float(rows[1]["dso"]) == pytest.approx(33.032786885245905)
    reports = json.loads(run("series", *FILES, "--from", "2026-02-01", "--to", "2026-03-31", "--format", "json"))
    assert reports[0]["period"] == {"start": "2026-02-01", "end": "2026-02-28", "days": 28}
    assert reports[1]["aging"]["31_60"] == 750.0


def test_import_then_report_on_the_workspace(tmp_path):
    workspace = tmp_path / "client"
    text = run("import", str(workspace), *FILES)
    assert "13" in text and "9" in text
    again = run("import", str(workspace), *FILES)
    assert "rien n'a été ajouté" in again
    report = json.loads(run("report", str(workspace), "--from", "2026-03-01", "--to", "2026-03-31", "--format", "json"))
    assert report["closing_ar"] == 6500.0


def test_a_workspace_setting_naming_no_matching_mode_reads_as_the_default(tmp_path):
    workspace = tmp_path / "client"
    run("import", str(workspace), *FILES)
    Workspace(workspace).save_settings({"apply_credits": "fifo"})  # by hand, or by a later version
    text = run("report", str(workspace), "--from", "2026-03-01", "--to", "2026-03-31", "--lang", "en")
    assert "Credit matching : Item by item, as matched\n" in text


def test_customer_filter_with_quotes_accents_ampersand_and_script(tmp_path):
    documents = tmp_path / "documents.csv"
    settlements = tmp_path / "settlements.csv"
    name = 'O\'Brien & "Fils" <script>alert(1)</script> Ébène'
    documents.write_text(
        "document_id,customer_id,customer_name,activity,issue_date,due_date,amount\n"
        f'F1,"{name.replace(chr(34), chr(34) * 2)}","{name.replace(chr(34), chr(34) * 2)}",Négoce & Co,2026-03-01,2026-03-31,120.00\n'
        "F2,C2,Autre,Services,2026-03-01,2026-03-31,80.00\n",
        encoding="utf-8",
    )
    settlements.write_text("settlement_id,document_id,customer_id,date,amount,kind\n", encoding="utf-8")
    report = json.loads(
        run(
            "report",
            str(documents),
            str(settlements),
            "--from",
            "2026-03-01",
            "--to",
            "2026-03-31",
            "--customer",
            name,
            "--activity",
            "Négoce & Co",
            "--format",
            "json",
        )
    )
    assert report["sales"] == 120.0 and report["closing_ar"] == 120.0
    table = run("aging", str(documents), str(settlements), "--as-of", "2026-04-15", "--customer", name)
    assert "<script>alert(1)</script>" in table and "120,00" in table


def test_credit_note_larger_than_the_invoices(tmp_path):
    documents = tmp_path / "documents.csv"
    documents.write_text(
        "document_id,customer_id,customer_name,activity,issue_date,due_date,amount\n"
        "F1,C1,A,S,2026-03-01,2026-03-31,100.00\n"
        "A1,C1,A,S,2026-03-10,2026-03-10,-250.00\n",
        encoding="utf-8",
    )
    report = json.loads(run("report", str(documents), "--from", "2026-03-01", "--to", "2026-03-31", "--format", "json"))
    assert report["sales"] == -150.0 and report["closing_ar"] == -150.0
    assert report["aging"]["1_30"] == 0.0 and report["aging"]["not_due"] == 100.0
    assert report["unapplied_credits"] == -250.0
    assert report["countback_dso"] == 0  # closing AR ≤ 0
    assert report["dso"] == pytest.approx(-150 / -150 * 31)  # defined: sales are not zero


def test_errors_are_messages(tmp_path, capsys):
    assert (
        main(["report", str(tmp_path / "missing.csv"), "--from", "2026-03-01", "--to", "2026-03-31"], io.StringIO())
        == 2
    )
    assert "missing.csv" in capsys.readouterr().err
    assert main(["report", str(tmp_path), "--from", "2026-03-01", "--to", "2026-03-31"], io.StringIO()) == 2
    assert "pas un espace de travail" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["aging", *FILES, "--as-of", "2026-03-31", "--buckets", "60,30"], io.StringIO())
    assert "30,60,90,120" in capsys.readouterr().err


BAD_AMOUNT = ROOT / "tests" / "data" / "bad" / "amount_letters" / "factures.csv"


def test_import_refuses_a_bad_file_in_english_naming_file_row_and_column(tmp_path, capsys):
    assert main(["import", str(tmp_path / "ws"), str(BAD_AMOUNT), "--lang", "en"], io.StringIO()) == 2
    err = capsys.readouterr().err
    assert err == (
        "Import refused:\nfactures.csv, row 3, column “Montant TTC”: unreadable amount — expected a number"
        " such as 1,234.56 (value: '12,5x')\n"
    )
    assert not (tmp_path / "ws").exists()


def test_import_refuses_the_same_file_in_french(tmp_path, capsys):
    assert main(["import", str(tmp_path / "ws"), str(BAD_AMOUNT), "--lang", "fr"], io.StringIO()) == 2
    assert capsys.readouterr().err == (
        "Import refusé :\nfactures.csv, ligne 3, colonne « Montant TTC » : montant"
        " illisible — attendu un nombre comme 1 234,56 (valeur : '12,5x')\n"
    )


@pytest.mark.parametrize(
    ("environment", "expected"),
    [
        ({"LANG": "en_GB.UTF-8"}, "en"),
        ({"LANG": "fr_FR.UTF-8"}, "fr"),
        ({"LANG": "C.UTF-8"}, "fr"),
        ({}, "fr"),
        ({"LC_ALL": "en_US.UTF-8", "LANG": "fr_FR.UTF-8"}, "en"),
        ({"LC_MESSAGES": "fr_FR", "LANG": "en_US"}, "fr"),
        ({"LC_ALL": "", "LC_MESSAGES": "en_IE", "LANG": "fr_FR"}, "en"),
    ],
)
def test_the_default_language_comes_from_the_locale(environment, expected):
    assert default_language(environment) == expected


def test_without_lang_the_locale_decides_and_lang_overrides_it(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    assert main(["import", str(tmp_path / "ws"), str(BAD_AMOUNT)], io.StringIO()) == 2
    assert capsys.readouterr().err.startswith("Import refused:\nfactures.csv, row 3")
    assert main(["import", str(tmp_path / "ws"), str(BAD_AMOUNT), "--lang", "fr"], io.StringIO()) == 2
    assert capsys.readouterr().err.startswith("Import refusé :\nfactures.csv, ligne 3")


def test_errors_and_the_import_report_follow_lang(tmp_path, capsys):
    assert (
        main(
            ["report", str(tmp_path / "missing.csv"), "--from", "2026-03-01", "--to", "2026-03-31", "--lang", "en"],
            io.StringIO(),
        )
        == 2
    )
    assert (
        capsys.readouterr().err == f"error: file not found: {tmp_path / 'missing.csv'}; check the path and the name\n"
    )
    assert main(["report", *FILES, "--from", "2026-03-31", "--to", "2026-03-01", "--lang", "en"], io.StringIO()) == 2
    assert capsys.readouterr().err == "error: the period ends (--to 2026-03-01) before it starts (--from 2026-03-31)\n"
    out = io.StringIO()
    assert main(["import", str(tmp_path / "ws"), *FILES, "--lang", "en"], out) == 0
    text = out.getvalue()
    assert text.startswith("Import: 2 files, currency EUR\n• documents.csv — documents (canonical layout)")
    assert "rows read: " in text and "Import no. 1 into " in text
    assert not re.search(r"\b(lignes|fichier|règlements|importées)\b", text)
    out = io.StringIO()
    assert main(["import", str(tmp_path / "ws"), *FILES, "--lang", "en"], out) == 0
    assert "Already imported (import no. 1): nothing was added." in out.getvalue()
