-- label: Taux de recouvrement par tranche / Collection rate per ageing bucket
-- formula: for the aged balance at S − 1, per bucket: Σ min(cash settlements of the document dated in [S, E], its outstanding at S − 1) / Σ outstanding at S − 1 × 100
-- unit: %
CREATE OR REPLACE MACRO bucket_collection_rate(period_start, period_end, edges, customers, activities, matching) AS TABLE
WITH opening AS (
    SELECT document_id, bucket, outstanding
    FROM aged_items(period_start::DATE - 1, edges, 'due', customers, activities, matching)
    WHERE bucket IS NOT NULL
),
collected AS (
    SELECT o.document_id, least(coalesce(sum(s.amount), 0), any_value(o.outstanding)) AS collected
    FROM opening AS o LEFT JOIN settlements AS s
      ON s.document_id = o.document_id AND s.kind = 'cash' AND s.date BETWEEN period_start AND period_end
    GROUP BY o.document_id
)
SELECT bucket, sum(outstanding) AS opening_amount, sum(collected) AS collected_amount,
       sum(collected) / nullif(sum(outstanding), 0) * 100 AS collection_rate
FROM opening JOIN collected USING (document_id)
GROUP BY bucket
ORDER BY bucket;
