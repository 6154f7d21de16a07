-- label: Flux de la période / Period flows
-- formula: KPI-SPEC §3 — sales = Σ amount of documents issued in [S, E] (credit notes included); collected = Σ cash settlements dated in [S, E] (applied or not); written_off = Σ writeoff settlements in [S, E]; invoiced = Σ amount of invoices (amount > 0) issued in [S, E]
-- unit: €
-- kpi: sales money neutral
-- kpi: collected money neutral
-- kpi: written_off money neutral
CREATE OR REPLACE MACRO period_flows(starts, ends, customers, activities) AS TABLE
-- Summed by day, then the days by period (periods.sql): the same exact DECIMAL totals, from a
-- thousand daily rows instead of a million documents compared with each period.
WITH periods AS (SELECT * FROM periods_of(starts, ends)),
-- Only the rows of the periods' span are grouped: constant bounds DuckDB pushes into the scans.
issued AS (
    SELECT p.period_start, p.period_end, sum(d.sales) AS sales, sum(d.invoiced) AS invoiced
    FROM period_days(starts, ends) AS p
    JOIN (SELECT issue_date, sum(amount) AS sales, sum(amount) FILTER (amount > 0) AS invoiced
          FROM ledger_documents(customers, activities)
          WHERE issue_date BETWEEN list_min(starts::DATE[]) AND list_max(ends::DATE[])
          GROUP BY issue_date) AS d
      ON d.issue_date = p.day
    GROUP BY p.period_start, p.period_end
),
settled AS (
    SELECT p.period_start, p.period_end, sum(s.collected) AS collected, sum(s.written_off) AS written_off
    FROM period_days(starts, ends) AS p
    JOIN (SELECT date, sum(amount) FILTER (kind = 'cash') AS collected,
                 sum(amount) FILTER (kind = 'writeoff') AS written_off
          FROM ledger_settlements(customers, activities)
          WHERE date BETWEEN list_min(starts::DATE[]) AND list_max(ends::DATE[])
          GROUP BY date) AS s
      ON s.date = p.day
    GROUP BY p.period_start, p.period_end
)
SELECT p.period_start, p.period_end, p.days,
       coalesce(sales, 0) AS sales,
       coalesce(invoiced, 0) AS invoiced,
       coalesce(collected, 0) AS collected,
       coalesce(written_off, 0) AS written_off
FROM periods AS p LEFT JOIN issued USING (period_start, period_end)
LEFT JOIN settled USING (period_start, period_end);
