-- label: Score de risque client / Customer risk score
-- formula: per customer at date D, eight factors each worth 0–3 points (0–2 for trend and concentration): share of the last 12 months' payments made late (> 20 / 50 / 80 %), their amount-weighted average days late (> 5 / 15 / 30 days), its trend = last 3 months − the 9 before (> 5 / 15 days), overdue share of the customer's gross AR at D (> 20 / 50 / 80 %), oldest days past due at D (> 30 / 60 / 120 days), write-offs / invoiced over the history (> 0 / 2 / 5 %), share of the total gross AR at D (> 10 / 20 %), disputed amount of the invoices of the last 12 months / those invoices (> 2 / 5 / 10 %, only when a disputes log was imported); rating by total points: A 0–3, B 4–7, C 8–11, D ≥ 12
-- unit: points and rating A–D
-- docs/risk-score.md explains the choice of factors and thresholds. A factor that cannot be
-- measured (no payment in 12 months, no AR) scores 0 and shows as empty: the score never
-- guesses; without a disputes log the dispute factor is not measured.
CREATE OR REPLACE MACRO risk_points(value, first, second, third) AS
    CASE WHEN value IS NULL THEN 0
         WHEN value > third THEN 3
         WHEN value > second THEN 2
         WHEN value > first THEN 1
         ELSE 0 END;

CREATE OR REPLACE MACRO risk_rating(points) AS
    CASE WHEN points >= 12 THEN 'D' WHEN points >= 8 THEN 'C' WHEN points >= 4 THEN 'B' ELSE 'A' END;

CREATE OR REPLACE MACRO risk_scores(as_of_date, customers, activities, matching) AS TABLE
WITH payments AS (
    SELECT d.customer_id, s.amount, s.date, greatest(s.date - d.due_date, 0) AS days_late
    FROM ledger_settlements(customers, activities) AS s
    JOIN ledger_documents(customers, activities) AS d ON d.document_id = s.document_id
    WHERE s.kind = 'cash' AND d.amount > 0
      AND s.date <= as_of_date::DATE AND s.date > as_of_date::DATE - 365
),
behaviour AS (
    SELECT customer_id,
           sum(amount) AS paid_12m,
           coalesce(sum(amount) FILTER (days_late > 0), 0) / sum(amount) * 100 AS late_share,
           sum(amount * days_late) / sum(amount) AS avg_days_late,
           sum(amount * days_late) FILTER (date > as_of_date::DATE - 91)
               / nullif(sum(amount) FILTER (date > as_of_date::DATE - 91), 0)
           - sum(amount * days_late) FILTER (date <= as_of_date::DATE - 91)
               / nullif(sum(amount) FILTER (date <= as_of_date::DATE - 91), 0) AS days_late_trend
    FROM payments
    GROUP BY customer_id
),
positions AS (
    SELECT customer_id,
           sum(outstanding) FILTER (is_aged_receivable(item_kind, outstanding)) AS gross_ar,
           coalesce(sum(outstanding) FILTER (is_aged_receivable(item_kind, outstanding) AND days_past_due >= 1), 0) AS overdue_ar,
           max(days_past_due) FILTER (is_aged_receivable(item_kind, outstanding) AND days_past_due >= 1) AS oldest_days_past_due,
           coalesce(sum(outstanding) FILTER (is_aged_receivable(item_kind, outstanding) AND days_past_due > 120), 0) AS over_120_ar,
           count(*) FILTER (is_aged_receivable(item_kind, outstanding) AND days_past_due > 120) AS over_120_invoices
    FROM open_items_at([as_of_date::DATE], customers, activities, matching)
    GROUP BY customer_id
),
history AS (
    SELECT customer_id, any_value(customer_name ORDER BY issue_date DESC) AS customer_name,
           sum(amount) FILTER (amount > 0) AS invoiced,
           max(issue_date) AS last_issue_date
    FROM ledger_documents(customers, activities)
    WHERE issue_date <= as_of_date::DATE
    GROUP BY customer_id
),
losses AS (
    SELECT customer_id, sum(amount) AS written_off
    FROM ledger_settlements(customers, activities)
    WHERE kind = 'writeoff' AND date <= as_of_date::DATE
    GROUP BY customer_id
),
disputed AS (
    SELECT customer_id, sum(least(amount, document_amount)) AS disputed_12m
    FROM ledger_disputes(customers, activities)
    WHERE opened_date <= as_of_date::DATE AND issue_date > as_of_date::DATE - 365 AND document_amount > 0
    GROUP BY customer_id
),
recent_sales AS (
    SELECT customer_id, sum(amount) FILTER (amount > 0) AS invoiced_12m
    FROM ledger_documents(customers, activities)
    WHERE issue_date <= as_of_date::DATE AND issue_date > as_of_date::DATE - 365
    GROUP BY customer_id
),
factors AS (
    SELECT h.customer_id, h.customer_name,
           coalesce(p.gross_ar, 0) AS gross_ar,
           coalesce(p.overdue_ar, 0) AS overdue_ar,
           coalesce(p.over_120_ar, 0) AS over_120_ar,
           coalesce(p.over_120_invoices, 0) AS over_120_invoices,
           b.paid_12m,
           b.late_share,
           b.avg_days_late,
           b.days_late_trend,
           p.overdue_ar / nullif(p.gross_ar, 0) * 100 AS overdue_share,
           p.oldest_days_past_due,
           coalesce(l.written_off, 0) / nullif(h.invoiced, 0) * 100 AS write_off_rate,
           p.gross_ar / nullif(sum(p.gross_ar) OVER (), 0) * 100 AS concentration,
           CASE WHEN EXISTS (SELECT 1 FROM disputes)
                THEN coalesce(x.disputed_12m, 0) / nullif(r.invoiced_12m, 0) * 100 END AS dispute_rate
    FROM history AS h
    LEFT JOIN behaviour AS b USING (customer_id)
    LEFT JOIN positions AS p USING (customer_id)
    LEFT JOIN losses AS l USING (customer_id)
    LEFT JOIN disputed AS x USING (customer_id)
    LEFT JOIN recent_sales AS r USING (customer_id)
    -- Customers still trading or still owing: a customer gone for a year has no risk to score.
    WHERE coalesce(p.gross_ar, 0) > 0 OR b.paid_12m IS NOT NULL OR h.last_issue_date > as_of_date::DATE - 365
),
points AS (
    SELECT *,
           risk_points(late_share, 20, 50, 80) AS late_share_points,
           risk_points(avg_days_late, 5, 15, 30) AS avg_days_late_points,
           least(risk_points(days_late_trend, 5, 15, 15), 2) AS days_late_trend_points,
           risk_points(overdue_share, 20, 50, 80) AS overdue_share_points,
           risk_points(oldest_days_past_due, 30, 60, 120) AS oldest_days_past_due_points,
           risk_points(write_off_rate, 0, 2, 5) AS write_off_rate_points,
           least(risk_points(concentration, 10, 20, 20), 2) AS concentration_points,
           risk_points(dispute_rate, 2, 5, 10) AS dispute_rate_points
    FROM factors
)
SELECT *,
       late_share_points + avg_days_late_points + days_late_trend_points + overdue_share_points
       + oldest_days_past_due_points + write_off_rate_points + concentration_points + dispute_rate_points AS points,
       risk_rating(late_share_points + avg_days_late_points + days_late_trend_points + overdue_share_points
                   + oldest_days_past_due_points + write_off_rate_points + concentration_points
                   + dispute_rate_points) AS rating
FROM points;
