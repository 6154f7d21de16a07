-- label: Règlements retenus par les filtres / Filtered settlements
-- formula: KPI-SPEC §4 — settlements of the kept documents; unapplied cash and write-offs follow the customer filter and are dropped by an activity filter; a credit application is kept when either of its two documents (the invoice or the credit note) is kept
-- unit: —
CREATE OR REPLACE MACRO ledger_settlements(customers, activities) AS TABLE
SELECT s.*
FROM settlements AS s
WHERE (len(customers::VARCHAR[]) = 0 AND len(activities::VARCHAR[]) = 0)
   OR (s.document_id IS NULL
       AND len(activities::VARCHAR[]) = 0
       AND list_contains(customers::VARCHAR[], s.customer_id))
   -- The subquery is empty without filters, so that the no-filter case never joins.
   OR s.document_id IN (SELECT document_id FROM ledger_documents(customers, activities)
                        WHERE len(customers::VARCHAR[]) > 0 OR len(activities::VARCHAR[]) > 0)
   OR s.source_document_id IN (SELECT document_id FROM ledger_documents(customers, activities)
                               WHERE len(customers::VARCHAR[]) > 0 OR len(activities::VARCHAR[]) > 0);
