-- label: Historique de paiement d'un client / Customer payment history
-- formula: one row per cash settlement applied to an invoice (amount > 0) dated ≤ $until: days_to_pay = date − issue_date, days_late = max(0, date − due_date), as in avg_days_to_collect / avg_days_late of KPI-SPEC §3
-- unit: days
SELECT d.document_id,
       d.issue_date,
       d.due_date,
       d.amount AS invoice_amount,
       s.date AS paid_date,
       s.amount,
       s.date - d.issue_date AS days_to_pay,
       greatest(0, s.date - d.due_date) AS days_late
FROM ledger_documents($customers, $activities) AS d
JOIN ledger_settlements($customers, $activities) AS s USING (document_id)
WHERE s.kind = 'cash' AND d.amount > 0 AND s.date <= $until
ORDER BY d.issue_date, d.document_id, s.date;
