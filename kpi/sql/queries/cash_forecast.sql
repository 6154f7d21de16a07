-- label: Prévision d'encaissements / Cash-in forecast
-- formula: open items at D in the matching mode asked for (a credit note applied to an invoice is not cash to come): credit notes, negative outstanding, unapplied cash and write-offs apart (unapplied credits); invoices of rating-D customers or more than 120 days past due apart (doubtful); every other invoice is expected on due date + the customer's average payment delay (amount-weighted mean of payment date − due date over its cash payments of the 12 months up to D, the ledger's when it has none), spread evenly over ± the delay's standard deviation; never before D + 1
-- unit: € per week
-- Only what was known at D is used (payments, ratings), so the same macro back-tests the
-- forecast at past dates against what was then actually collected.
CREATE OR REPLACE MACRO payment_delay_profile(as_of_date, customers, activities) AS TABLE
WITH payments AS (
    SELECT d.customer_id, s.amount::DOUBLE AS weight, (s.date - d.due_date)::DOUBLE AS delay
    FROM ledger_settlements(customers, activities) AS s
    JOIN ledger_documents(customers, activities) AS d ON d.document_id = s.document_id
    WHERE s.kind = 'cash' AND d.amount > 0
      AND s.date <= as_of_date::DATE AND s.date > as_of_date::DATE - 365
),
by_customer AS (
    SELECT customer_id, count(*) AS payments,
           sum(weight * delay) / sum(weight) AS avg_delay,
           sqrt(greatest(sum(weight * delay * delay) / sum(weight) - pow(sum(weight * delay) / sum(weight), 2), 0)) AS delay_spread
    FROM payments GROUP BY customer_id
),
overall AS (
    SELECT sum(weight * delay) / sum(weight) AS avg_delay,
           sqrt(greatest(sum(weight * delay * delay) / sum(weight) - pow(sum(weight * delay) / sum(weight), 2), 0)) AS delay_spread
    FROM payments
)
SELECT NULL::VARCHAR AS customer_id, 0 AS payments, coalesce(avg_delay, 0) AS avg_delay, coalesce(delay_spread, 0) AS delay_spread
FROM overall
UNION ALL
SELECT customer_id, payments, avg_delay, delay_spread FROM by_customer;

CREATE OR REPLACE MACRO forecast_items(as_of_date, customers, activities, matching) AS TABLE
WITH items AS (
    SELECT * FROM open_items_at([as_of_date::DATE], customers, activities, matching)
),
profiles AS (SELECT * FROM payment_delay_profile(as_of_date, customers, activities)),
overall AS (SELECT * FROM profiles WHERE customer_id IS NULL),
ratings AS (SELECT customer_id, rating FROM risk_scores(as_of_date, customers, activities, matching)),
placed AS (
    SELECT i.document_id, i.customer_id, i.customer_name, i.item_kind, i.due_date, i.days_past_due, i.outstanding,
           r.rating,
           coalesce(p.avg_delay, o.avg_delay) AS avg_delay,
           coalesce(p.delay_spread, o.delay_spread) AS delay_spread,
           p.customer_id IS NULL AS ledger_profile,
           CASE WHEN NOT is_aged_receivable(i.item_kind, i.outstanding) THEN 'unapplied_credits'
                WHEN r.rating = 'D' OR i.days_past_due > 120 THEN 'doubtful'
                ELSE 'expected' END AS category
    FROM items AS i
    LEFT JOIN profiles AS p ON p.customer_id = i.customer_id
    CROSS JOIN overall AS o
    LEFT JOIN ratings AS r ON r.customer_id = i.customer_id
),
-- An invoice already later than its customer's habit is expected from tomorrow: the
-- back-test of the demo ledger shows such invoices are mostly paid soon after.
windows AS (
    SELECT *,
           due_date + round(avg_delay)::INTEGER AS habit_date,
           due_date + round(avg_delay - delay_spread)::INTEGER AS habit_start,
           due_date + round(avg_delay + delay_spread)::INTEGER AS habit_end
    FROM placed
)
SELECT * EXCLUDE (habit_date, habit_start, habit_end),
       greatest(habit_date, as_of_date::DATE + 1) AS expected_date,
       greatest(habit_start, as_of_date::DATE + 1) AS window_start,
       greatest(habit_end, as_of_date::DATE + 1) AS window_end
FROM windows;

-- What was actually collected after D on the documents open at D: the back-test's truth.
CREATE OR REPLACE MACRO forecast_actuals(as_of_date, until_date, customers, activities, matching) AS TABLE
SELECT s.document_id, s.date, s.amount
FROM ledger_settlements(customers, activities) AS s
WHERE s.kind = 'cash' AND s.date > as_of_date::DATE AND s.date <= until_date::DATE
  AND s.document_id IN (SELECT document_id FROM open_items_at([as_of_date::DATE], customers, activities, matching)
                        WHERE item_kind = 'invoice');
