-- label: Litiges retenus par les filtres / Filtered disputes
-- formula: KPI-SPEC §4 applied to disputes — a dispute follows its document; its amount is the disputed amount, or the document's full amount when the log gives none
-- unit: —
CREATE OR REPLACE MACRO ledger_disputes(customers, activities) AS TABLE
SELECT x.dispute_id, x.document_id, d.customer_id, d.customer_name, d.activity, d.issue_date,
       d.amount AS document_amount, x.opened_date, x.resolved_date,
       coalesce(x.amount, d.amount) AS amount, x.reason
FROM disputes AS x JOIN ledger_documents(customers, activities) AS d USING (document_id);
