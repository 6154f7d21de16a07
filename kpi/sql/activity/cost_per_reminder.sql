-- label: Coût moyen d'une relance / Average cost per reminder
-- formula: Σ cost of the reminders of [S, E] whose cost is given / their number
-- unit: € per reminder
-- kpi: cost_per_reminder money lower
CREATE OR REPLACE MACRO cost_per_reminder(period_start, period_end, customers, activities) AS TABLE
SELECT sum(cost) / nullif(count(cost), 0) AS cost_per_reminder, sum(cost) AS reminders_cost
FROM ledger_reminders(customers, activities)
WHERE date BETWEEN period_start AND period_end;
