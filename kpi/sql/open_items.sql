-- label: Pièces ouvertes à une date / Open items at a date
-- formula: KPI-SPEC §2 — outstanding(doc, t) = amount − Σ settlements of doc dated ≤ t, for documents issued ≤ t; unapplied cash dated ≤ t counts −amount
-- unit: € per item, days past due = t − due_date, age = t − issue_date
-- One row per (as_of, item) whose outstanding is not zero. Documents settled for good
-- before a date are skipped through their open_until column (document_status.sql), so a
-- range join keeps only the items open at each date instead of every document ever issued.
CREATE OR REPLACE MACRO open_items_at(as_of_dates, customers, activities) AS TABLE
WITH as_of AS (
    SELECT DISTINCT unnest(as_of_dates::DATE[]) AS as_of
),
candidates AS (
    SELECT t.as_of, d.*
    FROM ledger_documents(customers, activities) AS d
    JOIN as_of AS t ON d.issue_date <= t.as_of AND d.open_until > t.as_of
),
settled_by_date AS (
    SELECT c.as_of, c.document_id, sum(s.amount) AS settled
    FROM candidates AS c JOIN settlements AS s ON s.document_id = c.document_id AND s.date <= c.as_of
    GROUP BY ALL
),
document_items AS (
    SELECT c.as_of,
           CASE WHEN c.amount < 0 THEN 'credit_note' ELSE 'invoice' END AS item_kind,
           c.document_id, c.customer_id, c.customer_name, c.activity,
           c.issue_date, c.due_date, c.amount,
           c.amount - coalesce(s.settled, 0) AS outstanding
    FROM candidates AS c LEFT JOIN settled_by_date AS s USING (as_of, document_id)
),
unapplied_cash AS (
    SELECT t.as_of, 'unapplied_cash' AS item_kind,
           s.settlement_id AS document_id, s.customer_id,
           coalesce(names.customer_name, s.customer_id) AS customer_name,
           NULL::VARCHAR AS activity, s.date AS issue_date, s.date AS due_date,
           -s.amount AS amount, -s.amount AS outstanding
    FROM ledger_settlements(customers, activities) AS s
    JOIN as_of AS t ON s.date <= t.as_of
    LEFT JOIN (SELECT customer_id, any_value(customer_name) AS customer_name
               FROM documents GROUP BY customer_id) AS names USING (customer_id)
    WHERE s.document_id IS NULL AND s.kind = 'cash'
)
SELECT *, as_of - due_date AS days_past_due, as_of - issue_date AS age_days
FROM (SELECT * FROM document_items WHERE outstanding <> 0
      UNION ALL BY NAME
      SELECT * FROM unapplied_cash);
