-- label: Flux de la période / Period flows
-- formula: KPI-SPEC §3 — sales = Σ amount of documents issued in [S, E] (credit notes included); collected = Σ cash settlements dated in [S, E] (applied or not); written_off = Σ writeoff settlements in [S, E]; invoiced = Σ amount of invoices (amount > 0) issued in [S, E]
-- unit: €
CREATE OR REPLACE MACRO period_flows(starts, ends, customers, activities) AS TABLE
WITH periods AS (SELECT * FROM periods_of(starts, ends)),
issued AS (
    SELECT p.period_start, p.period_end, sum(d.amount) AS sales, sum(d.amount) FILTER (d.amount > 0) AS invoiced
    FROM periods AS p JOIN ledger_documents(customers, activities) AS d
      ON d.issue_date >= p.period_start AND d.issue_date <= p.period_end
    GROUP BY p.period_start, p.period_end
),
settled AS (
    SELECT p.period_start, p.period_end,
           sum(s.amount) FILTER (s.kind = 'cash') AS collected,
           sum(s.amount) FILTER (s.kind = 'writeoff') AS written_off
    FROM periods AS p JOIN ledger_settlements(customers, activities) AS s
      ON s.date >= p.period_start AND s.date <= p.period_end
    GROUP BY p.period_start, p.period_end
)
SELECT p.period_start, p.period_end, p.days,
       coalesce(sales, 0) AS sales,
       coalesce(invoiced, 0) AS invoiced,
       coalesce(collected, 0) AS collected,
       coalesce(written_off, 0) AS written_off
FROM periods AS p LEFT JOIN issued USING (period_start, period_end)
LEFT JOIN settled USING (period_start, period_end);
