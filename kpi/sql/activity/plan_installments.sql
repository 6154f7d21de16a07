-- label: Échéances des plans de paiement / Payment-plan installments
-- formula: each customer's cash (cash settlements dated from 30 days before its first installment) is matched to its installments in due-date order: installment k is paid in full by day t when the customer's cash dated ≤ t covers the installments up to k
-- unit: one row per installment
-- Plans belong to a customer, not to a document: they follow the customer filter and are dropped
-- by an activity filter, as unapplied cash is (KPI-SPEC §4).
CREATE OR REPLACE MACRO ledger_payment_plans(customers, activities) AS TABLE
SELECT p.*,
       sum(p.amount) OVER (PARTITION BY p.customer_id ORDER BY p.due_date, p.plan_id, p.installment_id
                           ROWS UNBOUNDED PRECEDING) AS cumulative_due,
       -- Cash paid in the month before the first installment already pays the plan.
       min(p.due_date) OVER (PARTITION BY p.customer_id) - 30 AS cash_from
FROM payment_plans AS p
WHERE len(activities::VARCHAR[]) = 0
  AND (len(customers::VARCHAR[]) = 0 OR list_contains(customers::VARCHAR[], p.customer_id));

-- Cash of a plan's customer dated in [from_date, to_date].
CREATE OR REPLACE MACRO customer_cash(customer, from_date, to_date) AS (
    SELECT coalesce(sum(s.amount), 0) FROM settlements AS s
    WHERE s.kind = 'cash' AND s.customer_id = customer AND s.date BETWEEN from_date AND to_date
);

CREATE OR REPLACE MACRO plan_installments(grace_days, customers, activities) AS TABLE
SELECT p.*,
       customer_cash(p.customer_id, p.cash_from, p.due_date + grace_days::INTEGER) AS cash_by_deadline,
       customer_cash(p.customer_id, p.cash_from, p.due_date + grace_days::INTEGER) >= p.cumulative_due AS paid_in_full
FROM ledger_payment_plans(customers, activities) AS p;
