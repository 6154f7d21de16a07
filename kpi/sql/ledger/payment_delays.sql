-- label: Délai moyen de recouvrement et retard moyen de paiement / Average days to collect and average days late
-- formula: KPI-SPEC §3 — cash settlements in [S, E] applied to invoices: amount-weighted mean of (date − issue_date), and of max(0, date − due_date)
-- unit: days
-- kpi: avg_days_to_collect days lower
-- kpi: avg_days_late days lower
CREATE OR REPLACE MACRO payment_delays(starts, ends, customers, activities) AS TABLE
SELECT p.period_start, p.period_end,
       sum(s.amount * (s.date - d.issue_date)) / nullif(sum(s.amount), 0) AS avg_days_to_collect,
       sum(s.amount * greatest(s.date - d.due_date, 0)) / nullif(sum(s.amount), 0) AS avg_days_late
FROM period_days(starts, ends) AS p
JOIN ledger_settlements(customers, activities) AS s ON s.date = p.day
JOIN ledger_documents(customers, activities) AS d ON d.document_id = s.document_id
WHERE s.kind = 'cash' AND d.amount > 0
  -- Constant bounds DuckDB pushes into the scans (skipping row groups at ten million rows): the
  -- settlements of the periods' span, and the documents not settled for good before it (a
  -- document's open_until is never before any of its settlements, document_status.sql).
  AND s.date BETWEEN list_min(starts::DATE[]) AND list_max(ends::DATE[])
  AND d.open_until >= list_min(starts::DATE[])
GROUP BY p.period_start, p.period_end;
