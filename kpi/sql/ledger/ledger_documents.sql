-- label: Documents retenus par les filtres / Filtered documents
-- formula: KPI-SPEC §4 — documents whose customer and activity match the filters (an empty list keeps all)
-- unit: —
CREATE OR REPLACE MACRO ledger_documents(customers, activities) AS TABLE
SELECT *
FROM documents
WHERE (len(customers::VARCHAR[]) = 0 OR list_contains(customers::VARCHAR[], customer_id))
  AND (len(activities::VARCHAR[]) = 0 OR list_contains(activities::VARCHAR[], activity));
