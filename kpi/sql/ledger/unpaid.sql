-- label: Taux d'impayés / Unpaid rate
-- formula: KPI-SPEC §3 — Σ max(outstanding(E), 0) of invoices issued in [S, E] with due_date < E / Σ amount of invoices (amount > 0) issued in [S, E] × 100
-- unit: %
-- open_items: the name of a relation of open_items_at's shape that holds the items at each E.
CREATE OR REPLACE MACRO unpaid_of(open_items, starts, ends) AS TABLE
SELECT p.period_start, p.period_end, sum(greatest(o.outstanding, 0)) AS unpaid_amount
FROM periods_of(starts, ends) AS p
JOIN query_table(open_items) AS o
  ON o.as_of = p.period_end
 AND o.item_kind = 'invoice'
 AND o.issue_date >= p.period_start
 AND o.due_date < p.period_end
GROUP BY p.period_start, p.period_end;
