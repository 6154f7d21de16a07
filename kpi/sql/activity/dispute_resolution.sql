-- label: Délai moyen de résolution des litiges / Average dispute resolution time
-- formula: disputes resolved in [S, E]: mean of (resolved date − opened date)
-- unit: days
-- kpi: avg_dispute_resolution_days days lower
CREATE OR REPLACE MACRO dispute_resolution(period_start, period_end, customers, activities) AS TABLE
SELECT avg(resolved_date - opened_date) AS avg_dispute_resolution_days, count(*) AS resolved_disputes
FROM ledger_disputes(customers, activities)
WHERE resolved_date BETWEEN period_start AND period_end;
