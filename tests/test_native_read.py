"""kpi/store/native.py: canonical files read by DuckDB itself give the tables, import reports and messages of
the Python readers, and the fast path is really taken on clean files.

`ENCOURS_NATIVE_READ=0` turns the fast path off: every comparison below reads the same files both ways.
"""

from __future__ import annotations

import json
import shutil
from datetime import date
from decimal import Decimal
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from ledgers import STORED_TABLES, random_ledgers
from sample_files import DATA, MATCHING_FILES, WORKED_FILES

from kpi.importers import ImportFailed, read_files
from kpi.importers.reading import expand_paths
from kpi.store import native
from kpi.store.ledger import Ledger
from kpi.store.sources import open_sources
from kpi.store.workspace import Workspace
from kpi.text.errors import DiskFull
from kpi.text.messages import Message

DEMO = Path(__file__).resolve().parent.parent / "data" / "demo"
DEMO_FILES = [DEMO / "documents.csv", DEMO / "settlements.csv"]
BAD = DATA / "bad"
BAD_CASES = json.loads((BAD / "EXPECTED.json").read_text(encoding="utf-8"))

DOCUMENTS = """document_id,customer_id,customer_name,activity,issue_date,due_date,amount
F-1,C1,Alpha SARL,Services,2026-01-05,2026-02-04,1000.00
F-2,C1,Alpha SARL,Produits,2026-01-20,2026-02-19,500.00
A-1,C1,Alpha SARL,Services,2026-01-25,2026-02-24,-200.00
F-3,C2,Bêta & Fils – l’atelier,Services,2026-02-01,2026-03-03,750.50
F-4,C3,TotalEnergies Négoce,Négoce,2026-02-10,2026-03-12,300.00
"""
SETTLEMENTS = """settlement_id,document_id,customer_id,date,amount,kind,source_document_id
P-1,F-1,C1,2026-02-01,1000.00,cash,
P-2,F-2,C1,2026-02-15,200.00,cash,
C-1,F-2,C1,2026-02-16,200.00,credit,A-1
P-3,,C2,2026-02-20,50.00,cash,
W-1,F-3,C2,2026-03-01,100.00,writeoff,
"""


def write_pair(
    directory: Path,
    documents: str = DOCUMENTS,
    settlements: str = SETTLEMENTS,
    names: tuple[str, str] = ("documents.csv", "settlements.csv"),
) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    paths = [directory / names[0], directory / names[1]]
    for path, text in zip(paths, (documents, settlements)):
        path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return paths


# --- comparing both paths --------------------------------------------------------------------------------


def contents(ledger: Ledger) -> dict:
    """Every table of a ledger: its columns and types, and its rows in key order (the Python path's own row
    order is not the files' either, as insert_canonical filters and joins)."""
    found = {}
    for table in STORED_TABLES:
        columns = [(name, kind) for name, kind, *_ in ledger.query(f"DESCRIBE {table}").fetchall()]
        found[table] = (columns, sorted(ledger.query(f"SELECT * FROM {table}").fetchall(), key=repr))
    return found


def issue_facts(issue) -> tuple:
    message = issue.message
    params = getattr(message, "params", None)
    return (
        issue.file,
        getattr(message, "key", None),
        repr(params) if params is not None else str(message),
        issue.row,
        issue.column,
        issue.value,
        issue.severity,
        issue.remedy,
        issue.render("fr"),
        issue.render("en"),
    )


def report_facts(report) -> tuple:
    return (
        report.to_dict(),
        report.to_text("fr"),
        report.to_text("en"),
        [issue_facts(w) for w in report.warnings],
        [[issue_facts(w) for w in f.warnings] for f in report.files],
        [[(getattr(e, "key", None), repr(getattr(e, "params", e))) for e in f.explanations] for f in report.files],
    )


def failure_facts(error: BaseException) -> tuple:
    if isinstance(error, ImportFailed):
        return (
            type(error).__name__,
            [issue_facts(i) for i in error.issues],
            [issue_facts(i) for i in error.warnings],
            error.render("fr"),
            error.render("en"),
        )
    return type(error).__name__, str(error)


def outcome(action):
    try:
        return "ok", action()
    except (ImportFailed, ValueError, OSError) as error:
        return "refused", failure_facts(error)


def read_both(paths, monkeypatch, **options):
    """What `open_sources` gives with the fast path and without: (native ledger or None, both outcomes)."""
    fast = native.read_ledger(paths, **options)
    monkeypatch.delenv(native.SWITCH, raising=False)
    with_fast = outcome(lambda: contents(open_sources(paths, **options)))
    monkeypatch.setenv(native.SWITCH, "0")
    without = outcome(lambda: contents(open_sources(paths, **options)))
    monkeypatch.delenv(native.SWITCH)
    return fast, with_fast, without


def assert_same_ledger(paths, monkeypatch, *, fast_path: bool, **options) -> None:
    fast, with_fast, without = read_both(paths, monkeypatch, **options)
    assert (fast is not None) == fast_path
    assert with_fast == without
    if fast is not None:
        assert contents(fast) == contents(Ledger.in_memory(read_files(paths, **options).ledger))


class Spy:
    """Records what native.prepare and native.store answered, so a test can tell the fast path stored the files."""

    def __init__(self, monkeypatch):
        self.answers = []
        for name in ("prepare", "store"):
            monkeypatch.setattr(native, name, self._spying(name, getattr(native, name)))

    def _spying(self, name, real):
        def spying(*args, **kwargs):
            answer = real(*args, **kwargs)
            self.answers.append((name, answer is not None))
            return answer

        return spying

    @property
    def taken(self) -> bool:
        """Whether the last import was stored (or found stored) by the fast path."""
        return self.answers[-2:] == [("prepare", True), ("store", True)]


def stored_facts(stored) -> tuple:
    return (
        stored.import_id,
        stored.already_imported,
        stored.documents,
        stored.settlements,
        stored.skipped_identical,
        stored.activity_rows,
        report_facts(stored.report),
    )


def workspace_facts(path: Path) -> dict:
    connection = duckdb.connect(str(path / "ledger.duckdb"), read_only=True)
    try:
        return {
            "documents": sorted(connection.execute("SELECT * FROM documents").fetchall(), key=repr),
            "settlements": sorted(connection.execute("SELECT * FROM settlements").fetchall(), key=repr),
            "imports": connection.execute("SELECT * EXCLUDE (imported_at) FROM imports ORDER BY import_id").fetchall(),
        }
    finally:
        connection.close()


def import_both(tmp_path: Path, monkeypatch, batches: list[list[Path]], **options):
    """Each batch imported in turn into a workspace with the fast path, and into another without: the outcome of
    each import, whether the fast path stored the last one, and both workspaces' rows."""
    results = {}
    for mode in ("fast", "python"):
        workspace = Workspace(tmp_path / f"workspace-{mode}")
        if mode == "python":
            monkeypatch.setenv(native.SWITCH, "0")
        spy = Spy(monkeypatch)
        outcomes = [
            outcome(lambda batch=batch, workspace=workspace: stored_facts(workspace.import_files(batch, **options)))
            for batch in batches
        ]
        monkeypatch.delenv(native.SWITCH, raising=False)
        rows = workspace_facts(workspace.path) if workspace.exists() else None
        results[mode] = (outcomes, spy.taken, rows)
    return results


def assert_same_imports(tmp_path, monkeypatch, batches, *, fast_path: bool, **options) -> None:
    results = import_both(tmp_path, monkeypatch, batches, **options)
    (fast_outcomes, taken, fast_rows), (python_outcomes, python_taken, python_rows) = results["fast"], results["python"]
    assert not python_taken
    assert taken == fast_path
    assert fast_outcomes == python_outcomes
    assert fast_rows == python_rows


# --- the fast path is taken on clean canonical files, and changes nothing ------------------------------


def test_the_demo_pair_is_read_by_duckdb_as_the_python_readers_read_it(monkeypatch):
    assert_same_ledger(DEMO_FILES, monkeypatch, fast_path=True)


def test_the_demo_pair_is_imported_by_duckdb_with_the_same_rows_and_report(tmp_path, monkeypatch):
    # The demo holds overpayments: their warning and the report's explanation are worded by the fast path.
    assert_same_imports(tmp_path, monkeypatch, [DEMO_FILES], fast_path=True)


def test_the_matching_example_with_credit_applications(tmp_path, monkeypatch):
    assert_same_ledger(MATCHING_FILES, monkeypatch, fast_path=True)
    assert_same_imports(tmp_path, monkeypatch, [MATCHING_FILES], fast_path=True)


def test_the_worked_example_quotes_a_name_and_goes_through_the_python_readers(tmp_path, monkeypatch):
    assert_same_ledger(WORKED_FILES, monkeypatch, fast_path=False)
    assert_same_imports(tmp_path, monkeypatch, [WORKED_FILES], fast_path=False)


def test_report_on_files_takes_the_fast_path(monkeypatch):
    """`python -m kpi report FILES` reads the demo pair without the importers' Python readers."""
    calls = []
    monkeypatch.setattr("kpi.importers.read_files", lambda *a, **k: calls.append(a) or read_files(*a, **k))
    ledger = open_sources(DEMO_FILES)
    assert calls == [] and ledger.counts() == {"documents": 5156, "settlements": 5242}


def test_the_switch_turns_the_fast_path_off(monkeypatch):
    monkeypatch.setenv(native.SWITCH, "0")
    assert native.plan(DEMO_FILES, {}) is None
    monkeypatch.setenv(native.SWITCH, "1")
    assert native.plan(DEMO_FILES, {}) is not None


# Changes of the small pair that the fast path reads itself, reproducing any warning they bring.
TAKEN = {
    "base (late payments, credit application, unapplied cash, write-off)": (lambda d: d, lambda s: s),
    "whole and one-decimal amounts": (
        lambda d: d.replace("1000.00", "1000").replace("750.50", "750.5"),
        lambda s: s.replace("1000.00", "1000"),
    ),
    "overpaid invoice": (
        lambda d: d,
        lambda s: s.replace("P-1,F-1,C1,2026-02-01,1000.00", "P-1,F-1,C1,2026-02-01,1200.00"),
    ),
    "cash on a credit note": (lambda d: d, lambda s: s + "P-9,A-1,C1,2026-02-02,10.00,cash,\n"),
    "credit note beyond what its invoice had left": (
        lambda d: (
            d
            + "F-5,C4,Delta,Services,2026-02-05,2026-03-07,100.00\nA-2,C4,Delta,Services,2026-02-06,2026-03-08,-150.00\n"
        ),
        lambda s: s + "C-2,F-5,C4,2026-02-07,150.00,credit,A-2\n",
    ),
    "documents without activity": (lambda d: d.replace(",Négoce,", ",,").replace(",Produits,", ",,"), lambda s: s),
    "credit note due before its issue": (
        lambda d: d.replace("2026-01-25,2026-02-24,-200.00", "2026-01-25,2026-01-20,-200.00"),
        lambda s: s,
    ),
    "customer name empty": (lambda d: d.replace("C3,TotalEnergies Négoce,", "C3,,"), lambda s: s),
    "no final line feed": (lambda d: d.rstrip("\n"), lambda s: s.rstrip("\n")),
    "no payment after the last invoice": (
        lambda d: d + "F-6,C1,Alpha SARL,Services,2026-04-01,2026-05-01,10.00\n",
        lambda s: s,
    ),
    "due_date_derived column, ignored": (
        lambda d: (
            "\n".join(
                line + (",due_date_derived" if i == 0 else ",true" if i % 2 else ",false")
                for i, line in enumerate(d.rstrip("\n").split("\n"))
            )
            + "\n"
        ),
        lambda s: s,
    ),
    "pair written before credit applications": (
        lambda d: d,
        lambda s: (
            "\n".join(line.rsplit(",", 1)[0] for line in s.rstrip("\n").split("\n") if ",credit," not in line) + "\n"
        ),
    ),
}


@pytest.mark.parametrize("case", sorted(TAKEN))
def test_clean_variants_are_read_and_imported_by_duckdb(case, tmp_path, monkeypatch):
    assert_both_paths_agree(TAKEN[case], tmp_path, monkeypatch, fast_path=True)


def assert_both_paths_agree(changes, tmp_path, monkeypatch, *, fast_path: bool) -> None:
    """The pair changed by `changes` (documents, settlements) gives the same ledger and the same import either
    way, through DuckDB's reading when `fast_path`, else through the Python readers."""
    change_documents, change_settlements = changes
    paths = write_pair(tmp_path / "files", change_documents(DOCUMENTS), change_settlements(SETTLEMENTS))
    assert_same_ledger(paths, monkeypatch, fast_path=fast_path)
    assert_same_imports(tmp_path, monkeypatch, [paths], fast_path=fast_path)


def test_the_report_words_the_warnings_the_fast_path_reproduces(tmp_path, monkeypatch):
    """The cases above do bring those warnings: the comparisons are not between two silences."""
    documents = DOCUMENTS.replace(",Négoce,", ",,").replace(
        "2026-01-25,2026-02-24,-200.00", "2026-01-25,2026-01-20,-200.00"
    )
    settlements = SETTLEMENTS.replace("1000.00,cash", "1200.00,cash") + "P-9,A-1,C1,2026-02-02,10.00,cash,\n"
    stored = Workspace(tmp_path / "workspace").import_files(write_pair(tmp_path / "files", documents, settlements))
    keys = [w.key for w in stored.report.warnings]
    assert keys == [
        "ledger.overpaid_invoice",
        "ledger.late_payments",
        "invoices.credit_notes_due_early",
        "invoices.no_activity",
    ]


def test_files_given_in_any_order_and_split_in_several(tmp_path, monkeypatch):
    lines = DOCUMENTS.splitlines(keepends=True)
    first = write_pair(tmp_path / "a", "".join(lines[:3]), SETTLEMENTS, ("documents-1.csv", "settlements-1.csv"))
    second = write_pair(
        tmp_path / "b",
        lines[0] + "".join(lines[3:]),
        SETTLEMENTS.splitlines(keepends=True)[0] + "P-4,F-4,C3,2026-03-01,300.00,cash,\n",
        ("documents-2.csv", "settlements-2.csv"),
    )
    paths = [first[1], second[0], first[0], second[1]]
    assert_same_ledger(paths, monkeypatch, fast_path=True)
    assert_same_imports(tmp_path, monkeypatch, [paths], fast_path=True)


def test_parquet_pair_of_the_canonical_schema(tmp_path, monkeypatch):
    paths = []
    for csv in DEMO_FILES:
        table = duckdb.connect().sql(f"SELECT * FROM read_csv('{csv}', all_varchar = true)").to_arrow_table()
        table = table.cast(_canonical_schema(table.column_names))
        paths.append(tmp_path / csv.with_suffix(".parquet").name)
        pq.write_table(table, paths[-1])
    assert_same_ledger(paths, monkeypatch, fast_path=True)
    assert_same_imports(tmp_path, monkeypatch, [paths], fast_path=True)


def _canonical_schema(names: list[str]) -> pa.Schema:
    kinds = {"issue_date": pa.date32(), "due_date": pa.date32(), "date": pa.date32(), "amount": pa.decimal128(18, 2)}
    return pa.schema([(name, kinds.get(name, pa.string())) for name in names])


def test_parquet_with_timestamps_goes_through_the_python_readers(tmp_path, monkeypatch):
    table = pq.read_table(_parquet_demo(tmp_path)[0])
    table = table.set_column(4, "issue_date", table.column("issue_date").cast(pa.timestamp("ms")))
    pq.write_table(table, tmp_path / "documents.parquet")
    assert native.plan([tmp_path / "documents.parquet", tmp_path / "settlements.parquet"], {}) is None


def _parquet_demo(tmp_path: Path) -> list[Path]:
    paths = []
    for csv in DEMO_FILES:
        table = duckdb.connect().sql(f"SELECT * FROM read_csv('{csv}', all_varchar = true)").to_arrow_table()
        paths.append(tmp_path / csv.with_suffix(".parquet").name)
        pq.write_table(table.cast(_canonical_schema(table.column_names)), paths[-1])
    return paths


def test_a_generated_ledger_of_some_size(tmp_path, monkeypatch):
    from kpi.demo.files import write_demo

    documents, settlements = write_demo(tmp_path / "files", invoices=20_000, customers=300, seed=7)
    assert_same_ledger([documents, settlements], monkeypatch, fast_path=True)
    assert_same_imports(tmp_path, monkeypatch, [[documents, settlements]], fast_path=True)


def _write_random(directory: Path, ledger) -> tuple[list[Path], list[Path]]:
    connection = duckdb.connect()
    parquet = [directory / "documents.parquet", directory / "settlements.parquet"]
    csv = [directory / "documents.csv", directory / "settlements.csv"]
    for table, parquet_path, csv_path in zip((ledger.documents, ledger.settlements), parquet, csv):
        pq.write_table(table, parquet_path)
        connection.register("rows", table)
        connection.execute(f"COPY rows TO '{csv_path}' (HEADER)")
        connection.unregister("rows")
    return parquet, csv


# Each example reads or imports its files several ways (both paths, both formats): a share of the profile's examples
# (tests/conftest.py), 6 and 4 in CI.
RANDOM = settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


@settings(RANDOM, max_examples=max(1, RANDOM.max_examples * 3 // 10))
@given(random_ledgers())
def test_random_ledgers_read_in_memory(tmp_path_factory, monkeypatch, ledger):
    """Whatever the ledger (overpayments, credit notes applied or not, unapplied cash…), both paths agree; CSV
    names with a quote make the Python readers read them, Parquet ones are read by DuckDB."""
    for paths in _write_random(tmp_path_factory.mktemp("random"), ledger):
        fast, with_fast, without = read_both(paths, monkeypatch)
        assert with_fast == without
        if fast is not None:
            assert contents(fast) == contents(Ledger.in_memory(read_files(paths).ledger))


@settings(RANDOM, max_examples=max(1, RANDOM.max_examples // 5))
@given(random_ledgers())
def test_random_ledgers_imported(tmp_path_factory, monkeypatch, ledger):
    directory = tmp_path_factory.mktemp("random")
    parquet, _ = _write_random(directory, ledger)
    results = import_both(directory, monkeypatch, [parquet])
    assert results["fast"][0] == results["python"][0] and results["fast"][2] == results["python"][2]


# --- anything unusual goes through the Python readers, which give their messages -------------------------

# Each change is made to the documents file, to the settlements file, or to both.
CHANGED_DOCUMENTS = {
    "three decimals": lambda d: d.replace("500.00", "500.005"),
    "exponent": lambda d: d.replace("500.00", "5e2"),
    "plus sign": lambda d: d.replace("500.00", "+500.00"),
    "leading zero": lambda d: d.replace("500.00", "0500.00"),
    "decimal comma": lambda d: d.replace("1000.00", '"1000,00"'),
    "space before an amount": lambda d: d.replace(",500.00", ", 500.00"),
    "duplicate document, same content": lambda d: d + d.splitlines(keepends=True)[1],
    "duplicate document, other content": lambda d: d + "F-1,C1,Alpha SARL,Services,2026-01-05,2026-02-04,999.00\n",
    "blank customer of a document": lambda d: d.replace("F-4,C3,", "F-4,,"),
    "blank document id": lambda d: d.replace("F-4,C3,", ",C3,"),
    "blank due date": lambda d: d.replace("2026-03-12,300.00", ",300.00"),
    "quoted separator": lambda d: d.replace("Alpha SARL,Services,2026-01-05", '"Alpha, SARL",Services,2026-01-05'),
    "quote inside a name": lambda d: d.replace("Alpha SARL,Services,2026-01-05", 'Alpha "SARL",Services,2026-01-05'),
    "BOM": lambda d: "\ufeff" + d,
    "trailing separator on one line": lambda d: d.replace("300.00\n", "300.00,\n"),
    "blank line": lambda d: d.replace("500.00\n", "500.00\n\n"),
    "blank lines at the end": lambda d: d + "\n\n",
    "tab in a name": lambda d: d.replace("Alpha SARL,Produits", "Alpha\tSARL,Produits"),
    "no-break space in a name": lambda d: d.replace("Alpha SARL,Produits", "Alpha\u00a0SARL,Produits"),
    "zero-width space in an id": lambda d: d.replace("F-4,", "F-\u200b4,"),
    "control character": lambda d: d.replace("Alpha SARL,Produits", "Alpha\x1b[31mSARL,Produits"),
    "space at the end of a name": lambda d: d.replace("Alpha SARL,Produits", "Alpha SARL ,Produits"),
    "date without zeros": lambda d: d.replace("2026-02-10", "2026-2-10"),
    "date day first": lambda d: d.replace("2026-02-10", "10/02/2026"),
    "impossible date": lambda d: d.replace("2026-02-10", "2026-02-30"),
    "year out of range": lambda d: d.replace("2026-02-10", "1899-02-10"),
    "invoice due before its issue": lambda d: d.replace("2026-02-10,2026-03-12", "2026-02-10,2026-02-01"),
    "total row": lambda d: d + "Total,,,,2026-02-28,2026-02-28,2350.50\n",
    "id reading total": lambda d: d.replace("F-4,", "TOTAL-4,"),
    "columns in another order": lambda d: d.replace("customer_id,customer_name", "customer_name,customer_id"),
    "one more column": lambda d: (
        d.replace("amount\n", "amount,currency\n").replace(".00\n", ".00,EUR\n").replace(".50\n", ".50,EUR\n")
    ),
    "header in capitals": lambda d: d.replace("document_id", "Document_ID", 1),
    "invalid UTF-8": lambda d: d.encode("utf-8").replace(b"Gamma", b"G\xffmma").replace(b"Alpha", b"Alph\xe9"),
    "cp1252": lambda d: d.encode("cp1252", errors="replace"),
    "currency sign": lambda d: d.replace("300.00", "300.00 €"),
}
CHANGED_SETTLEMENTS = {
    "duplicate settlement": lambda s: s + "P-1,F-2,C1,2026-02-01,10.00,cash,\n",
    "unknown document": lambda s: s + "P-8,F-404,C1,2026-02-01,10.00,cash,\n",
    "other customer's invoice": lambda s: s + "P-8,F-1,C2,2026-02-01,10.00,cash,\n",
    "payment long before its invoice": lambda s: s + "P-8,F-4,C3,2026-01-01,10.00,cash,\n",
    "blank customer of a payment": lambda s: s.replace("P-2,F-2,C1,", "P-2,F-2,,"),
    "trailing empty fields": lambda s: s.replace("writeoff,\n", "writeoff,,\n"),
    "date with a time": lambda s: s.replace("2026-02-20", "2026-02-20 10:00"),
    "kind in capitals": lambda s: s.replace(",cash,", ",Cash,"),
    "kind in words": lambda s: s.replace(",writeoff,", ",passage en perte,"),
    "zero payment": lambda s: s.replace("50.00,cash", "0.00,cash"),
    "negative payment": lambda s: s.replace("50.00,cash", "-50.00,cash"),
    "credit note over-applied": lambda s: s + "C-9,F-1,C1,2026-02-16,150.00,credit,A-1\n",
    "credit note unknown": lambda s: s.replace(",credit,A-1", ",credit,A-404"),
    "credit without its credit note": lambda s: s.replace(",credit,A-1", ",credit,"),
    "credit note named on a payment": lambda s: s.replace(
        "P-2,F-2,C1,2026-02-15,200.00,cash,", "P-2,F-2,C1,2026-02-15,200.00,cash,A-1"
    ),
}
FALLS_BACK = {
    **{name: (change, lambda s: s) for name, change in CHANGED_DOCUMENTS.items()},
    **{name: (lambda d: d, change) for name, change in CHANGED_SETTLEMENTS.items()},
    "CRLF": (lambda d: d.replace("\n", "\r\n"), lambda s: s.replace("\n", "\r\n")),
    "header only": (lambda d: d.splitlines(keepends=True)[0], lambda s: s.splitlines(keepends=True)[0]),
}


# Once the fast path has declined, reading and importing are the Python readers' own code: that it declines is what each
# case checks (for a read and for an import). These, one a way of declining (a header, the bytes, a row's value, a row
# against another, an import against its own rows), are read and imported both ways in full besides.
COMPARED_IN_FULL = ("header only", "CRLF", "cp1252", "unknown document", "credit note over-applied", "total row")


@pytest.mark.parametrize("case", sorted(FALLS_BACK))
def test_unusual_files_go_through_the_python_readers_with_their_messages(case, tmp_path, monkeypatch):
    if case in COMPARED_IN_FULL:
        assert_both_paths_agree(FALLS_BACK[case], tmp_path, monkeypatch, fast_path=False)
        return
    change_documents, change_settlements = FALLS_BACK[case]
    paths = write_pair(tmp_path / "files", change_documents(DOCUMENTS), change_settlements(SETTLEMENTS))
    assert native.read_ledger(paths) is None
    spy = Spy(monkeypatch)
    outcome(lambda: Workspace(tmp_path / "workspace").import_files(paths))
    assert not spy.taken, spy.answers  # declined by the plan (no prepare) or by prepare itself


def test_the_cases_compared_in_full_are_cases():
    assert set(COMPARED_IN_FULL) <= set(FALLS_BACK)


@pytest.mark.parametrize(
    "options",
    [
        {"layout": "canonical"},
        {"dayfirst": True},
        {"encoding": "utf-8"},
        {"delimiter": ","},
        {"decimal": "."},
        {"mapping": "mapping.json"},
        {"known_documents": {"F-0"}},
        {"no_such_option": 1},
        {"layout": "nonsense"},
    ],
)
def test_reading_options_send_files_to_the_python_readers(options, tmp_path, monkeypatch):
    paths = write_pair(tmp_path / "files")
    if "mapping" in options:
        (tmp_path / "mapping.json").write_text(
            json.dumps(
                {
                    "layout": "invoices",
                    "columns": {
                        "document_id": "document_id",
                        "customer_id": "customer_id",
                        "issue_date": "issue_date",
                        "amount": "amount",
                    },
                }
            )
        )
        options = {"mapping": tmp_path / "mapping.json"}
    assert native.plan(paths, options) is None
    if "known_documents" not in options and "no_such_option" not in options:
        assert_same_ledger(paths, monkeypatch, fast_path=False, **options)


@pytest.mark.parametrize(
    "options", [{"terms": "45eom"}, {"currency": "chf"}, {"tolerance_days": 40}, {"sheet": "Feuil1"}]
)
def test_options_that_change_nothing_keep_the_fast_path(options, tmp_path, monkeypatch):
    documents = DOCUMENTS
    if "tolerance_days" in options:  # a payment 30 days before its invoice: accepted within 40 days
        documents = DOCUMENTS.replace("F-1,C1,Alpha SARL,Services,2026-01-05", "F-1,C1,Alpha SARL,Services,2026-02-25")
        documents = documents.replace("2026-02-25,2026-02-04", "2026-02-25,2026-03-27")
    paths = write_pair(tmp_path / "files", documents)
    assert_same_ledger(paths, monkeypatch, fast_path=True, **options)
    assert_same_imports(tmp_path, monkeypatch, [paths], fast_path=True, **options)


def test_a_saved_mapping_for_the_canonical_headers_sends_files_to_the_python_readers(tmp_path):
    from kpi.importers.mapping import guess_mapping
    from kpi.importers.saved_mappings import save_mapping

    paths = write_pair(tmp_path / "files")
    headers = tuple(DOCUMENTS.splitlines()[0].split(","))
    save_mapping(tmp_path / "mappings", headers, guess_mapping(headers, "invoices"))
    assert native.plan(paths, {}) is not None
    assert native.plan(paths, {}, mappings_dir=tmp_path / "mappings") is None


def test_other_layouts_and_names_go_through_the_python_readers(tmp_path, monkeypatch):
    paths = write_pair(tmp_path / "files")
    renamed = tmp_path / "files" / "documents.txt"
    shutil.copy(paths[0], renamed)
    assert native.plan([renamed, paths[1]], {}) is None
    assert native.plan(sorted(DEMO.glob("*.csv")), {}) is None  # with the collection logs
    assert native.plan([paths[0], paths[0]], {}) is None  # the same file twice
    assert native.plan([tmp_path / "absent.csv"], {}) is None


@pytest.mark.parametrize("name", sorted(BAD_CASES))
def test_the_corpus_of_broken_files_gives_the_same_messages(name, tmp_path, monkeypatch):
    case = BAD_CASES[name]
    options = dict(case["options"])
    if "mapping" in options:
        options["mapping"] = BAD / options["mapping"]
    paths = expand_paths(BAD / name)
    fast, with_fast, without = read_both(paths, monkeypatch, **options)
    assert fast is None
    assert with_fast == without and with_fast[0] == "refused"
    results = import_both(tmp_path, monkeypatch, [[BAD / name]], **options)
    assert results["fast"] == results["python"]


# --- workspaces: stored rows are checked against and skipped as the Python path does ---------------------


def test_importing_the_same_files_again(tmp_path, monkeypatch):
    paths = write_pair(tmp_path / "files")
    assert_same_imports(tmp_path, monkeypatch, [paths, paths], fast_path=True)


def test_overlapping_files_skip_the_rows_stored_identically(tmp_path, monkeypatch):
    first = write_pair(tmp_path / "first")
    more = DOCUMENTS + "F-7,C2,Bêta & Fils – l’atelier,Services,2026-03-01,2026-03-31,80.00\n"
    second = write_pair(
        tmp_path / "second",
        more,
        SETTLEMENTS + "P-7,F-7,C2,2026-03-10,80.00,cash,\nP-6,F-2,C1,2026-03-10,100.00,cash,\n",
    )
    assert_same_imports(tmp_path, monkeypatch, [first, second], fast_path=True)


def test_a_stored_id_with_other_content_is_refused_by_the_python_path(tmp_path, monkeypatch):
    first = write_pair(tmp_path / "first")
    second = write_pair(tmp_path / "second", DOCUMENTS.replace("750.50", "760.50"))
    assert_same_imports(tmp_path, monkeypatch, [first, second], fast_path=False)


def test_payments_of_stored_invoices(tmp_path, monkeypatch):
    documents = write_pair(tmp_path / "first")[0]
    settlements = write_pair(tmp_path / "second", DOCUMENTS, SETTLEMENTS + "P-5,F-4,C3,2026-03-01,400.00,cash,\n")[1]
    assert_same_imports(tmp_path, monkeypatch, [[documents], [settlements]], fast_path=True)


def test_a_credit_note_over_applied_across_imports_is_refused_by_the_python_path(tmp_path, monkeypatch):
    """A-1 (200.00) gave its whole amount in the first import: 50.00 more in a second one is refused."""
    first = write_pair(tmp_path / "first")
    more = SETTLEMENTS.splitlines(keepends=True)[0] + "C-5,F-1,C1,2026-02-20,50.00,credit,A-1\n"
    second = write_pair(tmp_path / "second", DOCUMENTS, more)[1]
    assert_same_imports(tmp_path, monkeypatch, [first, [second]], fast_path=False)
    outcomes = import_both(tmp_path / "again", monkeypatch, [first, [second]])["fast"][0]
    assert [kind for kind, _ in outcomes] == ["ok", "refused"]


def test_the_workspace_currency_is_the_report_s(tmp_path, monkeypatch):
    paths = write_pair(tmp_path / "files")
    for mode in ("fast", "python"):
        workspace = Workspace(tmp_path / mode).create()
        workspace.save_settings({"currency": "CHF"})
    results = {}
    for mode in ("fast", "python"):
        if mode == "python":
            monkeypatch.setenv(native.SWITCH, "0")
        spy = Spy(monkeypatch)
        stored = Workspace(tmp_path / mode).import_files(paths)
        results[mode] = (report_facts(stored.report), spy.taken)
        monkeypatch.delenv(native.SWITCH, raising=False)
    assert results["fast"][0] == results["python"][0]
    assert results["fast"][1] and results["fast"][0][0]["currency"] == "CHF"


def test_a_refused_first_import_leaves_no_workspace(tmp_path):
    paths = write_pair(tmp_path / "files", DOCUMENTS, SETTLEMENTS + "P-8,F-404,C1,2026-02-01,10.00,cash,\n")
    with pytest.raises(ImportFailed):
        Workspace(tmp_path / "deep" / "workspace").import_files(paths)
    assert not (tmp_path / "deep").exists()


def test_the_ledger_read_natively_reports_the_spec_figures(monkeypatch):
    """The matching example's expected JSON (KPI-SPEC §5) from the fast path's ledger."""
    from kpi.metrics.report import period_report
    from kpi.model.periods import Period

    ledger = native.read_ledger(MATCHING_FILES)
    expected = json.loads((MATCHING_FILES[0].parent / "expected-2026-03.json").read_text())
    result = period_report(ledger, Period(date(2026, 3, 1), date(2026, 3, 31))).to_json_dict()
    for key, value in expected.items():
        assert result[key] == (
            value
            if value is None or (isinstance(value, (str, dict)) and key == "period")
            else pytest.approx(value, abs=1e-6)
        ), key


def test_dates_duckdb_takes_but_the_readers_do_not(tmp_path):
    """DuckDB casts '2026-02-1 ' or 'infinity' to a date; written back they are not the text read."""
    for text in ("2026-02-1 ", "infinity", "epoch", "2026-02-01 (BC)", "2026-02-01T00:00"):
        paths = write_pair(tmp_path / text.replace(" ", "_"), DOCUMENTS.replace("2026-02-10", text))
        assert native.read_ledger(paths) is None, text


def test_amounts_are_money_to_the_cent(tmp_path):
    """Sixteen digits before the point and cents, exactly (Σ |amounts| stays within DECIMAL(18,2))."""
    ledger = native.read_ledger(
        write_pair(
            tmp_path / "files",
            DOCUMENTS.replace("750.50", "9999999999990000.07").replace("-200.00", "-0.01"),
            SETTLEMENTS.replace(",credit,A-1", ",cash,"),
        )
    )
    amounts = dict(ledger.query("SELECT document_id, amount FROM documents").fetchall())
    assert amounts["F-3"] == Decimal("9999999999990000.07") and amounts["A-1"] == Decimal("-0.01")


def test_amounts_beyond_what_the_ledger_sums_go_through_the_python_readers(tmp_path, monkeypatch):
    documents = DOCUMENTS.replace("750.50", "9999999999999999.99").replace("300.00", "9999999999999999.99")
    paths = write_pair(tmp_path / "files", documents)
    assert_same_ledger(paths, monkeypatch, fast_path=False)


def test_messages_are_messages(tmp_path):
    """The reproduced warnings are catalogue messages, worded in both languages like the Python path's."""
    stored = Workspace(tmp_path / "workspace").import_files(DEMO_FILES)
    assert all(isinstance(w.message, Message) for w in stored.report.warnings)
    assert "overpayment" in stored.report.to_text("en") and "trop-perçu" in stored.report.to_text("fr")


def test_a_native_store_failing_for_want_of_space_is_rolled_back(tmp_path, monkeypatch):
    workspace = Workspace(tmp_path / "workspace")
    workspace.import_files(write_pair(tmp_path / "first"))
    before = workspace_facts(workspace.path)
    real_store = native._store

    def store_then_fail(*args):
        real_store(*args)  # every row inserted, then the disk is full
        raise duckdb.IOException('IO Error: Could not write file "ledger.duckdb.wal": No space left on device')

    monkeypatch.setattr(native, "_store", store_then_fail)
    with pytest.raises(DiskFull):
        workspace.import_files(DEMO_FILES)
    assert workspace_facts(workspace.path) == before


def test_an_import_stored_meanwhile_by_another_connection_sends_files_to_the_python_path(tmp_path, monkeypatch):
    """Checked against the workspace, then another connection of the process stores an import before this one
    begins its transaction: the check is stale, so the Python path reads the files again."""
    workspace = Workspace(tmp_path / "ws")
    workspace.import_files([write_pair(tmp_path / "first")[0]])
    settlements = write_pair(tmp_path / "second")[1]
    real_prepare, real_store = native.prepare, native.store
    stores = []

    def prepare_while_another_commits(connection, plan):
        prepared = real_prepare(connection, plan)
        other = duckdb.connect(str(workspace.database))  # the same database instance: no lock between them
        other.execute("INSERT INTO imports VALUES (99, now(), ['other.csv'], 'other', 0, 0, 0, 0, NULL)")
        other.close()
        return prepared

    monkeypatch.setattr(native, "prepare", prepare_while_another_commits)
    monkeypatch.setattr(native, "store", lambda *a: stores.append(a) or real_store(*a))
    stored = workspace.import_files([settlements])
    assert stores == [] and stored.import_id == 100 and stored.settlements == 5
