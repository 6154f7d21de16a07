-- label: Promesses de paiement / Promises to pay
-- formula: a promise (customer, optional document, made on its promise date P, amount A promised for its promised date Q) has the deadline Q + the grace days (plan_grace_days, as for payment plans); at D it is kept when the cash received in [P, min(deadline, D)] covers A — cash applied to its document when it names one, any cash of the customer (applied or unapplied) otherwise —, broken when the deadline is ≤ D without that, open otherwise; promises made after D are not known at D
-- unit: one row per promise
-- Overlapping promises of one customer: each promise counts the cash of its own window, on its own.
-- A payment dated in the windows of two promises counts for both (a promise of 500 € on the balance
-- and another of 300 € on one invoice are both kept by one payment of 500 € applied to that invoice):
-- the log says what was promised, not which payment answers which promise, so nothing is shared out.
-- A promise naming a document follows the document through the customer and activity filters; one on
-- the customer's balance follows the customer filter and is dropped by an activity filter, as payment
-- plans and unapplied cash are (KPI-SPEC §4).
-- A promise naming a document belongs to the document's customer, whatever the log wrote in its customer
-- column (a name where the ledger has codes, say).
CREATE OR REPLACE MACRO ledger_promises(customers, activities) AS TABLE
WITH owned AS (
    SELECT p.* REPLACE (coalesce(d.customer_id, p.customer_id) AS customer_id)
    FROM promises AS p LEFT JOIN documents AS d USING (document_id)
)
SELECT o.*
FROM owned AS o
WHERE (len(customers::VARCHAR[]) = 0 OR list_contains(customers::VARCHAR[], o.customer_id))
  AND (len(activities::VARCHAR[]) = 0
       OR o.document_id IN (SELECT document_id FROM ledger_documents(customers, activities)));

-- Cash of a promise's window: applied to its document when it names one, else any of the customer's.
CREATE OR REPLACE MACRO promise_cash(customer, document, from_date, to_date) AS (
    SELECT coalesce(sum(s.amount), 0) FROM settlements AS s
    WHERE s.kind = 'cash'
      AND (s.document_id = document OR (document IS NULL AND s.customer_id = customer))
      AND s.date BETWEEN from_date AND to_date
);

CREATE OR REPLACE MACRO promise_status(as_of_date, grace_days, customers, activities) AS TABLE
WITH windows AS (
    SELECT p.promise_id, p.customer_id, p.document_id, p.promise_date, p.promised_date, p.amount, p.import_id,
           p.promised_date + grace_days::INTEGER AS deadline
    FROM ledger_promises(customers, activities) AS p
    WHERE p.promise_date <= as_of_date::DATE
),
paid AS (
    SELECT *, promise_cash(customer_id, document_id, promise_date, least(deadline, as_of_date::DATE)) AS cash_received
    FROM windows
)
SELECT *,
       CASE WHEN cash_received >= amount THEN 'kept'
            WHEN deadline <= as_of_date::DATE THEN 'broken'
            ELSE 'open' END AS status,
       -- what is still to come of an open promise (its part already paid is in the ledger)
       CASE WHEN cash_received < amount AND deadline > as_of_date::DATE THEN amount - cash_received END AS remaining
FROM paid;
