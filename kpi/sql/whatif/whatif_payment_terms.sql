-- label: Simulation : délais de paiement / What-if: payment terms
-- formula: for the selected invoices, new due date = issue date + days (when days is given), then at most issue date + cap days (LME: 60); with shift_payments, each cash payment of such an invoice moves by (new due date − old due date), never before the invoice's issue date; write-offs, credit notes and unapplied cash do not move
-- unit: date
CREATE OR REPLACE MACRO whatif_terms_base(issue_date, due_date, days) AS
    CASE WHEN days IS NULL THEN due_date ELSE issue_date + days::INTEGER END;

CREATE OR REPLACE MACRO whatif_new_due_date(issue_date, due_date, days, cap_days) AS
    CASE WHEN cap_days IS NULL THEN whatif_terms_base(issue_date, due_date, days)
         ELSE least(whatif_terms_base(issue_date, due_date, days), issue_date + cap_days::INTEGER) END;

CREATE OR REPLACE MACRO whatif_terms_documents(days, cap_days, customers, activities) AS TABLE
SELECT * REPLACE (
    CASE WHEN amount > 0 AND whatif_selects(customer_id, activity, customers, activities)
         THEN whatif_new_due_date(issue_date, due_date, days, cap_days)
         ELSE due_date END AS due_date)
FROM documents;

CREATE OR REPLACE MACRO whatif_terms_settlements(days, cap_days, customers, activities, shift_payments) AS TABLE
SELECT s.* REPLACE (
    CASE WHEN shift_payments AND s.kind = 'cash' AND d.amount > 0
              AND whatif_selects(d.customer_id, d.activity, customers, activities)
         THEN greatest(d.issue_date,
                       s.date + (whatif_new_due_date(d.issue_date, d.due_date, days, cap_days) - d.due_date)::INTEGER)
         ELSE s.date END AS date)
FROM settlements AS s LEFT JOIN documents AS d ON d.document_id = s.document_id;
