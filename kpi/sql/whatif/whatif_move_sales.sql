-- label: Simulation : transfert de ventes entre activités / What-if: sales moved between activities
-- formula: in each issue month, the invoices of the source activity taken in a fixed pseudo-random order (md5 of the document id) move whole to the target activity while their running total stays ≤ share × the month's invoices of the source activity; their settlements follow them
-- unit: €
CREATE OR REPLACE MACRO whatif_move_sales_documents(share, from_activity, to_activity) AS TABLE
WITH ranked AS (
    SELECT document_id,
           sum(amount) OVER (PARTITION BY date_trunc('month', issue_date)
                             ORDER BY md5(document_id), document_id ROWS UNBOUNDED PRECEDING) AS running,
           sum(amount) OVER (PARTITION BY date_trunc('month', issue_date)) AS month_total
    FROM documents
    WHERE activity = from_activity AND amount > 0
)
SELECT d.* REPLACE (
    CASE WHEN r.running <= r.month_total * share::DOUBLE THEN to_activity::VARCHAR ELSE d.activity END AS activity)
FROM documents AS d LEFT JOIN ranked AS r ON r.document_id = d.document_id;
