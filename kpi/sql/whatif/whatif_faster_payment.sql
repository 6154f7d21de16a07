-- label: Simulation : clients payant plus vite / What-if: customers paying faster
-- formula: each cash payment of a selected invoice made after its due date comes N days earlier, but never before the due date (a customer pays less late, not early); a payment made on time does not move; with late_payer_min_days, only customers whose amount-weighted average days late over the whole ledger is ≥ that many days
-- unit: date
CREATE OR REPLACE MACRO whatif_late_payers(min_days) AS TABLE
WITH delays AS (
    SELECT d.customer_id, sum(s.amount * greatest(s.date - d.due_date, 0)) / sum(s.amount) AS avg_days_late
    FROM settlements AS s JOIN documents AS d ON d.document_id = s.document_id
    WHERE s.kind = 'cash' AND d.amount > 0
    GROUP BY d.customer_id
)
SELECT customer_id FROM delays WHERE avg_days_late >= min_days;

CREATE OR REPLACE MACRO whatif_faster_payment_settlements(days, customers, activities, late_payer_min_days) AS TABLE
SELECT s.* REPLACE (
    CASE WHEN s.kind = 'cash' AND d.amount > 0 AND s.date > d.due_date
              AND whatif_selects(d.customer_id, d.activity, customers, activities)
              AND (late_payer_min_days IS NULL
                   OR d.customer_id IN (SELECT customer_id FROM whatif_late_payers(late_payer_min_days)))
         THEN greatest(s.date - days::INTEGER, d.due_date, d.issue_date)
         ELSE s.date END AS date)
FROM settlements AS s LEFT JOIN documents AS d ON d.document_id = s.document_id;
