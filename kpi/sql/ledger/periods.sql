-- label: Périodes / Periods
-- formula: KPI-SPEC §3 — [S, E] both days included, N = E − S + 1
-- unit: days
CREATE OR REPLACE MACRO periods_of(starts, ends) AS TABLE
SELECT period_start, period_end, period_end - period_start + 1 AS days
FROM (SELECT unnest(starts::DATE[]) AS period_start, unnest(ends::DATE[]) AS period_end);

-- Every day of every period: (period_start, period_end, day). A row dated `day` belongs to the
-- periods whose days it joins on, so DuckDB hash-joins a million rows with the 36 months of a
-- series on one equality, where "date BETWEEN start AND end" compared each row with each period.
CREATE OR REPLACE MACRO period_days(starts, ends) AS TABLE
SELECT period_start, period_end, unnest(generate_series(period_start, period_end, INTERVAL 1 DAY))::DATE AS day
FROM periods_of(starts, ends);
