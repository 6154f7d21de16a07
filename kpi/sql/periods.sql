-- label: Périodes / Periods
-- formula: KPI-SPEC §3 — [S, E] both days included, N = E − S + 1
-- unit: days
CREATE OR REPLACE MACRO periods_of(starts, ends) AS TABLE
SELECT period_start, period_end, period_end - period_start + 1 AS days
FROM (SELECT unnest(starts::DATE[]) AS period_start, unnest(ends::DATE[]) AS period_end);
