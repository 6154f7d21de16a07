-- label: Relevé de compte / Customer statement
-- formula: for one customer at t, its open items in the matching mode (open_items.sql, KPI-SPEC §2): amount, settled = what its own settlements and credit applications dated ≤ t took off it, netted = what the oldest-first rule took off it (0 in 'matched'), outstanding = amount − settled − netted, days past due = t − due_date; balance = Σ outstanding = the customer's AR(t), as the aged balance shows it
-- unit: € per item, days
-- section: 'open' for an invoice still owed (the aged balance's buckets), 'credit_notes' and
-- 'unapplied_payments' for the two unapplied columns of the aged balance. `netted` is signed like
-- the item: a credit used by the oldest-first rule moves towards zero from below.
CREATE OR REPLACE MACRO statement_items(as_of_date, customer, matching) AS TABLE
WITH items AS (
    SELECT *, is_aged_receivable(item_kind, outstanding) AS receivable
    FROM open_items_at([as_of_date::DATE], [customer::VARCHAR], [], matching)
),
signed AS (
    SELECT *, CASE WHEN receivable THEN credits_netted ELSE -credits_netted END AS netted
    FROM items
)
SELECT CASE WHEN receivable THEN 'open'
            WHEN item_kind = 'credit_note' THEN 'credit_notes'
            ELSE 'unapplied_payments' END AS section,
       item_kind, document_id, customer_name, issue_date, due_date, amount,
       (amount - outstanding - netted)::DECIMAL(18, 2) AS settled,
       netted::DECIMAL(18, 2) AS netted,
       outstanding,
       CASE WHEN receivable THEN days_past_due END AS days_past_due
FROM signed;

-- Who a customer id names, from its documents, else from its settlements alone (a customer that only
-- paid): no row when the ledger does not know it.
CREATE OR REPLACE MACRO statement_customer(customer) AS TABLE
SELECT customer_id, customer_name
FROM (SELECT 1 AS source, customer_id, any_value(customer_name) AS customer_name FROM documents
      WHERE customer_id = customer::VARCHAR GROUP BY customer_id
      UNION ALL
      SELECT 2 AS source, customer_id, customer_id AS customer_name FROM settlements
      WHERE customer_id = customer::VARCHAR GROUP BY customer_id)
ORDER BY source
LIMIT 1;

-- The customers with an overdue invoice at t (outstanding > 0, days past due ≥ 1) in the matching mode,
-- the largest overdue amount first: those a batch of statements or letters is for.
CREATE OR REPLACE MACRO statement_overdue_customers(as_of_date, matching) AS TABLE
SELECT customer_id, any_value(customer_name) AS customer_name, sum(outstanding) AS overdue
FROM open_items_at([as_of_date::DATE], [], [], matching)
WHERE is_aged_receivable(item_kind, outstanding) AND days_past_due >= 1
GROUP BY customer_id
ORDER BY overdue DESC, customer_id;
