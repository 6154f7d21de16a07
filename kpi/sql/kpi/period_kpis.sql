-- label: Indicateurs d'une période / Period KPIs
-- formula: KPI-SPEC §3 — opening AR = AR(S − 1), closing AR = AR(E), flows of [S, E], then every KPI of its own file; the open items in the matching mode asked for (KPI-SPEC §2)
-- unit: one row per period
-- bucket_edges: when given, collection_by_bucket lists, per bucket of the aged balance at S − 1 on
-- these edges, its amount and what was collected of it (bucket_collection_rate.sql), read from the
-- same open items; NULL (the default, a series of months) leaves it NULL and costs nothing.
CREATE OR REPLACE MACRO period_kpis(starts, ends, customers, activities, matching, bucket_edges := NULL) AS TABLE
-- The open items at every S − 1 and E are computed once and read by the position, the
-- unpaid rate, the activation rate and the collection by bucket.
WITH items AS MATERIALIZED (
    SELECT * FROM open_items_at(list_concat(list_transform(starts::DATE[], lambda s: s - 1), ends::DATE[]),
                                customers, activities, matching)
),
positions AS (
    SELECT * FROM ar_position_of('items', list_concat(list_transform(starts::DATE[], lambda s: s - 1), ends::DATE[]))
),
base AS (
    SELECT f.*,
           o.ar AS opening_ar,
           c.ar AS closing_ar,
           c.current_ar AS closing_current_ar,
           c.overdue_ar AS closing_overdue_ar,
           c.gross_ar AS closing_gross_ar,
           c.unapplied_credits,
           c.not_due, c."1_30", c."31_60", c."61_90", c."91_120", c.over_120,
           coalesce(u.unpaid_amount, 0) AS unpaid_amount,
           d.avg_days_to_collect, d.avg_days_late,
           a.activation_rate
    FROM period_flows(starts, ends, customers, activities) AS f
    JOIN positions AS o ON o.as_of = f.period_start - 1
    JOIN positions AS c ON c.as_of = f.period_end
    LEFT JOIN unpaid_of('items', starts, ends) AS u USING (period_start, period_end)
    LEFT JOIN payment_delays(starts, ends, customers, activities) AS d USING (period_start, period_end)
    LEFT JOIN activation_of('items', starts, ends, customers, activities) AS a USING (period_start, period_end)
),
by_bucket AS (
    SELECT period_start, period_end,
           list({'bucket': bucket, 'opening_amount': opening_amount, 'collected_amount': collected_amount,
                 'collection_rate': collection_rate} ORDER BY bucket) AS collection_by_bucket
    FROM bucket_collection_of('items', starts, ends, bucket_edges)
    WHERE bucket_edges IS NOT NULL
    GROUP BY period_start, period_end
),
with_ratios AS (
    SELECT *,
           kpi_dso(closing_ar, sales, days) AS dso,
           kpi_bpdso(closing_current_ar, sales, days) AS bpdso
    FROM base
)
SELECT r.*,
       kpi_add(dso, bpdso) AS add,
       cb.countback_dso,
       kpi_cei(opening_ar, sales, closing_ar, closing_current_ar) AS cei,
       kpi_collection_rate(collected, opening_ar, sales) AS collection_rate,
       kpi_overdue_rate(closing_overdue_ar, closing_gross_ar) AS overdue_rate,
       kpi_unpaid_rate(unpaid_amount, invoiced) AS unpaid_rate,
       kpi_ar_turnover(sales, opening_ar, closing_ar) AS ar_turnover,
       kpi_bad_debt_rate(written_off, sales) AS bad_debt_rate,
       b.collection_by_bucket
FROM with_ratios AS r
LEFT JOIN by_bucket AS b USING (period_start, period_end)
JOIN countback_dso((SELECT list({'period_end': period_end, 'closing_ar': closing_ar}) FROM base),
                   customers, activities) AS cb
  ON cb.period_end = r.period_end
ORDER BY r.period_start, r.period_end;
