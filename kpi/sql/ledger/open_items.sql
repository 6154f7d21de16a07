-- label: Pièces ouvertes à une date / Open items at a date
-- formula: KPI-SPEC §2 — outstanding(doc, t) = amount − Σ settlements of doc dated ≤ t + Σ credit applications drawn from doc dated ≤ t, for documents issued ≤ t; unapplied cash and write-offs dated ≤ t count −amount; matching 'oldest' then nets each customer's credits against its open invoices (matching.sql)
-- unit: € per item, days past due = t − due_date, age = t − issue_date
-- One row per (as_of, item) whose outstanding is not zero. Documents settled for good
-- before a date are skipped through their open_until column (document_status.sql), so a
-- range join keeps only the items open at each date instead of every document ever issued.
--
-- A settlement moves its document by −amount; a `credit` also moves its credit note
-- (source_document_id) by +amount, so the pair's total never changes: a credit application
-- changes what is open, never AR. Each document takes the movements of both of its sides
-- whatever the filters keep of the other document (KPI-SPEC §4).
CREATE OR REPLACE MACRO matched_items_at(as_of_dates, customers, activities) AS TABLE
WITH as_of AS (
    SELECT DISTINCT unnest(as_of_dates::DATE[]) AS as_of
),
candidates AS (
    SELECT t.as_of, d.*
    FROM ledger_documents(customers, activities) AS d
    JOIN as_of AS t ON d.issue_date <= t.as_of AND d.open_until > t.as_of
),
movements AS (
    SELECT document_id, date, amount FROM settlements WHERE document_id IS NOT NULL
    UNION ALL
    SELECT source_document_id, date, -amount FROM settlements WHERE kind = 'credit'
),
settled_by_date AS (
    SELECT c.as_of, c.document_id, sum(m.amount) AS settled
    FROM candidates AS c JOIN movements AS m ON m.document_id = c.document_id AND m.date <= c.as_of
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
-- Cash received and write-offs booked without a document (non lettré): they reduce the
-- customer's AR from their date on.
unapplied_settlements AS (
    SELECT t.as_of, 'unapplied_' || s.kind AS item_kind,
           s.settlement_id AS document_id, s.customer_id,
           coalesce(names.customer_name, s.customer_id) AS customer_name,
           NULL::VARCHAR AS activity, s.date AS issue_date, s.date AS due_date,
           -s.amount AS amount, -s.amount AS outstanding
    FROM ledger_settlements(customers, activities) AS s
    JOIN as_of AS t ON s.date <= t.as_of
    LEFT JOIN (SELECT customer_id, any_value(customer_name) AS customer_name
               FROM documents GROUP BY customer_id) AS names USING (customer_id)
    WHERE s.document_id IS NULL AND s.kind IN ('cash', 'writeoff')
)
SELECT *, as_of - due_date AS days_past_due, as_of - issue_date AS age_days
FROM (SELECT * FROM document_items WHERE outstanding <> 0
      UNION ALL BY NAME
      SELECT * FROM unapplied_settlements);

-- The open items at each date in a matching mode (KPI-SPEC §2): 'matched' as the data matched
-- them, 'oldest' with each customer's credits applied to its oldest invoices. credits_netted is
-- what the 'oldest' rule took off an item (0 in 'matched'). A bound `matching` is a constant
-- when DuckDB plans the query, so the branch of the other mode is pruned and costs nothing.
CREATE OR REPLACE MACRO open_items_at(as_of_dates, customers, activities, matching) AS TABLE
WITH matched AS (
    SELECT * FROM matched_items_at(as_of_dates, customers, activities)
)
SELECT *, 0::DECIMAL(18, 2) AS credits_netted FROM matched WHERE matching <> 'oldest'
UNION ALL BY NAME
SELECT * FROM netted_oldest_first('matched') WHERE matching = 'oldest';
