-- label: Montant sous échéancier / Amount in active plans
-- formula: per customer with a plan started at E (its cash counted from 30 days before its first installment, on or before E): max(0, Σ installments − that cash dated ≤ E); summed
-- unit: €
-- kpi: amount_in_plans money neutral
CREATE OR REPLACE MACRO plans_at(as_of, customers, activities) AS TABLE
WITH planned AS (
    SELECT customer_id, list(DISTINCT plan_id ORDER BY plan_id) AS plans, sum(amount) AS planned,
           any_value(cash_from) AS cash_from, min(due_date) AS first_due, max(due_date) AS last_due,
           count(*) AS installments, count(*) FILTER (due_date <= as_of::DATE) AS installments_due
    FROM ledger_payment_plans(customers, activities)
    GROUP BY customer_id
),
paid AS (
    SELECT *, customer_cash(customer_id, cash_from, as_of::DATE) AS paid FROM planned WHERE cash_from <= as_of::DATE
)
SELECT *, greatest(planned - paid, 0) AS remaining FROM paid;

CREATE OR REPLACE MACRO amount_in_plans(as_of, customers, activities) AS TABLE
SELECT coalesce(sum(remaining), 0) AS amount_in_plans, count(*) FILTER (remaining > 0) AS active_plans_customers
FROM plans_at(as_of, customers, activities);
