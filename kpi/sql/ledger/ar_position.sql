-- label: Encours clients et balance âgée à une date / AR and aged balance at a date
-- formula: KPI-SPEC §2 — gross AR = Σ buckets; AR(t) = gross AR + unapplied credits; current AR = not_due bucket; overdue AR = gross AR − current AR
-- unit: €
-- kpi: opening_ar money neutral
-- kpi: closing_ar money neutral
-- kpi: closing_current_ar money neutral
-- kpi: closing_overdue_ar money lower
-- kpi: unapplied_credits money neutral
-- kpi: not_due money neutral
-- kpi: 1_30 money lower
-- kpi: 31_60 money lower
-- kpi: 61_90 money lower
-- kpi: 91_120 money lower
-- kpi: over_120 money lower
-- open_items: the name of a relation shaped like open_items_at's result (a CTE of the
-- caller), so that one computation of the open items serves several KPIs of a query.
CREATE OR REPLACE MACRO ar_position_of(open_items, as_of_dates) AS TABLE
WITH items AS (
    SELECT as_of, outstanding,
           CASE WHEN is_aged_receivable(item_kind, outstanding)
                THEN aging_bucket(days_past_due, [30, 60, 90, 120], 'due') END AS bucket
    FROM query_table(open_items)
),
by_date AS (
    SELECT as_of,
           sum(outstanding) FILTER (bucket = 0) AS not_due,
           sum(outstanding) FILTER (bucket = 1) AS "1_30",
           sum(outstanding) FILTER (bucket = 2) AS "31_60",
           sum(outstanding) FILTER (bucket = 3) AS "61_90",
           sum(outstanding) FILTER (bucket = 4) AS "91_120",
           sum(outstanding) FILTER (bucket = 5) AS over_120,
           sum(outstanding) FILTER (bucket IS NULL) AS unapplied_credits,
           sum(outstanding) FILTER (bucket IS NOT NULL) AS gross_ar
    FROM items
    GROUP BY as_of
)
SELECT t.as_of,
       coalesce(not_due, 0) AS not_due,
       coalesce("1_30", 0) AS "1_30",
       coalesce("31_60", 0) AS "31_60",
       coalesce("61_90", 0) AS "61_90",
       coalesce("91_120", 0) AS "91_120",
       coalesce(over_120, 0) AS over_120,
       coalesce(unapplied_credits, 0) AS unapplied_credits,
       coalesce(gross_ar, 0) AS gross_ar,
       coalesce(not_due, 0) AS current_ar,
       coalesce(gross_ar, 0) - coalesce(not_due, 0) AS overdue_ar,
       coalesce(gross_ar, 0) + coalesce(unapplied_credits, 0) AS ar
FROM (SELECT DISTINCT unnest(as_of_dates::DATE[]) AS as_of) AS t
LEFT JOIN by_date USING (as_of);

CREATE OR REPLACE MACRO ar_position_at(as_of_dates, customers, activities, matching) AS TABLE
WITH items AS (SELECT * FROM open_items_at(as_of_dates, customers, activities, matching))
SELECT * FROM ar_position_of('items', as_of_dates);
