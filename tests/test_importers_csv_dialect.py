"""Encodings and separators of the CSV files people export, and the rows they see in a spreadsheet."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kpi.importers import read_files
from kpi.importers.dialect import decode, detect_separator
from kpi.importers.tables import open_table

ROWS = [
    "N° facture{s}Client{s}Date facture{s}Montant TTC",
    "F-1{s}Société Générale Éts{s}15/01/2024{s}1 234,50",
    "F-2{s}Œuvre & Cie{s}16/01/2024{s}99,90",
]


def write(tmp_path, name, separator, encoding, bom=b""):
    path = tmp_path / name
    path.write_bytes(bom + "\r\n".join(r.format(s=separator) for r in ROWS).encode(encoding))
    return path


@pytest.mark.parametrize("separator", [";", ",", "\t", "|"])
@pytest.mark.parametrize(
    ("encoding", "bom"), [("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"), ("cp1252", b""), ("iso-8859-15", b"")]
)
def test_every_separator_and_encoding_reads_the_same(tmp_path, separator, encoding, bom):
    if separator == ",":
        ROWS_COMMA = [r.replace("1 234,50", '"1 234,50"').replace("99,90", '"99,90"') for r in ROWS]
        path = tmp_path / "f.csv"
        path.write_bytes(bom + "\r\n".join(r.format(s=separator) for r in ROWS_COMMA).encode(encoding))
    else:
        path = write(tmp_path, "f.csv", separator, encoding, bom)
    result = read_files([path])
    documents = result.ledger.documents.to_pylist()
    assert [d["customer_name"] for d in documents] == ["Société Générale Éts", "Œuvre & Cie"]
    assert [d["amount"] for d in documents] == [Decimal("1234.50"), Decimal("99.90")]


def test_encoding_detection():
    assert decode("é€".encode()).encoding == "utf-8"
    assert decode(b"\xef\xbb\xbfx").encoding == "utf-8-sig"
    assert decode("Œuvre 12 €".encode("cp1252")).encoding == "cp1252"
    assert decode("Œuvre 12 €".encode("iso-8859-15")).text == "Œuvre 12 €"
    assert decode("Société".encode("latin-1")).text == "Société"


def test_stray_bytes_in_utf8_are_replaced_and_reported(tmp_path):
    path = tmp_path / "f.csv"
    path.write_bytes(
        b"N\xc2\xb0 facture;Client;Date facture;Montant TTC\nF-1;\xc3\x89ts Dupr\xc3\xa9;"
        b"15/01/2024;10,00\nF-2;Dupr\xe9;15/01/2024;10,00\n"
    )  # one cp1252 'é' among UTF-8
    result = read_files([path])
    names = result.ledger.documents.column("customer_name").to_pylist()
    assert names == ["Éts Dupré", "Dupr\ufffd"]
    assert any("illisible" in w.message and w.row == 3 for w in result.report.warnings)


def test_separator_detection_ignores_separators_inside_quotes():
    assert detect_separator('a;b;c\n"1,5";"2,5";x\n') == ";"
    assert detect_separator("a,b\n1,2\n") == ","
    assert detect_separator("a\tb|c\n1\t2|3\n") == "\t"


def test_trailing_separator_and_padding_are_dropped(tmp_path):
    path = tmp_path / "f.txt"
    path.write_text(
        "N° facture|Client   |Date facture|Montant TTC|\nF-1  |Martin   |20240115|0000000010,00|\n", encoding="utf-8"
    )
    table = open_table(path)
    assert table.headers == ("N° facture", "Client", "Date facture", "Montant TTC")
    assert table.cells.to_pylist() == [
        {"N° facture": "F-1", "Client": "Martin", "Date facture": "20240115", "Montant TTC": "0000000010,00"}
    ]


def test_rows_are_those_a_spreadsheet_shows(tmp_path):
    path = tmp_path / "f.csv"
    path.write_text(
        'N° facture;Client;Date facture;Montant TTC\nF-1;"Martin\net fils";15/01/2024;10,00\n\n'
        "F-2;Dupont;15/01/2024;1O,00\n",
        encoding="utf-8",
    )
    table = open_table(path)
    assert table.rows.tolist() == [2, 4]
    with pytest.raises(Exception) as refused:
        read_files([path])
    assert refused.value.issues[0].row == 4


def test_options_force_encoding_and_separator(tmp_path):
    path = write(tmp_path, "f.csv", ";", "cp1252")
    result = read_files([path], encoding="cp1252", delimiter=";")
    assert result.report.files[0].source["encoding"] == "cp1252"
    assert result.report.files[0].source["separator"] == "point-virgule"
