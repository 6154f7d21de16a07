-- label: Relances suivies d'un paiement / Reminders followed by a payment
-- formula: a reminder dated in [S, E] succeeds when a cash settlement of the same document (when the reminder names one), else of the same customer, is dated between the reminder's day and window_days later (both included)
-- unit: one row per reminder
CREATE OR REPLACE MACRO reminder_outcomes(period_start, period_end, window_days, customers, activities) AS TABLE
SELECT r.*,
       EXISTS (SELECT 1 FROM settlements AS s
               WHERE s.kind = 'cash'
                 AND s.date BETWEEN r.date AND r.date + window_days::INTEGER
                 AND CASE WHEN r.document_id IS NOT NULL THEN s.document_id = r.document_id
                          ELSE s.customer_id = r.customer_id END) AS paid
FROM ledger_reminders(customers, activities) AS r
WHERE r.date BETWEEN period_start AND period_end;
