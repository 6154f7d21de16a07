-- label: Respect des échéanciers / Payment-plan compliance
-- formula: installments due in [S, E] paid in full by their due date + the grace period / installments due in [S, E] × 100
-- unit: %
-- kpi: plan_compliance_rate percent higher
CREATE OR REPLACE MACRO kpi_plan_compliance_rate(kept, due) AS
    kept / nullif(due, 0) * 100;

CREATE OR REPLACE MACRO plan_compliance(period_start, period_end, grace_days, customers, activities) AS TABLE
SELECT count(*) AS installments_due,
       count(*) FILTER (paid_in_full) AS installments_kept,
       kpi_plan_compliance_rate(count(*) FILTER (paid_in_full), count(*)) AS plan_compliance_rate
FROM plan_installments(grace_days, customers, activities)
WHERE due_date BETWEEN period_start AND period_end;
