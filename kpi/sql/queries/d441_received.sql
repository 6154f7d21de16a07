-- label: Délais de paiement des fournisseurs (art. D441-6 du Code de commerce) / Supplier payment delays (art. D441-6 of the Code de commerce)
-- formula: Factures reçues non réglées à la date de clôture D dont le terme est échu — the supplier invoices (a FEC's accounts 401: supplier_documents) received ≤ D whose outstanding at D is > 0 in the matching mode, by days past due at D, in d441_issued's columns (d441_brackets); (B) is always 0: the disputes log concerns customer documents only; purchases = Σ amount of the supplier documents issued in [S, D], supplier credit notes deducted (the fiscal year's purchases TTC the shares are of)
-- unit: count, € TTC
-- The supplier side is read as the customer side is (KPI-SPEC §2, open_items.sql): outstanding(doc, D) =
-- amount − Σ its settlements dated ≤ D + Σ the credit applications drawn from it dated ≤ D; unapplied
-- payments and write-offs are items of their own; 'oldest' nets each supplier's credits against its
-- oldest invoices through netted_oldest_first, the supplier standing where it expects a customer.
CREATE OR REPLACE MACRO supplier_items_at(closing, matching) AS TABLE
WITH movements AS (
    SELECT document_id, date, amount FROM supplier_settlements WHERE document_id IS NOT NULL
    UNION ALL
    SELECT source_document_id, date, -amount FROM supplier_settlements WHERE kind = 'credit'
),
settled AS (
    SELECT document_id, sum(amount) AS settled FROM movements WHERE date <= closing::DATE GROUP BY document_id
),
matched AS (
    SELECT closing::DATE AS as_of,
           CASE WHEN d.amount < 0 THEN 'credit_note' ELSE 'invoice' END AS item_kind,
           d.document_id, d.supplier_id AS customer_id, d.issue_date, d.due_date,
           d.amount - coalesce(s.settled, 0) AS outstanding,
           closing::DATE - d.due_date AS days_past_due
    FROM supplier_documents AS d LEFT JOIN settled AS s USING (document_id)
    WHERE d.issue_date <= closing::DATE AND d.amount - coalesce(s.settled, 0) <> 0
    UNION ALL
    SELECT closing::DATE, 'unapplied_' || kind, settlement_id, supplier_id, date, date, -amount,
           closing::DATE - date
    FROM supplier_settlements
    WHERE document_id IS NULL AND kind IN ('cash', 'writeoff') AND date <= closing::DATE
)
SELECT * FROM matched WHERE matching <> 'oldest'
UNION ALL BY NAME
SELECT * EXCLUDE (credits_netted) FROM netted_oldest_first('matched') WHERE matching = 'oldest';

CREATE OR REPLACE MACRO d441_received(closing, fiscal_start, matching) AS TABLE
WITH invoices AS (
    SELECT outstanding, aging_bucket(days_past_due, [30, 60, 90], 'due') AS bracket, false AS disputed
    FROM supplier_items_at(closing, matching)
    WHERE is_aged_receivable(item_kind, outstanding)
)
SELECT *,
       (SELECT coalesce(sum(amount), 0) FROM supplier_documents
        WHERE issue_date BETWEEN fiscal_start::DATE AND closing::DATE) AS purchases,
       (SELECT count(*) > 0 FROM supplier_documents) AS has_suppliers
FROM d441_brackets('invoices');
