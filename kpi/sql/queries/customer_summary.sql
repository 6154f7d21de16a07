-- label: Synthèse par client / Customer summary
-- formula: per customer: closing AR = AR(E); overdue AR(E); DSO = closing AR / sales × N; average days late and to collect of its cash settlements in [S, E] (as payment_delays.sql); invoices issued in [S, E]; open invoices at E
-- unit: € and days per customer
CREATE OR REPLACE MACRO customer_summary(period_start, period_end, customers, activities, matching) AS TABLE
WITH positions AS (
    SELECT customer_id, any_value(customer_name) AS customer_name,
           sum(outstanding) AS closing_ar,
           coalesce(sum(outstanding) FILTER (is_aged_receivable(item_kind, outstanding) AND days_past_due >= 1), 0) AS overdue_ar,
           count(*) FILTER (is_aged_receivable(item_kind, outstanding)) AS open_invoices,
           max(days_past_due) FILTER (is_aged_receivable(item_kind, outstanding)) AS oldest_days_past_due
    FROM open_items_at([period_end::DATE], customers, activities, matching)
    GROUP BY customer_id
),
issued AS (
    SELECT customer_id, any_value(customer_name) AS customer_name,
           sum(amount) AS sales, count(*) FILTER (amount > 0) AS invoices
    FROM ledger_documents(customers, activities)
    WHERE issue_date BETWEEN period_start AND period_end
    GROUP BY customer_id
),
paid AS (
    SELECT d.customer_id,
           sum(s.amount) AS collected_on_invoices,
           sum(s.amount * (s.date - d.issue_date)) / nullif(sum(s.amount), 0) AS avg_days_to_collect,
           sum(s.amount * greatest(s.date - d.due_date, 0)) / nullif(sum(s.amount), 0) AS avg_days_late
    FROM ledger_settlements(customers, activities) AS s
    JOIN ledger_documents(customers, activities) AS d USING (document_id)
    WHERE s.kind = 'cash' AND d.amount > 0 AND s.date BETWEEN period_start AND period_end
    GROUP BY d.customer_id
)
SELECT customer_id,
       coalesce(p.customer_name, i.customer_name) AS customer_name,
       coalesce(p.closing_ar, 0) AS closing_ar,
       coalesce(p.overdue_ar, 0) AS overdue_ar,
       coalesce(i.sales, 0) AS sales,
       kpi_dso(coalesce(p.closing_ar, 0), i.sales, period_end::DATE - period_start::DATE + 1) AS dso,
       paid.avg_days_to_collect,
       paid.avg_days_late,
       coalesce(i.invoices, 0) AS invoices,
       coalesce(p.open_invoices, 0) AS open_invoices,
       p.oldest_days_past_due
FROM positions AS p
FULL OUTER JOIN issued AS i USING (customer_id)
LEFT JOIN paid USING (customer_id);
