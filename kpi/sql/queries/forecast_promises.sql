-- label: Promesses dans la prévision / Promises in the forecast
-- formula: each promise open at D (promise_status.sql) moves what is still to come of it (its amount − the cash of its window received by D) out of the behavioural estimate and into its promised date (D + 1 when that date is past but its grace is not), capped at what the estimate holds: a promise naming a document takes from that document's expected outstanding (several on one document in promised-date order, each what the previous ones left); a promise on the customer's balance then takes from the customer's expected invoices left, oldest due date first (several in promised-date order); only invoices the forecast expects are taken from (doubtful ones stay apart, credits are not cash to come)
-- unit: € per promise placed (kind 'promise'), € per invoice taken from (kind 'item')
-- So no euro is counted twice: Σ moved of the promises = Σ taken from the invoices, and an invoice is
-- never taken from beyond its outstanding. A promise whose document is not expected at D (paid,
-- doubtful, not open) moves nothing.
-- What a claim takes of what is available once the claims before it took theirs: never below 0, never more
-- than asked, never beyond what is left.
CREATE OR REPLACE MACRO forecast_take(asked, available, taken_before) AS
    greatest(least(asked, available - coalesce(taken_before, 0)), 0);

CREATE OR REPLACE MACRO forecast_promise_plan(as_of_date, grace_days, customers, activities, matching) AS TABLE
WITH expected AS (
    SELECT document_id, customer_id, due_date, outstanding
    FROM forecast_items(as_of_date, customers, activities, matching)
    WHERE category = 'expected'
),
open_promises AS (
    SELECT promise_id, customer_id, document_id, promised_date, remaining
    FROM promise_status(as_of_date, grace_days, customers, activities)
    WHERE status = 'open'
),
on_documents AS (
    SELECT p.promise_id, p.customer_id, p.document_id, p.promised_date,
           forecast_take(p.remaining, e.outstanding,
                         sum(p.remaining) OVER (PARTITION BY p.document_id ORDER BY p.promised_date, p.promise_id
                                                ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)) AS moved
    FROM open_promises AS p JOIN expected AS e ON e.document_id = p.document_id
),
taken_by_document AS (
    SELECT document_id, sum(moved) AS moved FROM on_documents GROUP BY document_id
),
left_over AS (
    SELECT e.document_id, e.customer_id, e.due_date, coalesce(t.moved, 0) AS taken,
           e.outstanding - coalesce(t.moved, 0) AS left_over
    FROM expected AS e LEFT JOIN taken_by_document AS t USING (document_id)
),
on_customers AS (
    SELECT p.promise_id, p.customer_id, NULL::VARCHAR AS document_id, p.promised_date,
           forecast_take(p.remaining, c.left_over,
                         sum(p.remaining) OVER (PARTITION BY p.customer_id ORDER BY p.promised_date, p.promise_id
                                                ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)) AS moved
    FROM open_promises AS p
    JOIN (SELECT customer_id, sum(left_over) AS left_over FROM left_over GROUP BY customer_id) AS c
      ON c.customer_id = p.customer_id
    WHERE p.document_id IS NULL
),
taken_by_customer AS (
    SELECT customer_id, sum(moved) AS moved FROM on_customers GROUP BY customer_id
),
promises_placed AS (
    SELECT * FROM on_documents UNION ALL SELECT * FROM on_customers
)
SELECT 'promise' AS kind, promise_id, customer_id, document_id,
       greatest(promised_date, as_of_date::DATE + 1) AS expected_date, moved AS amount
FROM promises_placed WHERE moved > 0
UNION ALL
SELECT 'item' AS kind, NULL AS promise_id, l.customer_id, l.document_id, NULL::DATE AS expected_date,
       -- the customer promises' total taken from its invoices left over, oldest due date first
       l.taken + forecast_take(l.left_over, coalesce(c.moved, 0),
                               sum(l.left_over) OVER (PARTITION BY l.customer_id ORDER BY l.due_date, l.document_id
                                                      ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)) AS amount
FROM left_over AS l LEFT JOIN taken_by_customer AS c USING (customer_id);
