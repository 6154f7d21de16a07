"""Times read_files on a generated French invoice list (`;`, cp1252, decimal comma) of N rows; prints figures."""

from __future__ import annotations

import random
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from kpi.importers import read_files


def write_invoice_list(path: Path, rows: int) -> None:
    rng = random.Random(7)
    start = date(2022, 1, 1)
    with path.open("w", encoding="cp1252", newline="") as out:
        out.write(
            "N° facture;Code client;Client;Activité;Date facture;Date échéance;Montant TTC;Date règlement;"
            "Montant réglé\r\n"
        )
        for number in range(rows):
            issue = start + timedelta(days=rng.randrange(900))
            cents = rng.randrange(1, 2_000_000)
            amount = f"{cents // 100:,}".replace(",", "\u00a0") + f",{cents % 100:02d}"
            paid = issue + timedelta(days=rng.randrange(5, 90)) if rng.random() < 0.7 else None
            out.write(
                f"F{number:08d};C{number % 5000:05d};Client n°{number % 5000};Activité {number % 7};"
                f"{issue:%d/%m/%Y};{issue + timedelta(days=30):%d/%m/%Y};{amount};"
                f"{paid.strftime('%d/%m/%Y') if paid else ''};\r\n"
            )


def main(rows: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "factures.csv"
        began = time.perf_counter()
        write_invoice_list(path, rows)
        written = time.perf_counter() - began
        began = time.perf_counter()
        result = read_files([path])
        elapsed = time.perf_counter() - began
        file = result.report.files[0]
        print(f"rows={rows} file={path.stat().st_size / 1e6:.1f} MB (written in {written:.1f} s)")
        print(
            f"read_files: {elapsed:.2f} s, {rows / elapsed:,.0f} rows/s; documents={result.ledger.documents.num_rows}"
            f" settlements={result.ledger.settlements.num_rows} reconciled={file.reconciled}"
        )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)
