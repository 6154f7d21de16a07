"""The header vocabulary: what French and English exports call each canonical field.

Headers are compared in a normal form (lower case, no accents, camelCase split, punctuation
dropped), so « N° Facture », "invoiceNumber" and "INVOICE_NO" all meet their synonym.
"""

from __future__ import annotations

import functools
import re
import unicodedata

from kpi.text.messages import Message

# The generic words for an amount: the weak synonyms of the activity logs' amounts.
AMOUNT_WORDS = ("montant", "amount", "total", "somme")
# How invoice lists and payments files alike name an invoice's number and a payment's date, first of
# their synonyms.
INVOICE_NUMBER = (
    "document id",
    "n facture",
    "no facture",
    "numero facture",
    "num facture",
    "numero de facture",
    "facture",
    "ref facture",
    "reference facture",
)
PAYMENT_DATE = (
    "date reglement",
    "date de reglement",
    "date paiement",
    "date de paiement",
    "date encaissement",
    "date d encaissement",
)

# field -> (strong synonyms, weak synonyms).  A strong synonym names the field without doubt;
# a weak one is a generic word ("date", "montant") that fits when nothing better is there.
INVOICE_FIELDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "document_id": (
        (
            *INVOICE_NUMBER,
            "invoice",
            "invoice number",
            "invoice no",
            "invoice id",
            "invoice num",
            "invoice ref",
            "document number",
            "doc no",
            "n piece",
            "numero piece",
            "num piece",
        ),
        ("reference", "ref", "piece", "numero", "document", "n document", "id"),
    ),
    "customer_id": (
        (
            "customer id",
            "code client",
            "n client",
            "no client",
            "numero client",
            "num client",
            "id client",
            "compte client",
            "ref client",
            "reference client",
            "customer code",
            "customer number",
            "customer no",
            "client id",
            "account number",
            "compte auxiliaire",
            "code tiers",
            "tiers",
        ),
        ("code", "compte"),
    ),
    "customer_name": (
        (
            "customer name",
            "client",
            "nom client",
            "nom du client",
            "raison sociale",
            "customer",
            "nom",
            "intitule client",
            "libelle client",
            "debiteur",
            "societe",
        ),
        ("name",),
    ),
    "activity": (
        (
            "activity",
            "activite",
            "secteur",
            "secteur d activite",
            "segment",
            "business line",
            "ligne de metier",
            "famille",
            "division",
            "departement",
            "service",
            "branche",
            "metier",
            "business unit",
            "categorie",
        ),
        ("pays", "country", "country code", "region", "zone", "agence", "site"),
    ),
    "issue_date": (
        (
            "issue date",
            "date facture",
            "date de facture",
            "date facturation",
            "date de facturation",
            "invoice date",
            "date emission",
            "date d emission",
            "date piece",
            "date de la facture",
            "billing date",
            "document date",
        ),
        ("date",),
    ),
    "due_date": (
        (
            "due date",
            "date echeance",
            "date d echeance",
            "echeance",
            "date limite de paiement",
            "date limite",
            "payment due date",
            "due",
            "date exigibilite",
        ),
        (),
    ),
    "amount": (
        (
            "amount",
            "montant ttc",
            "total ttc",
            "ttc",
            "montant facture",
            "montant de la facture",
            "invoice amount",
            "net a payer",
            "montant du",
            "total amount",
            "gross amount",
            "amount incl tax",
            "montant toutes taxes",
        ),
        ("montant", "total", "valeur", "somme"),
    ),
    "paid_date": (
        (
            *PAYMENT_DATE,
            "settled date",
            "paid date",
            "payment date",
            "date paid",
            "date regle",
            "regle le",
            "paye le",
            "date solde",
            "date lettrage",
        ),
        (),
    ),
    "paid_amount": (
        (
            "montant regle",
            "montant paye",
            "montant encaisse",
            "paid amount",
            "amount paid",
            "settled amount",
            "payment amount",
            "regle",
            "paye",
            "encaisse",
            "deja regle",
            "montant reglement",
        ),
        (),
    ),
    "currency": (("currency", "devise", "monnaie", "currency code", "code devise"), ()),
    # On a credit note's row: the invoice it cancels (in whole or in part), which makes a `credit`
    # application (KPI-SPEC §1). Every synonym names an *other* invoice (origine, liée, original…), so
    # that the invoice's own number (« N° facture ») never fits it better than document_id.
    "applies_to": (
        (
            "facture d origine",
            "n facture d origine",
            "no facture d origine",
            "numero facture d origine",
            "numero de facture d origine",
            "num facture d origine",
            "ref facture d origine",
            "reference facture d origine",
            "facture origine",
            "n facture origine",
            "numero facture origine",
            "avoir sur facture",
            "facture avoiree",
            "facture liee",
            "n facture liee",
            "facture associee",
            "facture rattachee",
            "facture de rattachement",
            "facture initiale",
            "facture annulee",
            "facture corrigee",
            "facture concernee",
            "piece d origine",
            "n piece d origine",
            "document d origine",
            "original invoice",
            "original invoice number",
            "original invoice no",
            "original invoice id",
            "applies to",
            "applies to invoice",
            "applied to invoice",
            "related invoice",
            "related invoice number",
            "linked invoice",
            "credited invoice",
            "corrected invoice",
            "invoice credited",
            "source invoice",
        ),
        (),
    ),
    # A yes/no column: the invoice is disputed (a dispute on its full amount, opened at its issue date).
    "disputed": (
        (
            "disputed",
            "en litige",
            "litige",
            "litigieux",
            "litigieuse",
            "contestee",
            "contestation",
            "in dispute",
            "dispute",
            "is disputed",
            "facture contestee",
        ),
        (),
    ),
}

PAYMENT_FIELDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "settlement_id": (
        (
            "settlement id",
            "payment id",
            "n reglement",
            "no reglement",
            "numero reglement",
            "ref reglement",
            "reference reglement",
            "n paiement",
            "numero paiement",
            "ref paiement",
            "reference paiement",
            "payment reference",
            "payment number",
            "receipt number",
            "n encaissement",
            "id paiement",
            "id reglement",
        ),
        ("reference", "ref", "id"),
    ),
    "document_id": (
        (
            *INVOICE_NUMBER,
            "facture reglee",
            "invoice",
            "invoice number",
            "invoice no",
            "invoice id",
            "invoice ref",
            "applied to",
        ),
        ("piece", "document"),
    ),
    "customer_id": INVOICE_FIELDS["customer_id"],
    "customer_name": INVOICE_FIELDS["customer_name"],
    "date": (
        (
            *PAYMENT_DATE,
            "payment date",
            "paid date",
            "settled date",
            "date valeur",
            "value date",
            "date operation",
            "date",
        ),
        (),
    ),
    "amount": (
        (
            "montant regle",
            "montant paye",
            "montant encaisse",
            "montant reglement",
            "montant du reglement",
            "paid amount",
            "payment amount",
            "amount paid",
            "settled amount",
            "amount",
            "montant",
            "encaissement",
            "credit",
        ),
        ("total", "somme", "valeur"),
    ),
    "kind": (("kind", "type", "nature", "type de reglement", "type reglement"), ()),
    # For a credit application: the credit note used (KPI-SPEC §1).
    "source_document_id": (
        (
            "source document id",
            "source document",
            "avoir",
            "n avoir",
            "numero avoir",
            "numero d avoir",
            "avoir impute",
            "credit note",
            "credit note id",
            "credit note number",
        ),
        (),
    ),
    # The payment's label or reference (« libellé »), where the matching suggestions look for an invoice's
    # number.
    "reference": (
        (
            "libelle",
            "libelle reglement",
            "libelle du reglement",
            "libelle paiement",
            "libelle encaissement",
            "libelle operation",
            "libelle bancaire",
            "reference bancaire",
            "communication",
            "motif du paiement",
            "motif de paiement",
            "label",
            "payment label",
            "bank reference",
            "remittance information",
            "memo",
            "narrative",
        ),
        # The canonical column's name, weak: a payments file's « Référence » alone stays its id (settlement_id
        # comes first among equals), and only beside a settlement_id column is it the label.
        ("reference",),
    ),
    "currency": INVOICE_FIELDS["currency"],
}

# The collection-activity logs (kpi/importers/activity.py). Each has a "signature" field whose
# strong synonyms name the log without doubt (see SIGNATURE_FIELDS).
DISPUTE_FIELDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "document_id": INVOICE_FIELDS["document_id"],
    "opened_date": (
        (
            "date litige",
            "date du litige",
            "date ouverture",
            "date d ouverture",
            "date ouverture litige",
            "date d ouverture du litige",
            "ouvert le",
            "opened",
            "opened date",
            "opened on",
            "dispute date",
            "date opened",
            "date contestation",
            "date de contestation",
            "date signalement",
        ),
        ("date",),
    ),
    "resolved_date": (
        (
            "date resolution",
            "date de resolution",
            "resolu le",
            "resolved",
            "resolved date",
            "resolved on",
            "date resolved",
            "date cloture",
            "date de cloture",
            "clos le",
            "closed date",
            "closed on",
            "date closed",
        ),
        (),
    ),
    "disputed_amount": (
        (
            "montant litige",
            "montant en litige",
            "montant du litige",
            "montant conteste",
            "disputed amount",
            "dispute amount",
            "amount disputed",
            "amount in dispute",
        ),
        AMOUNT_WORDS,
    ),
    "reason": (
        (
            "motif",
            "motif du litige",
            "motif litige",
            "raison",
            "reason",
            "dispute reason",
            "cause",
            "nature du litige",
            "type de litige",
            "categorie de litige",
            "dispute category",
            "dispute type",
        ),
        ("categorie", "category", "nature", "type"),
    ),
}

REMINDER_FIELDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "customer_id": INVOICE_FIELDS["customer_id"],
    "customer_name": INVOICE_FIELDS["customer_name"],
    "document_id": INVOICE_FIELDS["document_id"],
    "reminder_date": (
        (
            "date relance",
            "date de relance",
            "date de la relance",
            "relance le",
            "reminder date",
            "date reminder",
            "dunning date",
            "date envoi",
            "date d envoi",
            "sent on",
            "date action",
            "date de l action",
        ),
        ("date",),
    ),
    "channel": (
        (
            "canal",
            "canal de relance",
            "moyen",
            "mode de relance",
            "type de relance",
            "channel",
            "reminder channel",
            "media",
            "action",
            "type d action",
            "reminder type",
            "dunning type",
        ),
        ("type", "mode"),
    ),
    "stage": (
        (
            "niveau",
            "niveau de relance",
            "niveau relance",
            "etape",
            "stade",
            "relance",
            "n relance",
            "numero relance",
            "stage",
            "reminder level",
            "dunning level",
            "level",
            "step",
            "reminder stage",
        ),
        (),
    ),
    "cost": (
        (
            "cout",
            "cout relance",
            "cout de la relance",
            "frais",
            "frais de relance",
            "cost",
            "reminder cost",
            "dunning fee",
            "montant frais",
        ),
        (),
    ),
}

PLAN_FIELDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "plan_id": (
        (
            "plan",
            "plan id",
            "n plan",
            "numero plan",
            "plan de paiement",
            "n echeancier",
            "numero echeancier",
            "echeancier",
            "id echeancier",
            "ref echeancier",
            "payment plan",
            "payment plan id",
            "plan number",
            "instalment plan",
            "installment plan",
        ),
        (),
    ),
    "customer_id": INVOICE_FIELDS["customer_id"],
    "customer_name": INVOICE_FIELDS["customer_name"],
    "due_date": (
        (
            "date echeance",
            "date d echeance",
            "echeance",
            "due date",
            "installment date",
            "instalment date",
            "installment due date",
            "date mensualite",
            "date de l echeance",
            "date prevue",
        ),
        ("date",),
    ),
    "installment_amount": (
        (
            "montant echeance",
            "montant de l echeance",
            "mensualite",
            "montant mensualite",
            "installment amount",
            "instalment amount",
            "installment",
            "instalment",
            "amount due",
        ),
        AMOUNT_WORDS,
    ),
}

COST_FIELDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "cost_date": (
        ("date frais", "date du frais", "date de la depense", "date depense", "cost date", "expense date"),
        ("date", "periode", "mois", "period", "month"),
    ),
    "cost_amount": (
        (
            "cout",
            "cout recouvrement",
            "cout de recouvrement",
            "frais",
            "frais de recouvrement",
            "montant frais",
            "depense",
            "collection cost",
            "collection costs",
            "cost",
            "costs",
            "expense",
        ),
        AMOUNT_WORDS,
    ),
    "category": (
        (
            "categorie",
            "categorie de frais",
            "type de frais",
            "nature du frais",
            "nature",
            "poste",
            "category",
            "cost category",
            "cost type",
            "expense type",
        ),
        ("type",),
    ),
}

PROMISE_FIELDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "customer_id": INVOICE_FIELDS["customer_id"],
    "customer_name": INVOICE_FIELDS["customer_name"],
    "document_id": INVOICE_FIELDS["document_id"],
    # « Date promesse » is when the promise was made, « Date promise » the day the money is promised for.
    "promise_date": (
        (
            "date promesse",
            "date de promesse",
            "date de la promesse",
            "promesse le",
            "promesse faite le",
            "promise date",
            "date of promise",
            "promised on",
            "promise made",
            "promise made on",
        ),
        (),
    ),
    "promised_date": (
        (
            "date promise",
            "date promise de paiement",
            "date de paiement promise",
            "paiement promis le",
            "promis pour le",
            "date prevue de paiement",
            "promised date",
            "promised payment date",
            "promised for",
            "pay by",
            "payment promised",
        ),
        (),
    ),
    "promised_amount": (
        (
            "montant",
            "montant promis",
            "montant de la promesse",
            "montant promesse",
            "amount",
            "promised amount",
            "promise amount",
            "amount promised",
        ),
        AMOUNT_WORDS,
    ),
}

# What each canonical field is called in messages (kpi/text/locales/messages.*.json, `field_label.<field>`).
FIELD_LABELS = {
    name: Message(f"field_label.{name}")
    for name in (
        "document_id",
        "customer_id",
        "customer_name",
        "activity",
        "issue_date",
        "due_date",
        "amount",
        "paid_date",
        "paid_amount",
        "currency",
        "settlement_id",
        "date",
        "kind",
        "source_document_id",
        "reference",
        "applies_to",
        # Collection-activity logs (kpi/importers/activity.py).
        "disputed",
        "opened_date",
        "resolved_date",
        "disputed_amount",
        "reason",
        "reminder_date",
        "channel",
        "stage",
        "cost",
        "plan_id",
        "installment_amount",
        "cost_date",
        "cost_amount",
        "category",
        "promise_date",
        "promised_date",
        "promised_amount",
    )
}

# Headers that look like an amount but are not the TTC amount a receivable is made of.
NOT_GROSS_AMOUNT = (
    "ht",
    "hors taxe",
    "hors taxes",
    "tva",
    "vat",
    "tax",
    "taxe",
    "excl",
    "remise",
    "discount",
    "quantite",
    "qte",
    "quantity",
    "prix unitaire",
    "unit price",
    "jours",
    "days",
)
AMOUNT_FIELDS = (
    "amount",
    "paid_amount",
    "disputed_amount",
    "installment_amount",
    "cost",
    "cost_amount",
    "promised_amount",
)
# Words that say a file is about payments rather than invoices.
PAYMENT_WORDS = ("reglement", "paiement", "encaissement", "payment", "receipt", "remise", "versement")
# Canonical names must keep their meaning even though "amount" and "date" are also generic words.
CANONICAL_DOCUMENT_HEADERS = ("document_id", "customer_id", "issue_date", "amount")
CANONICAL_SETTLEMENT_HEADERS = ("settlement_id", "customer_id", "date", "amount", "kind")


@functools.lru_cache(maxsize=8192)  # every file's headers meet the same few hundred synonyms
def normal_form(header: str) -> str:
    """« N° Facture » -> 'n facture', 'invoiceNumber' -> 'invoice number', 'Date_Échéance' -> 'date echeance'."""
    text = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", header.strip())
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    text = text.replace("°", " ").replace("º", " ")
    text = re.sub(r"[^a-z0-9]+", " ", text)
    return " ".join(text.split())


@functools.lru_cache(maxsize=8192)
def compact(header: str) -> str:
    return normal_form(header).replace(" ", "")


def is_fec(headers: tuple[str, ...]) -> bool:
    """Whether the headers are a FEC's (kept here, apart from the FEC reader and its pandas, for layout detection)."""
    names = {compact(h) for h in headers}
    return {"journalcode", "comptenum", "ecrituredate"} <= names and (
        {"debit", "credit"} <= names or {"montant", "sens"} <= names
    )
