-- label: Analyse des pertes / Write-off analysis
-- formula: writeoff settlements dated in [S, E] by customer and activity; per activity, bad-debt rate = written off / sales of the activity × 100
-- unit: €, %
CREATE OR REPLACE MACRO write_offs_by_customer(period_start, period_end, customers, activities) AS TABLE
SELECT d.customer_id, any_value(d.customer_name) AS customer_name, d.activity,
       sum(s.amount) AS written_off, count(*) AS write_offs
FROM ledger_settlements(customers, activities) AS s JOIN documents AS d USING (document_id)
WHERE s.kind = 'writeoff' AND s.date BETWEEN period_start AND period_end
GROUP BY d.customer_id, d.activity
ORDER BY written_off DESC, d.customer_id;

CREATE OR REPLACE MACRO write_offs_by_activity(period_start, period_end, customers, activities) AS TABLE
WITH lost AS (
    SELECT d.activity, sum(s.amount) AS written_off
    FROM ledger_settlements(customers, activities) AS s JOIN documents AS d USING (document_id)
    WHERE s.kind = 'writeoff' AND s.date BETWEEN period_start AND period_end
    GROUP BY d.activity
),
sold AS (
    SELECT activity, sum(amount) AS sales
    FROM ledger_documents(customers, activities)
    WHERE issue_date BETWEEN period_start AND period_end
    GROUP BY activity
)
SELECT activity, coalesce(written_off, 0) AS written_off, coalesce(sales, 0) AS sales,
       kpi_bad_debt_rate(coalesce(written_off, 0), sales) AS bad_debt_rate
FROM lost FULL JOIN sold USING (activity)
ORDER BY written_off DESC, activity;
