-- label: Simulation : échu ancien encaissé ou passé en perte / What-if: old overdue collected or written off
-- formula: every selected invoice with days past due at D > X and an outstanding(D) > 0 in the matching mode asked for (KPI-SPEC §2: what credit notes cancel is not outstanding) gets one settlement of that outstanding, dated D, of the chosen kind (cash or writeoff); its real cash and write-off settlements dated after D are dropped, since the scenario has already settled it
-- unit: €
CREATE OR REPLACE MACRO whatif_overdue_targets(on_date, older_than_days, customers, activities, matching) AS TABLE
SELECT document_id, customer_id, outstanding
FROM open_items_at([on_date::DATE], [], [], matching)
WHERE is_aged_receivable(item_kind, outstanding) AND days_past_due > older_than_days::INTEGER
  AND whatif_selects(customer_id, activity, customers, activities);

CREATE OR REPLACE MACRO whatif_collect_overdue_settlements(on_date, older_than_days, settlement_kind, customers, activities, matching) AS TABLE
WITH targets AS (SELECT * FROM whatif_overdue_targets(on_date, older_than_days, customers, activities, matching))
SELECT * FROM settlements
WHERE document_id IS NULL OR date <= on_date::DATE OR kind = 'credit'
   OR document_id NOT IN (SELECT document_id FROM targets)
UNION ALL BY NAME
SELECT 'whatif-' || settlement_kind || '-' || document_id AS settlement_id, document_id, customer_id,
       on_date::DATE AS date, outstanding AS amount, settlement_kind::VARCHAR AS kind
FROM targets;
