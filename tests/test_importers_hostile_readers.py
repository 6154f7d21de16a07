"""Hostile files for the readers: each refused at once with a message naming it, or read exactly; never a
traceback, never past 30 s or 1,5 GB above its own size.

The corpus is tests/data/hostile/readers/: small files committed, large ones written once per session by
its generate.py; EXPECTED.json gives each one's outcome.  The large ones are read in a subprocess under an
address-space limit (RLIMIT_AS) and a 30 s timeout, so that a reader that grows beyond its budget fails
here, not on the machine.
"""

from __future__ import annotations

import importlib.util
import io
import json
import subprocess
import sys
import textwrap
import zipfile
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pytest

from kpi.importers import ImportFailed, read_files
from kpi.importers.dialect import first_long_line, sniff
from kpi.importers.tables import open_table
from kpi.importers.workbook import read_sheet, value_text

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "data" / "hostile" / "readers"
EXPECTED = json.loads((CORPUS / "EXPECTED.json").read_text(encoding="utf-8"))
SECONDS = 30
BUDGET_BYTES = 1536 << 20  # 1,5 GB of memory above the file's own size


def _generate():
    spec = importlib.util.spec_from_file_location("hostile_readers_generate", CORPUS / "generate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


generate = _generate()
SMALL = sorted(name for name, case in EXPECTED.items() if not case.get("generated"))
# A case whose fix belongs to a module other than the readers says which and why, and fails until it lands.
SMALL_CASES = [
    pytest.param(name, marks=pytest.mark.xfail(reason=EXPECTED[name]["pending"], strict=False))
    if EXPECTED[name].get("pending")
    else name
    for name in SMALL
]
LARGE = sorted(name for name, case in EXPECTED.items() if case.get("generated"))
CLI = sorted(name for name, case in EXPECTED.items() if case.get("cli"))


@pytest.fixture(scope="session")
def large_files(tmp_path_factory) -> dict[str, Path]:
    return generate.write_large(tmp_path_factory.mktemp("hostile-readers"))


def _path(name: str, large_files: dict[str, Path] | None = None) -> Path:
    return large_files[name] if EXPECTED[name].get("generated") else CORPUS / name


# --- the corpus -----------------------------------------------------------------------------------


def test_the_corpus_covers_every_class_with_an_outcome_each():
    assert len(EXPECTED) >= 25
    assert set(SMALL) == set(generate.COMMITTED)
    assert set(LARGE) == set(generate.LARGE)
    for prefix in ("csv_", "xlsx_", "xls_", "parquet_"):
        assert {c["outcome"] for n, c in EXPECTED.items() if n.startswith(prefix)} == {"accepted", "refused"}


@pytest.mark.parametrize("name", SMALL)
def test_committed_file_is_what_the_generator_writes(name):
    assert (CORPUS / name).read_bytes() == generate.COMMITTED[name]()


def _check_accepted(case: dict, documents, warnings: list[str]) -> None:
    assert documents.num_rows == case["documents"]
    total = sum(documents.column("amount").to_pylist(), Decimal(0))
    assert total == Decimal(case["amount_total"])
    for key, column in (
        ("document_ids", "document_id"),
        ("customer_ids", "customer_id"),
        ("customer_names", "customer_name"),
    ):
        if key in case:
            assert documents.column(column).to_pylist() == case[key]
    if "note" in case:
        assert any(case["note"] in warning for warning in warnings), warnings


@pytest.mark.parametrize("name", SMALL_CASES)
def test_small_file_is_refused_with_its_message_or_read_exactly(name):
    case = EXPECTED[name]
    if case["outcome"] == "accepted":
        result = read_files([CORPUS / name])
        _check_accepted(case, result.ledger.documents, [str(w) for w in result.report.warnings])
        if "note_row" in case:
            note = next(w for w in result.report.warnings if case["note"] in w.message)
            assert (note.file, note.row, note.column) == (name, case["note_row"], case["note_column"])
        return
    with pytest.raises(ImportFailed) as refused:
        read_files([CORPUS / name])
    issues = [i for i in refused.value.issues if case["message"] in i.message]
    assert issues, [str(i) for i in refused.value.issues]
    issue = issues[0]
    assert issue.file == name and str(issue).startswith(name)
    for key in ("row", "column", "value"):
        if key in case:
            assert getattr(issue, key) == case[key], (key, str(issue))


# --- large files, within the budget ---------------------------------------------------------------

# The child warms the readers up (Arrow's and expat's threads and arenas), then limits its own address space
# to what it holds then + the file + the budget, and reads: a reader that goes beyond ends in MemoryError.
CHILD = textwrap.dedent("""
    import json, resource, sys, time
    from decimal import Decimal
    from pathlib import Path
    from kpi.importers import ImportFailed, read_files
    corpus, path, budget = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
    for warm in ("csv_cr_only.csv", "parquet_list_column.parquet", "xlsx_dimension_too_small.xlsx"):
        read_files([corpus / warm])
    status = dict(line.split(":", 1) for line in Path("/proc/self/status").read_text().splitlines() if ":" in line)
    held = int(status["VmPeak"].split()[0]) * 1024
    resource.setrlimit(resource.RLIMIT_AS, (held + path.stat().st_size + budget, resource.RLIM_INFINITY))
    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    began = time.perf_counter()
    try:
        result = read_files([path])
        documents = result.ledger.documents
        outcome = {"outcome": "accepted", "documents": documents.num_rows,
                   "amount_total": str(sum(documents.column("amount").to_pylist(), Decimal(0))),
                   "document_ids": documents.column("document_id").to_pylist()[:5],
                   "warnings": [str(w) for w in result.report.warnings]}
    except ImportFailed as failed:
        outcome = {"outcome": "refused", "issues": [[i.file, i.message, i.row, i.column, str(i)]
                                                    for i in failed.issues]}
    outcome["seconds"] = time.perf_counter() - began
    outcome["above_baseline"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 - baseline
    print(json.dumps(outcome))
""")


@pytest.mark.parametrize("name", LARGE)
def test_large_file_is_refused_at_once_or_read_within_the_budget(name, large_files):
    case, path = EXPECTED[name], large_files[name]
    run = subprocess.run(
        [sys.executable, "-c", CHILD, str(CORPUS), str(path), str(BUDGET_BYTES)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=SECONDS + 15,
    )
    assert run.returncode == 0 and "Traceback" not in run.stderr, run.stderr[-2000:]
    outcome = json.loads(run.stdout.strip().splitlines()[-1])
    assert outcome["seconds"] < SECONDS
    assert outcome["above_baseline"] < path.stat().st_size + BUDGET_BYTES
    assert outcome["outcome"] == case["outcome"], outcome
    if case["outcome"] == "refused":
        issues = [i for i in outcome["issues"] if case["message"] in i[1]]
        assert issues, outcome["issues"]
        file, _, row, _, text = issues[0]
        assert file == name and text.startswith(name)
        assert row == case.get("row", row)
    else:
        assert outcome["documents"] == case["documents"]
        assert Decimal(outcome["amount_total"]) == Decimal(case["amount_total"])
        if "document_ids" in case:
            assert outcome["document_ids"] == case["document_ids"][:5]


def test_refusals_by_size_come_before_any_reading(large_files, monkeypatch):
    """A file beyond the size limit is refused from its size alone: not one byte is parsed."""
    from kpi.importers import tables

    monkeypatch.setattr(tables, "_open_delimited", lambda *a: pytest.fail("the file was read"))
    with pytest.raises(ImportFailed, match="au plus 200 Mo par fichier"):
        read_files([large_files["csv_too_big.csv"]])


# --- through the command line ---------------------------------------------------------------------


@pytest.mark.parametrize("name", CLI)
def test_command_line_import_ends_with_a_message_never_a_traceback(name, large_files, tmp_path):
    case = EXPECTED[name]
    run = subprocess.run(
        [sys.executable, "-m", "kpi", "import", str(tmp_path / "workspace"), str(_path(name, large_files))],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=SECONDS,
    )
    assert "Traceback" not in run.stderr and "Traceback" not in run.stdout
    if case["outcome"] == "refused":
        assert run.returncode == 2, run.stderr
        assert name in run.stderr and case["message"] in run.stderr
    else:
        assert run.returncode == 0, run.stderr


# --- the pieces -----------------------------------------------------------------------------------


def test_a_long_line_is_found_without_reading_line_by_line():
    limit = 1000
    assert first_long_line(b"a;b\n" * 10_000, limit) is None
    assert first_long_line(b"a;b\n" + b"x" * 1001 + b"\nc;d\n", limit) == (2, 1001)
    assert first_long_line(b"a;b\n" + b"x" * 999 + b"\n" + b"y" * 1500, limit) == (3, 1500)
    assert first_long_line(b"x" * 5000, limit) == (1, 5000)
    assert first_long_line(b"a\n" + b"x" * 800 + b"\n" + b"y" * 800 + b"\n", limit) is None


@pytest.mark.parametrize(
    ("head", "kind"),
    [
        (b"PK\x03\x04rest", "zip"),
        (b"PAR1....", "parquet"),
        (bytes.fromhex("d0cf11e0a1b11ae1") + b"\0" * 8, "ole2"),
        (b"%PDF-1.7", "pdf"),
        (b"\xff\xfeN\x00", "utf-16"),
        ("N° facture;Client".encode("utf-16-be"), "utf-16"),
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)), "binary"),
        (b"  <!DOCTYPE html><html>", "html"),
        ("N° facture;Client\r\nF-1;Martin\x00\r\n".encode("cp1252"), "text"),
        (b"\xef\xbb\xbfa;b", "text"),
        (b"", "text"),
    ],
)
def test_what_a_file_is_comes_from_its_first_bytes(head, kind):
    assert sniff(head) == kind


def test_cells_are_cleaned_wherever_the_invisible_characters_are(tmp_path):
    path = tmp_path / "f.csv"
    rows = [f"F-{n};Client {n};10,00" for n in range(400)]
    rows[300] = "\ufeffF-300;\u2060Client\x00 300\u200b;10,\x1f00"
    path.write_text("N° facture;Client;Montant TTC\n" + "\n".join(rows) + "\n", encoding="utf-8")
    table = open_table(path)
    assert table.column("N° facture")[300].as_py() == "F-300"
    assert table.column("Client")[300].as_py() == "Client 300"
    assert table.column("Montant TTC")[300].as_py() == "10,00"
    [note] = table.notes
    assert note.message.startswith("3 cellule(s) nettoyée(s)") and note.row == 302 and note.severity == "warning"


def test_tabs_and_line_breaks_inside_cells_are_kept(tmp_path):
    path = tmp_path / "f.csv"
    path.write_text('N° facture;Adresse\nF-1;"1 rue Haute\nLyon"\n', encoding="utf-8")
    table = open_table(path)
    assert table.column("Adresse")[0].as_py() == "1 rue Haute\nLyon"
    assert table.notes == ()


def _kinds_workbook_xlsxwriter(path: Path) -> None:
    import datetime as dt

    import xlsxwriter

    workbook = xlsxwriter.Workbook(path)
    sheet = workbook.add_worksheet("Données")
    bold = workbook.add_format({"bold": True})
    day = workbook.add_format({"num_format": "dd/mm/yyyy"})
    stamp = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    sheet.write_row(0, 0, ["a", "b", "c"])
    sheet.write(1, 0, True)
    sheet.write(1, 1, False)
    sheet.write_number(1, 2, 0.1 + 0.2)
    sheet.write_datetime(2, 0, dt.datetime(2024, 1, 15), day)
    sheet.write_datetime(2, 1, dt.datetime(2024, 1, 15, 13, 30), stamp)
    sheet.write_datetime(2, 2, dt.time(13, 30), workbook.add_format({"num_format": "hh:mm"}))
    sheet.write_formula(3, 0, "=1+2", None, 3)
    sheet.write_formula(3, 1, '="x"&"y"', None, "xy")
    sheet.write_rich_string(3, 2, "plain ", bold, "bold", " end")
    sheet.write_number(4, 0, 1234567890123)
    sheet.write_number(4, 1, -12.5)
    sheet.write_string(4, 2, "  spaced  ")
    sheet.write_number(5, 0, 1.5, workbook.add_format({"num_format": "[h]:mm:ss"}))
    sheet.write_string(5, 5, "far")
    sheet.write_string(7, 1, "after a gap")
    sheet.write_number(8, 1, 45000, day)
    sheet.write_formula(8, 2, "=1/0", None, "#DIV/0!")
    sheet.write_string(9, 0, "Ünïcödé €")
    sheet.write_number(9, 1, 1e20)
    workbook.close()


def _kinds_workbook_openpyxl(path: Path) -> None:
    import datetime as dt

    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in (
        ["N° facture", "Client", "Date", "Montant"],
        ["F-1", "Martin", dt.date(2024, 1, 15), 12.5],
        [1002, "Dupont", dt.datetime(2024, 2, 1, 9, 30), -3],
        [None, None, None, None],
        ["F-3", '=CONCAT("a","b")', "16/01/2024", 0.3],
    ):
        sheet.append(row)
    workbook.save(path)


@pytest.mark.parametrize("write", [_kinds_workbook_xlsxwriter, _kinds_workbook_openpyxl])
def test_the_workbook_reader_gives_what_openpyxl_gave(tmp_path, write):
    import openpyxl

    path = tmp_path / "kinds.xlsx"
    write(path)
    sheet = openpyxl.load_workbook(path, read_only=True, data_only=True).worksheets[0]
    sheet.reset_dimensions()
    expected = []
    for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
        texts = [value_text(v) for v in row]
        while texts and texts[-1] == "":
            texts.pop()
        if texts:
            expected.append((number, texts))
    read = read_sheet(path, None)
    assert list(zip(read.numbers, read.rows)) == expected


def test_a_workbook_escape_is_read_as_the_character_excel_shows():
    from kpi.importers.workbook import _unescape

    assert _unescape("a_x000D_b") == "a\rb"
    assert _unescape("_x005F_x0041_") == "_x0041_"  # how Excel writes a literal « _x0041_ »
    assert _unescape("_xD800_") == "_xD800_"  # half a surrogate pair stays as written


def test_a_sheet_declaring_a_whole_sheet_allocates_nothing_for_it(tmp_path):
    path = tmp_path / "bomb.xlsx"
    path.write_bytes((CORPUS / "xlsx_dimension_bomb_invoices.xlsx").read_bytes())
    read = read_sheet(path, None)
    assert read.numbers == [1, 2, 3] and max(len(r) for r in read.rows) == 6


def test_an_old_excel_workbook_under_a_new_name_is_read(tmp_path):
    """A .xls that is in fact an XLSX (software that keeps the old name) is read as what it is."""
    path = tmp_path / "factures.xls"
    path.write_bytes((CORPUS / "xlsx_dimension_bomb_invoices.xlsx").read_bytes())
    assert read_files([path]).ledger.documents.num_rows == 2


def test_zip_entries_inflating_beyond_what_they_declare_are_cut_and_refused(tmp_path):
    data = (CORPUS / "xlsx_lying_sizes.xlsx").read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.getinfo("xl/worksheets/sheet1.xml").file_size == 300
    path = tmp_path / "f.xlsx"
    path.write_bytes(data)
    with pytest.raises(ImportFailed, match="fichier abîmé"):
        read_files([path])


def test_a_machine_short_of_memory_gets_a_message_not_a_memory_error(large_files):
    """Within the limits a file fits in memory; when the machine has less, the refusal says so."""
    child = textwrap.dedent("""
        import resource, sys
        from pathlib import Path
        from kpi.importers import ImportFailed, read_files
        read_files([Path(sys.argv[1]) / "csv_cr_only.csv"])
        status = dict(line.split(":", 1) for line in Path("/proc/self/status").read_text().splitlines() if ":" in line)
        held = int(status["VmPeak"].split()[0]) * 1024
        resource.setrlimit(resource.RLIMIT_AS, (held + (16 << 20), resource.RLIM_INFINITY))
        try:
            read_files([Path(sys.argv[2])])
        except ImportFailed as failed:
            print(failed.issues[0])
    """)
    run = subprocess.run(
        [sys.executable, "-c", child, str(CORPUS), str(large_files["csv_too_many_rows.csv"])],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=SECONDS,
    )
    assert run.returncode == 0 and "Traceback" not in run.stderr, run.stderr[-2000:]
    # Memory freed by the warm-up may be enough for Arrow to read on, up to the rows' limit: a refusal either way.
    assert run.stdout.startswith(
        (
            "csv_too_many_rows.csv : mémoire insuffisante pour lire ce fichier",
            "csv_too_many_rows.csv : 2 000 001 lignes",
        )
    ), run.stdout


@pytest.mark.parametrize("error", [MemoryError, pa.ArrowMemoryError])
def test_memory_running_out_while_reading_is_a_refusal(error, monkeypatch):
    from kpi.importers import tables

    def short_of_memory(*_):
        raise error("malloc failed")

    monkeypatch.setattr(tables, "_open_delimited", short_of_memory)
    with pytest.raises(ImportFailed, match="mémoire insuffisante pour lire ce fichier de"):
        read_files([CORPUS / "csv_cr_only.csv"])


def test_an_indented_sheet_with_rich_text_phonetics_and_formulas_reads_as_excel_shows_it(tmp_path):
    sheet = (
        generate.SHEET_OPEN.format(dimension="")
        + """
      <row r="1">
        <c r="A1" t="inlineStr"><is><t>N° facture</t></is></c>
        <c r="B1" t="inlineStr"><is><r><t>Cl</t></r><r><t xml:space="preserve"> </t></r><r><t>ient</t></r></is></c>
        <c r="C1" t="inlineStr"><is><t>Date facture</t></is></c>
        <c r="D1" t="inlineStr"><is><t>Montant TTC</t></is></c>
      </row>
      <row r="2">
        <c r="A2"><v>1001</v></c>
        <c r="B2" t="inlineStr"><is><t>Martin</t><rPh sb="0" eb="1"><t>マ</t></rPh></is></c>
        <c r="C2" s="1">
          <v>46037</v>
        </c>
        <c r="D2"><f>SUM(10,2.5)</f><v>12.5</v></c>
      </row>
    """
        + generate.SHEET_CLOSE
    ).encode()
    path = tmp_path / "indented.xlsx"
    path.write_bytes(generate.raw_zip(generate.workbook_parts([sheet])))
    table = open_table(path)
    assert table.headers == ("N° facture", "Cl ient", "Date facture", "Montant TTC")
    assert table.cells.to_pylist() == [
        {"N° facture": "1001", "Cl ient": "Martin", "Date facture": "2026-01-15", "Montant TTC": "12.50"}
    ]
