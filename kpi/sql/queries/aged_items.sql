-- label: Balance âgée / Aged balance
-- formula: KPI-SPEC §2 — positive outstanding of invoices at t in buckets by days past due (due basis) or by age since issue (issue basis); the unapplied credits apart, in two columns: credit notes not applied, and unapplied payments (cash and write-offs not matched, invoices paid beyond their amount); total = Σ buckets + unapplied credits = AR(t), in the matching mode asked for
-- unit: €
CREATE OR REPLACE MACRO aged_items(as_of_date, edges, basis, customers, activities, matching) AS TABLE
SELECT o.*,
       CASE WHEN is_aged_receivable(item_kind, outstanding)
            THEN aging_bucket(CASE WHEN basis = 'issue' THEN age_days ELSE days_past_due END, edges, basis)
       END AS bucket,
       CASE WHEN is_aged_receivable(item_kind, outstanding) THEN NULL
            WHEN item_kind = 'credit_note' THEN 'credit_notes'
            ELSE 'unapplied_payments' END AS unapplied_column
FROM open_items_at([as_of_date::DATE], customers, activities, matching) AS o;

-- Sums by customer and column (a bucket, or one of the two unapplied columns), by customer, by
-- column and in all: the sums stay exact DECIMAL, Python only lays them out.
CREATE OR REPLACE MACRO aged_balance_by_customer(as_of_date, edges, basis, customers, activities, matching) AS TABLE
SELECT customer_id, any_value(customer_name) AS customer_name, bucket, unapplied_column,
       GROUPING(customer_id) = 1 AS all_customers,
       GROUPING(bucket) = 1 AS all_buckets,
       sum(outstanding) AS amount, count(*) AS items
FROM aged_items(as_of_date, edges, basis, customers, activities, matching)
GROUP BY GROUPING SETS ((customer_id, bucket, unapplied_column), (customer_id), (bucket, unapplied_column), ());
