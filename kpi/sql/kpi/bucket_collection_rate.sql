-- label: Taux de recouvrement par tranche / Collection rate per ageing bucket
-- formula: for the aged balance at S − 1, per bucket: Σ min(cash settlements of the document dated in [S, E], its outstanding at S − 1) / Σ outstanding at S − 1 × 100
-- unit: %
-- kpi: collection_rate_by_bucket percent higher
-- open_items: the name of a relation of open_items_at's shape that holds the items at each S − 1
-- (period_kpis passes the items it has already computed for the opening AR).
CREATE OR REPLACE MACRO bucket_collection_of(open_items, starts, ends, edges) AS TABLE
WITH opening AS (
    SELECT p.period_start, p.period_end, o.document_id, o.outstanding,
           aging_bucket(o.days_past_due, edges, 'due') AS bucket
    FROM periods_of(starts, ends) AS p
    JOIN query_table(open_items) AS o
      ON o.as_of = p.period_start - 1 AND is_aged_receivable(o.item_kind, o.outstanding)
),
collected AS (
    SELECT o.period_start, o.period_end, o.document_id,
           least(coalesce(sum(s.amount), 0), any_value(o.outstanding)) AS collected
    FROM opening AS o LEFT JOIN settlements AS s
      ON s.document_id = o.document_id AND s.kind = 'cash' AND s.date BETWEEN o.period_start AND o.period_end
    GROUP BY o.period_start, o.period_end, o.document_id
)
SELECT period_start, period_end, bucket,
       sum(outstanding) AS opening_amount, sum(collected) AS collected_amount,
       sum(collected) / nullif(sum(outstanding), 0) * 100 AS collection_rate
FROM opening JOIN collected USING (period_start, period_end, document_id)
GROUP BY period_start, period_end, bucket;

CREATE OR REPLACE MACRO bucket_collection_rate(first_day, last_day, edges, customers, activities, matching) AS TABLE
WITH items AS (
    SELECT * FROM open_items_at([first_day::DATE - 1], customers, activities, matching)
)
SELECT bucket, opening_amount, collected_amount, collection_rate
FROM bucket_collection_of('items', [first_day::DATE], [last_day::DATE], edges)
ORDER BY bucket;
