-- label: Taux d'activation / Activation rate
-- formula: KPI-SPEC §3 — customers with an overdue invoice still outstanding at S − 1; share of them with ≥ 1 cash settlement in [S, E], × 100
-- unit: %
-- kpi: activation_rate percent higher
-- open_items: the name of a relation of open_items_at's shape that holds the items at each S − 1.
CREATE OR REPLACE MACRO activation_of(open_items, starts, ends, customers, activities) AS TABLE
WITH periods AS (SELECT * FROM periods_of(starts, ends)),
late_customers AS (
    SELECT DISTINCT p.period_start, p.period_end, o.customer_id
    FROM periods AS p
    JOIN query_table(open_items) AS o
      ON o.as_of = p.period_start - 1
    WHERE o.item_kind = 'invoice' AND o.outstanding > 0 AND o.days_past_due >= 1
),
paying_customers AS (
    SELECT DISTINCT p.period_start, p.period_end, s.customer_id
    FROM period_days(starts, ends) AS p JOIN ledger_settlements(customers, activities) AS s
      ON s.kind = 'cash' AND s.date = p.day
    WHERE s.date BETWEEN list_min(starts::DATE[]) AND list_max(ends::DATE[])
)
SELECT l.period_start, l.period_end,
       count(*) AS late_customers,
       count(c.customer_id) AS activated_customers,
       100.0 * count(c.customer_id) / count(*) AS activation_rate
FROM late_customers AS l LEFT JOIN paying_customers AS c USING (period_start, period_end, customer_id)
GROUP BY l.period_start, l.period_end;
