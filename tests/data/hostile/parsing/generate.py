"""Writes the hostile parsing corpus and EXPECTED.json: files a careless or malicious sender could give, each
either refused with the message, row, column and value a user needs, or accepted with its exact figures.

Classes: total rows (« Total » by shape and amount, never by a word in an id or a name), currencies and
signs inside amounts, dates (trailing text, two-digit years, due before issue, day/month order per
column), two columns for one field, the FEC (Sens, point decimals, unbalanced entries, two-sided
lines) and sums beyond DECIMAL(18,2).  Run `python tests/data/hostile/parsing/generate.py` after
changing a case; the files are committed so that the test reads exactly the bytes a user would give.
"""

from __future__ import annotations

import json
from pathlib import Path

HERE = Path(__file__).parent
HEADER = "N° facture;Code client;Client;Activité;Date facture;Date échéance;Montant TTC"
PAID_HEADER = HEADER + ";Date règlement;Montant réglé"
US_HEADER = "invoiceNumber,customerID,InvoiceDate,DueDate,InvoiceAmount,SettledDate"
FEC_HEADER = (
    "JournalCode\tJournalLib\tEcritureNum\tEcritureDate\tCompteNum\tCompteLib\tCompAuxNum\tCompAuxLib\t"
    "PieceRef\tPieceDate\tEcritureLib\tDebit\tCredit\tEcritureLet\tDateLet\tValidDate\tMontantdevise\tIdevise"
)
SENS_HEADER = "JournalCode\tEcritureNum\tEcritureDate\tCompteNum\tCompAuxNum\tPieceRef\tMontant\tSens\tEcritureLet"


def csv(*rows: str, header: str = HEADER, encoding: str = "cp1252") -> bytes:
    return ("\r\n".join([header, *rows]) + "\r\n").encode(encoding)


def fec(*rows: str, header: str = FEC_HEADER) -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode("utf-8")


def fec_line(number, day, account, debit="0,00", credit="0,00", aux="", piece="", journal="VE", letter=""):
    """One FEC line; an empty debit or credit is written as the other's zero, in the same decimal mark."""
    return (
        f"{journal}\t{journal}\t{number}\t{day}\t{account}\t{account}\t{aux}\t{aux and 'Client ' + aux}\t"
        f"{piece}\t{day}\tEcriture {number}\t{debit}\t{credit}\t{letter}\t\t{day}\t\t"
    )


def sale(number, day, amount, aux="C1", piece=None, net=None, vat=None, zero="0,00"):
    """A sale entry: 411 debit, 706 and 44571 credits (amounts as written)."""
    piece = piece or f"F{number}"
    return [
        fec_line(number, day, "411000", amount, zero, aux=aux, piece=piece),
        fec_line(number, day, "706000", zero, net, piece=piece),
        fec_line(number, day, "445710", zero, vat, piece=piece),
    ]


def _bad_files_writers():
    """The case builder, the workbook, Parquet and corpus writers of the bad-files corpus (tests/data/bad/generate.py)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("bad_generate", HERE.parents[1] / "bad" / "generate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.case, module.xlsx, module.two_invoices_parquet, module.write_corpus


case, xlsx, two_invoices_parquet, write_corpus = _bad_files_writers()


def invoice_mapping(amount: str) -> bytes:
    """A saved mapping of an invoice list naming the column its amount is read from."""
    columns = {
        "document_id": "N° facture",
        "customer_id": "Code client",
        "issue_date": "Date facture",
        "amount": amount,
    }
    return json.dumps({"layout": "invoices", "columns": columns}, ensure_ascii=False).encode("utf-8")


def invoice_list(*rows: str, header: str = HEADER, encoding: str = "cp1252") -> dict[str, bytes]:
    """A case's one file, the invoice list factures.csv of these rows."""
    return {"factures.csv": csv(*rows, header=header, encoding=encoding)}


def refused(
    message: str, row: int | None = None, column: str | None = None, value: str | None = None, **more: str
) -> dict:
    """A file refused with this message (a part of it), then where it points (row, column, value) as far as it
    says, then anything more the test checks (a remedy)."""
    where = {"row": row, "column": column, "value": value}
    return {
        "outcome": "refused",
        "message": message,
        **{key: part for key, part in where.items() if part is not None},
        **more,
    }


def accepted(documents: int, documents_total: str, **more: object) -> dict:
    """A file accepted with this many documents and their total, then any other figure the test checks."""
    return {"outcome": "accepted", "documents": documents, "documents_total": documents_total, **more}


def amount_twice_mapped_to(amount: str, expected: dict) -> tuple:
    """A case: an invoice list with two « Montant TTC » columns (100,00 then 120,00) read with a saved mapping
    (correspondance.json) that takes the amount from the column `amount` names."""
    files = {
        "factures.csv": csv("F-001;C1;M;S;25/01/2026;;100,00;120,00", header=HEADER + ";Montant TTC"),
        "correspondance.json": invoice_mapping(amount=amount),
    }
    return case(files, expected, mapping="correspondance.json")


def sale_with_sens(customer_sens: str, revenue_sens: str) -> dict[str, bytes]:
    """A FEC with a Sens column holding one sale of 120,00 to C1: its 411 line's Sens, then its 706 line's."""
    return {
        "FEC.txt": sens(
            ("VE", 1, "20260110", "411000", "C1", "F1", "120,00", customer_sens, ""),
            ("VE", 1, "20260110", "706000", "", "F1", "120,00", revenue_sens, ""),
        )
    }


def read_as_25_and_2_january(first: str, second: str) -> dict:
    """Accepted as two invoices due 30 days on: `first` issued on 25/01/2026 and paid (100,00) on 03/02/2026,
    `second` (50,00) issued on 02/01/2026: whatever order the file writes its days in, they read so."""
    return accepted(
        2,
        "150.00",
        settlements_total="100.00",
        dates={first: ["2026-01-25", "2026-02-24"], second: ["2026-01-02", "2026-02-01"]},
        paid={first: "2026-02-03"},
    )


def third_row_refused(first_two: tuple[str, ...], row: str, message: str, column: str, value: str) -> tuple:
    """A case: an invoice list of two good rows (BASE or DAY_FIRST) and this one, refused at it (the file's row 4)."""
    return case(invoice_list(*first_two, row), refused(message, 4, column, value))


def sens(*rows: tuple) -> bytes:
    return fec(*("\t".join(map(str, row)) for row in rows), header=SENS_HEADER)


BASE = (
    "F-001;C1;Boulangerie Martin;Services;14/01/2026;13/02/2026;1 200,00",
    "F-002;C2;Dupont SA;Services;20/01/2026;19/02/2026;750,50",
)
DAY_FIRST = (
    "F-001;C1;Martin;Services;25/01/2026;24/02/2026;1 000,00",
    "F-002;C2;Dupont;Services;26/01/2026;25/02/2026;250,00",
)
# Invoice dates that read day/month only (25/01/2026), and a payment date that reads month/day only (12/13/2026).
ORDERS_DISAGREE = (
    "F-001;C1;M;S;25/01/2026;24/02/2026;100,00;;",
    "F-002;C1;M;S;26/01/2026;25/02/2026;100,00;12/13/2026;",
)
HUGE = "9 000 000 000 000 000,00"

# case -> (files {name: bytes}, expected, options)
CASES: dict[str, tuple[dict[str, bytes], dict, dict]] = {
    # --- 1. total rows ----------------------------------------------------------------------------
    "total_id_starting_with_total": case(
        invoice_list(
            *BASE,
            "TOTAL-2026-001;C7;TotalEnergies Marketing;Énergie;15/01/2026;14/02/2026;5 000,00",
            ";;Total;;;;6 950,50",
        ),
        accepted(
            3,
            "6950.50",
            amounts={"TOTAL-2026-001": "5000.00"},
            reconciled=True,
            warning="1 ligne(s) de total mise(s) de côté (Σ 6 950,50)",
        ),
    ),
    "total_customer_named_total_without_id": third_row_refused(
        BASE, ";C8;Total Energies;Énergie;15/01/2026;14/02/2026;500,00", "numéro de facture manquant", "N° facture", ""
    ),
    "total_name_only_without_id_or_code": third_row_refused(
        BASE,
        ";;Total Energies;Énergie;15/01/2026;14/02/2026;500,00",
        "la ligne porte « Total Energies » mais n'est pas une ligne de total",
        "Client",
        "Total Energies",
    ),
    "total_label_not_the_sum": third_row_refused(
        BASE,
        ";;Total;;;;2 000,00",
        "son montant 2 000,00 n'est ni la somme des lignes au-dessus (1 950,50)",
        "Client",
        "Total",
    ),
    "total_label_without_amount": third_row_refused(
        BASE, ";;Total;;;;", "sa colonne « Montant TTC » est vide", "Client", "Total"
    ),
    "total_subtotals_and_grand_total": case(
        invoice_list(
            "F-001;C1;Martin;S;15/01/2026;;100,00",
            "F-002;C1;Martin;S;16/01/2026;;50,00",
            ";;Sous-total C1;;;;150,00",
            "F-003;C2;Dupont;S;17/01/2026;;25,00",
            ";;Sous-total C2;;;;25,00",
            "Total général;;;;;;175,00",
        ),
        accepted(3, "175.00", reconciled=True, warning="3 ligne(s) de total mise(s) de côté (Σ 350,00)"),
    ),
    "total_label_in_id_column_with_colon": case(
        invoice_list(*BASE, "TOTAL :;;;;;;1 950,50"),
        accepted(2, "1950.50", reconciled=True, warning="1 ligne(s) de total mise(s) de côté"),
    ),
    "total_customer_totalenergies_name_column_only": case(
        invoice_list(
            "F-001;TotalEnergies;15/01/2026;1 000,00",
            "F-002;Total Energies SE;16/01/2026;500,00",
            header="N° facture;Client;Date facture;Montant TTC",
        ),
        accepted(2, "1500.00", customers={"F-001": "TotalEnergies", "F-002": "Total Energies SE"}),
    ),
    "total_rows_of_a_payments_file": case(
        {
            "factures.csv": csv(*DAY_FIRST),
            "reglements.csv": csv(
                "F-001;20/02/2026;1 000,00",
                "F-002;21/02/2026;200,00",
                ";Total;1 200,00",
                header="N° facture;Date règlement;Montant réglé",
            ),
        },
        accepted(2, "1250.00", settlements_total="1200.00", warning="1 ligne(s) de total mise(s) de côté (Σ 1 200,00)"),
    ),
    "total_blank_row_with_amount_only": case(
        invoice_list(*BASE, ";;;;;;1 950,50"), refused("numéro de facture manquant", row=4, column="N° facture")
    ),
    # --- 2. amounts and currencies ------------------------------------------------------------------
    "amount_dollars_in_a_euro_import": third_row_refused(
        DAY_FIRST,
        "F-003;C3;Smith;Services;27/01/2026;;1 000,00 $",
        "devise « $ » alors que l'import est en EUR",
        "Montant TTC",
        "1 000,00 $",
    ),
    "amount_pounds_prefix": third_row_refused(
        DAY_FIRST,
        "F-003;C3;Smith;Services;27/01/2026;;£500,00",
        "devise « £ » alors que l'import est en EUR",
        "Montant TTC",
        "£500,00",
    ),
    "amount_swiss_francs_code": third_row_refused(
        DAY_FIRST,
        "F-003;C3;Müller;Services;27/01/2026;;250,00 CHF",
        "devise « CHF » alors que l'import est en EUR",
        "Montant TTC",
        "250,00 CHF",
    ),
    "amount_code_between_digits": third_row_refused(
        DAY_FIRST,
        "F-003;C3;Smith;Services;27/01/2026;;12EUR34,00",
        "montant illisible : « EUR » entre les chiffres",
        "Montant TTC",
        "12EUR34,00",
    ),
    "amount_signs_between_digits": third_row_refused(
        DAY_FIRST,
        "F-003;C3;Smith;Services;27/01/2026;;1€2€3,45",
        "montant illisible : « € » entre les chiffres",
        "Montant TTC",
        "1€2€3,45",
    ),
    "amount_euro_notations_accepted": case(
        invoice_list(
            "F-001;C1;M;S;25/01/2026;;1 234,56 €",
            "F-002;C1;M;S;26/01/2026;;EUR 100,00",
            "A-001;C1;M;S;27/01/2026;;-€12,50",
            "A-002;C1;M;S;28/01/2026;;(50,00 €)",
            "F-003;C1;M;S;29/01/2026;;7,00 euros",
        ),
        accepted(
            5,
            "1279.06",
            amounts={"F-001": "1234.56", "F-002": "100.00", "A-001": "-12.50", "A-002": "-50.00", "F-003": "7.00"},
        ),
    ),
    "amount_dollars_with_a_usd_currency_column": case(
        {
            "invoices.csv": csv(
                'INV-1,C1,1/15/2026,2/14/2026,"$1,000.00",USD',
                "INV-2,C1,1/20/2026,2/19/2026,$25.50,USD",
                header="invoiceNumber,customerID,InvoiceDate,DueDate,InvoiceAmount,Currency",
                encoding="utf-8",
            )
        },
        accepted(2, "1025.50", currency="USD"),
    ),
    "amount_euros_in_a_usd_file": case(
        {
            "invoices.csv": csv(
                "INV-1,C1,1/15/2026,2/14/2026,1000.00 €,USD",
                header="invoiceNumber,customerID,InvoiceDate,DueDate,InvoiceAmount,Currency",
                encoding="utf-8",
            )
        },
        refused("devise « € » alors que l'import est en USD", row=2, column="InvoiceAmount", value="1000.00 €"),
    ),
    "amount_usd_file_into_a_euro_workspace": case(
        {
            "invoices.csv": csv(
                "INV-1,C1,1/15/2026,2/14/2026,$1000.00,USD",
                header="invoiceNumber,customerID,InvoiceDate,DueDate,InvoiceAmount,Currency",
                encoding="utf-8",
            )
        },
        refused("devise USD alors que l'espace de travail est en EUR"),
        currency="EUR",
    ),
    "amount_dollars_in_a_workbook_cell": case(
        {
            "factures.xlsx": xlsx(
                [
                    ["N° facture", "Client", "Date facture", "Montant TTC"],
                    ["F-001", "Martin", "15/01/2026", 100.5],
                    ["F-002", "Smith", "16/01/2026", "1 000,00 $"],
                ]
            )
        },
        refused("devise « $ » alors que l'import est en EUR", row=3, column="Montant TTC", value="1 000,00 $"),
    ),
    "amount_francs_in_a_franc_workspace": case(
        invoice_list("F-001;C1;M;S;25/01/2026;;CHF 1'250.00", "F-002;C1;M;S;26/01/2026;;3.50 CHF"),
        accepted(2, "1253.50", currency="CHF"),
        currency="CHF",
    ),
    # --- 3. dates ---------------------------------------------------------------------------------
    "date_followed_by_text": case(
        invoice_list("F-001;C1;M;S;2026-03-05 n'importe quoi;;100,00"),
        refused(
            "date suivie d'un texte (« n'importe quoi »)",
            row=2,
            column="Date facture",
            value="2026-03-05 n'importe quoi",
        ),
    ),
    "date_followed_by_text_in_a_parquet_column": case(
        {"documents.parquet": two_invoices_parquet("2026-03-05", "2026-03-06 à vérifier")},
        refused("date suivie d'un texte (« à vérifier »)", row=2, column="issue_date", value="2026-03-06 à vérifier"),
    ),
    "date_due_before_issue_in_canonical_documents": case(
        {
            "documents.csv": b"document_id,customer_id,customer_name,activity,issue_date,due_date,amount\n"
            b"F-001,C1,Martin,Services,2026-01-15,2026-02-14,100.00\n"
            b"F-002,C1,Martin,Services,2026-01-16,2026-01-06,60.00\n"
        },
        refused(
            "échéance du 06/01/2026 antérieure de 10 jour(s) à la date de facture (16/01/2026)",
            row=3,
            column="due_date",
            value="2026-01-06",
        ),
    ),
    "date_with_a_time_accepted": case(
        invoice_list(
            "F-001;C1;M;S;2026-03-05 00:00:00;2026-04-04T10:30:00;100,00", "F-002;C1;M;S;2026-03-06 08:15;;50,00"
        ),
        accepted(2, "150.00", dates={"F-001": ["2026-03-05", "2026-04-04"], "F-002": ["2026-03-06", "2026-04-05"]}),
    ),
    "date_two_digit_year_far_from_the_others": case(
        invoice_list(
            "F-001;C1;M;S;15/01/26;14/02/26;100,00",
            "F-002;C1;M;S;16/01/26;15/02/26;100,00",
            "F-003;C1;M;S;15/03/69;14/04/26;100,00",
        ),
        refused(
            "année sur deux chiffres invraisemblable : lue 2069 (fenêtre 1970–2069)",
            row=4,
            column="Date facture",
            value="15/03/69",
        ),
    ),
    "date_two_digit_years_read_in_the_window": case(
        invoice_list("F-001;C1;M;S;15/01/26;14/02/26;100,00", "F-002;C1;M;S;31/12/25;30/01/26;100,00"),
        accepted(2, "200.00", dates={"F-001": ["2026-01-15", "2026-02-14"], "F-002": ["2025-12-31", "2026-01-30"]}),
    ),
    "date_two_digit_years_across_the_century": case(
        invoice_list("F-001;C1;M;S;15/12/99;14/01/00;100,00", "F-002;C1;M;S;16/01/00;15/02/00;100,00"),
        accepted(2, "200.00", dates={"F-001": ["1999-12-15", "2000-01-14"], "F-002": ["2000-01-16", "2000-02-15"]}),
    ),
    "date_due_six_years_before_issue": third_row_refused(
        DAY_FIRST,
        "F-003;C3;M;S;15/03/2026;15/03/2020;100,00",
        "échéance du 15/03/2020 antérieure de 2 191 jour(s) à la date de facture",
        "Date échéance",
        "15/03/2020",
    ),
    "date_credit_note_due_before_its_date": case(
        invoice_list(
            "F-001;C1;M;S;15/03/2026;14/04/2026;100,00",
            "A-001;C1;M;S;20/03/2026;14/04/2026;-20,00",
            "A-002;C1;M;S;25/03/2026;14/03/2026;-10,00",
        ),
        accepted(3, "70.00", warning="1 avoir(s) à échéance antérieure à leur date"),
    ),
    "date_columns_disagree_on_the_order": case(
        invoice_list(*ORDERS_DISAGREE, header=PAID_HEADER),
        refused(
            "« Date facture » se lit jour/mois (« 25/01/2026 ») mais « Date règlement » "
            "se lit mois/jour (« 12/13/2026 »)",
            row=3,
            column="Date règlement",
            value="12/13/2026",
            remedy="day_order",
        ),
    ),
    "date_columns_disagree_forced_day_first": case(
        invoice_list(*ORDERS_DISAGREE, header=PAID_HEADER),
        refused("date impossible", row=3, column="Date règlement", value="12/13/2026"),
        dayfirst=True,
    ),
    "date_columns_disagree_forced_month_first": case(
        invoice_list(*ORDERS_DISAGREE, header=PAID_HEADER),
        refused("date impossible", row=2, column="Date facture", value="25/01/2026"),
        dayfirst=False,
    ),
    "date_one_column_tells_the_others": case(
        invoice_list(
            "F-001;C1;M;S;25/01/2026;;100,00;03/02/2026;", "F-002;C1;M;S;02/01/2026;;50,00;;", header=PAID_HEADER
        ),
        read_as_25_and_2_january("F-001", "F-002"),
    ),
    "date_month_first_in_every_column": case(
        {
            "invoices.csv": csv(
                "INV-1,C1,1/25/2026,2/24/2026,100.00,2/3/2026",
                "INV-2,C1,1/2/2026,2/1/2026,50.00,",
                header=US_HEADER,
                encoding="utf-8",
            )
        },
        read_as_25_and_2_january("INV-1", "INV-2"),
    ),
    "date_order_undecided_in_the_whole_file": case(
        invoice_list("F-001;C1;M;S;03/04/2026;;100,00", "F-002;C1;M;S;05/06/2026;;50,00"),
        refused(
            "--dayfirst ou --monthfirst en ligne de commande, « Ordre des dates » sur la page Données",
            row=2,
            column="Date facture",
            value="03/04/2026",
            remedy="day_order",
        ),
    ),
    "date_order_undecided_chosen_by_the_user": case(
        invoice_list("F-001;C1;M;S;03/04/2026;;100,00", "F-002;C1;M;S;05/06/2026;;50,00"),
        accepted(2, "150.00", dates={"F-001": ["2026-03-04", "2026-04-03"], "F-002": ["2026-05-06", "2026-06-05"]}),
        dayfirst=False,
    ),
    "date_order_inconsistent_in_one_column": case(
        invoice_list("F-001;C1;M;S;25/01/2026;;100,00", "F-002;C1;M;S;01/25/2026;;100,00"),
        refused("ordre jour/mois incohérent dans la colonne", row=3, column="Date facture", value="01/25/2026"),
    ),
    # --- 4. two columns for one field ---------------------------------------------------------------
    "mapping_two_columns_of_the_same_name": case(
        invoice_list("F-001;C1;M;S;25/01/2026;;100,00;120,00", header=HEADER + ";Montant TTC"),
        refused(
            "deux colonnes « Montant TTC » (colonnes 7 et 8) peuvent toutes deux être le champ montant TTC",
            column="Montant TTC",
        ),
    ),
    "mapping_two_exact_synonyms": case(
        invoice_list("F-001;C1;M;S;25/01/2026;;100,00;120,00", header=HEADER + ";Total TTC"),
        refused(
            "les colonnes « Montant TTC » (colonne 7) et « Total TTC » (colonne 8) "
            "peuvent toutes deux être le champ montant TTC",
            column="Total TTC",
        ),
    ),
    "mapping_second_column_chosen_by_the_user": amount_twice_mapped_to("Montant TTC (2)", accepted(1, "120.00")),
    "mapping_user_names_a_header_the_file_has_twice": amount_twice_mapped_to(
        "Montant TTC",
        refused(
            "le fichier a 2 colonnes de ce nom (colonnes 7, 8) — nommez « Montant TTC (1) » pour la première",
            column="Montant TTC",
        ),
    ),
    "mapping_first_of_two_columns_chosen_by_the_user": amount_twice_mapped_to("Montant TTC (1)", accepted(1, "100.00")),
    "fec_two_debit_columns": case(
        {
            "FEC.txt": fec(
                *(line + "\t0,00" for line in sale(1, "20260115", "1200,00", net="1000,00", vat="200,00")),
                header=FEC_HEADER + "\tDebit",
            )
        },
        refused("2 colonnes « Debit » (colonnes 12, 19)", column="Debit"),
    ),
    # --- 5. FEC -------------------------------------------------------------------------------------
    "fec_sens_in_every_spelling": case(
        {
            "FEC.txt": sens(
                ("VE", 1, "20260110", "411000", "C1", "F1", "120,00", "Débit", ""),
                ("VE", 1, "20260110", "706000", "", "F1", "120,00", "crédit", ""),
                ("VE", 2, "20260111", "411000", "C1", "F2", "80,00", "debit", ""),
                ("VE", 2, "20260111", "706000", "", "F2", "80,00", "CREDIT", ""),
                ("VE", 3, "20260112", "411000", "C2", "F3", "50,00", "+1", ""),
                ("VE", 3, "20260112", "706000", "", "F3", "50,00", "\u22121", ""),
                ("VE", 4, "20260113", "411000", "C2", "AV1", "20,00", "c", ""),
                ("VE", 4, "20260113", "709000", "", "AV1", "20,00", "d", ""),
                ("BQ", 5, "20260120", "411000", "C1", "VIR", "100,00", "-1", ""),
                ("BQ", 5, "20260120", "512000", "", "VIR", "100,00", "DÉBIT", ""),
            )
        },
        accepted(
            4,
            "230.00",
            settlements_total="100.00",
            amounts={"F1": "120.00", "F2": "80.00", "F3": "50.00", "AV1": "-20.00"},
            reconciled=True,
        ),
    ),
    "fec_sens_unknown_letter": case(
        sale_with_sens("D", "X"),
        refused("sens illisible — attendu D (débit) ou C (crédit)", row=3, column="Sens", value="X"),
    ),
    "fec_sens_question_mark": case(
        sale_with_sens("?", "C"),
        refused("sens illisible", row=2, column="Sens", value="?"),
    ),
    "fec_sens_empty": case(
        sale_with_sens("", "C"),
        refused("sens illisible", row=2, column="Sens", value=""),
    ),
    "fec_point_followed_by_three_digits": case(
        {"FEC.txt": fec(*sale(1, "20260115", "1.500", net="1.250", vat="250.00", zero="0.00"))},
        refused("montant FEC ambigu : « 1.500 » vaut-il 1,5 € ou 1 500 € ?", row=2, column="Debit", value="1.500"),
    ),
    "fec_decimal_point_throughout": case(
        {
            "FEC.txt": fec(
                *sale(1, "20260115", "1200.00", net="1000.00", vat="200.00", zero="0.00"),
                *sale(2, "20260116", "60.5", aux="C2", net="50.5", vat="10.0", zero="0"),
            )
        },
        accepted(2, "1260.50", reconciled=True, warning="montants lus avec un point décimal"),
    ),
    "fec_comma_and_point_mixed": case(
        {
            "FEC.txt": fec(
                *sale(1, "20260115", "1200,00", net="1000,00", vat="200,00"),
                *sale(2, "20260116", "60.50", aux="C2", net="50,50", vat="10,00"),
            )
        },
        refused("montant illisible", row=5, column="Debit", value="60.50"),
    ),
    "fec_thousands_point_before_a_comma": case(
        {"FEC.txt": fec(*sale(1, "20260115", "1.200,00", net="1.000,00", vat="200,00"))},
        accepted(1, "1200.00", reconciled=True),
    ),
    "fec_unbalanced_entry": case(
        {
            "FEC.txt": fec(
                *sale(1, "20260115", "1200,00", net="1000,00", vat="199,99"),
                *sale(2, "20260116", "600,00", aux="C2", net="500,00", vat="100,00"),
            )
        },
        accepted(
            2,
            "1800.00",
            reconciled=True,
            warning="1 écriture(s) client déséquilibrée(s), Σ débit ≠ Σ crédit (écriture VE 1 (écart 0,01))",
        ),
    ),
    "fec_line_with_debit_and_credit": case(
        {
            "FEC.txt": fec(
                fec_line(1, "20260115", "411000", "1200,00", "200,00", aux="C1", piece="F1"),
                fec_line(1, "20260115", "706000", credit="1000,00", piece="F1"),
            )
        },
        accepted(
            1,
            "1000.00",
            reconciled=True,
            amounts={"F1": "1000.00"},
            warning="1 ligne(s) 411 portent à la fois un débit et un crédit (écriture VE 1 (ligne 2))",
        ),
    ),
    # --- 6. sums beyond DECIMAL(18,2) --------------------------------------------------------------
    "overflow_sum_of_an_invoice_list": case(
        invoice_list(*(f"F-{i:03d};C1;M;S;25/01/2026;;{HUGE}" for i in range(3))),
        refused(
            "montants hors de portée : Σ de la colonne « Montant TTC » en valeur absolue = 27 000 000 000 000 000,00",
            row=2,
            column="Montant TTC",
            value=HUGE,
        ),
    ),
    "overflow_sum_of_a_fec": case(
        {
            "FEC.txt": fec(
                *sale(1, "20260115", "9000000000000000,00", net="9000000000000000,00", vat="0,00"),
                *sale(2, "20260116", "9000000000000000,00", net="9000000000000000,00", vat="0,00"),
            )
        },
        refused(
            "montants hors de portée : Σ de la colonne « Debit »", row=2, column="Debit", value="9000000000000000,00"
        ),
    ),
    "overflow_across_two_files": case(
        {
            "factures_1.csv": csv(f"F-001;C1;M;S;25/01/2026;;{HUGE}"),
            "factures_2.csv": csv(f"F-002;C1;M;S;26/01/2026;;{HUGE}"),
        },
        refused("montants hors de portée : Σ des factures et avoirs de l'import", row=2),
    ),
    "overflow_payments": case(
        {
            "factures.csv": csv(f"F-001;C1;M;S;25/01/2026;;{HUGE}"),
            "reglements.csv": csv(
                f"F-001;26/01/2026;{HUGE}", f"F-001;27/01/2026;{HUGE}", header="N° facture;Date règlement;Montant réglé"
            ),
        },
        refused("Σ de la colonne « Montant réglé »", column="Montant réglé"),
    ),
}


def main() -> None:
    write_corpus(HERE, CASES)


if __name__ == "__main__":
    main()
