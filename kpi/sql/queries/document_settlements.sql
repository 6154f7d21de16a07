-- label: Ce qui a soldé une pièce / What settled a document
-- formula: for each document asked for, its movements dated ≤ t (KPI-SPEC §2): payments, write-offs and credit notes applied to it; for a credit note, the invoices it was applied to
-- unit: € per movement
-- counterpart: the credit note applied to an invoice, or the invoice a credit note was applied to.
CREATE OR REPLACE MACRO document_settlements(document_ids, as_of_date) AS TABLE
SELECT document_id, settlement_id, date, kind, amount, source_document_id AS counterpart
FROM settlements
WHERE list_contains(document_ids::VARCHAR[], document_id) AND date <= as_of_date::DATE
UNION ALL
SELECT source_document_id AS document_id, settlement_id, date, 'credit_applied' AS kind, amount,
       document_id AS counterpart
FROM settlements
WHERE kind = 'credit' AND list_contains(document_ids::VARCHAR[], source_document_id) AND date <= as_of_date::DATE;
