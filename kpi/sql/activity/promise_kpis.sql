-- label: Promesses de paiement tenues et rompues / Promises to pay kept and broken
-- formula: at E (promise_status.sql, promises.sql): open promises = count and Σ amount of those open at E; kept rate = promises whose deadline (promised date + grace) falls in [S, E] kept / those kept or broken × 100 (every one of them is decided at E); broken amount = Σ amount of those whose deadline falls in [S, E] broken at E
-- unit: count, €, %
-- kpi: promises_open_count count neutral
-- kpi: promises_open_amount money neutral
-- kpi: promise_kept_rate percent higher
-- kpi: broken_promises_amount money lower
CREATE OR REPLACE MACRO kpi_promise_kept_rate(kept, broken) AS
    kept / nullif(kept + broken, 0) * 100;

CREATE OR REPLACE MACRO promise_kpis(period_start, period_end, grace_days, customers, activities) AS TABLE
WITH promises_at AS (
    SELECT *, deadline BETWEEN period_start AND period_end AS decided_in_period
    FROM promise_status(period_end, grace_days, customers, activities)
)
SELECT count(*) FILTER (status = 'open') AS promises_open_count,
       coalesce(sum(amount) FILTER (status = 'open'), 0) AS promises_open_amount,
       count(*) FILTER (decided_in_period AND status = 'kept') AS promises_kept,
       count(*) FILTER (decided_in_period AND status = 'broken') AS promises_broken,
       kpi_promise_kept_rate(count(*) FILTER (decided_in_period AND status = 'kept'),
                             count(*) FILTER (decided_in_period AND status = 'broken')) AS promise_kept_rate,
       coalesce(sum(amount) FILTER (decided_in_period AND status = 'broken'), 0) AS broken_promises_amount
FROM promises_at;
