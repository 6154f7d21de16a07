-- label: Simulation : échu ancien encaissé ou passé en perte / What-if: old overdue collected or written off
-- formula: every selected invoice issued ≤ D with days past due at D > X and outstanding(D) > 0 gets one settlement of its outstanding(D), dated D, of the chosen kind (cash or writeoff); its real settlements dated after D are dropped, since the scenario has already settled it
-- unit: €
CREATE OR REPLACE MACRO whatif_overdue_targets(on_date, older_than_days, customers, activities) AS TABLE
SELECT d.document_id, d.customer_id,
       d.amount - coalesce(sum(s.amount) FILTER (s.date <= on_date::DATE), 0) AS outstanding
FROM documents AS d LEFT JOIN settlements AS s ON s.document_id = d.document_id
WHERE d.amount > 0 AND d.issue_date <= on_date::DATE
  AND on_date::DATE - d.due_date > older_than_days::INTEGER
  AND whatif_selects(d.customer_id, d.activity, customers, activities)
GROUP BY d.document_id, d.customer_id, d.amount
HAVING outstanding > 0;

CREATE OR REPLACE MACRO whatif_collect_overdue_settlements(on_date, older_than_days, kind, customers, activities) AS TABLE
WITH targets AS (SELECT * FROM whatif_overdue_targets(on_date, older_than_days, customers, activities))
SELECT * FROM settlements
WHERE document_id IS NULL OR date <= on_date::DATE OR document_id NOT IN (SELECT document_id FROM targets)
UNION ALL BY NAME
SELECT 'whatif-' || kind || '-' || document_id AS settlement_id, document_id, customer_id,
       on_date::DATE AS date, outstanding AS amount, kind::VARCHAR AS kind
FROM targets;
