-- label: DSO par épuisement du CA / Countback DSO
-- formula: KPI-SPEC §3 — from E backwards, day by day, consume each day's net sales (a day with net sales ≤ 0 consumes nothing) until closing AR is used up; full days count 1, the last day the fraction remaining / that day's sales; 0 when closing AR ≤ 0; null when the history runs out first
-- unit: days
-- kpi: countback_dso days lower
-- depends: closing_ar
-- With C(d) the running total of positive daily net sales, the sales of [D, E] are
-- C(E) − C(D − 1): the consumption stops on the first day D whose C(D) exceeds
-- C(E) − closing AR, found by an ASOF join instead of walking the days.
CREATE OR REPLACE MACRO daily_sales_running(customers, activities) AS TABLE
SELECT day, net_sales, sum(net_sales) OVER (ORDER BY day) AS running_sales
FROM (SELECT issue_date AS day, sum(amount) AS net_sales
      FROM ledger_documents(customers, activities)
      GROUP BY issue_date
      HAVING sum(amount) > 0);

-- closings: a list of {period_end, closing_ar} structs, one per period.
CREATE OR REPLACE MACRO countback_dso(closings, customers, activities) AS TABLE
WITH closing AS (
    SELECT c.period_end::DATE AS period_end, c.closing_ar AS closing_ar
    FROM (SELECT unnest(closings) AS c)
),
with_total AS (
    SELECT c.period_end, c.closing_ar, coalesce(r.running_sales, 0) - c.closing_ar AS target
    FROM closing AS c ASOF LEFT JOIN daily_sales_running(customers, activities) AS r ON c.period_end >= r.day
),
stop_day AS (
    SELECT w.period_end, w.closing_ar, w.target, r.day, r.net_sales, r.running_sales
    FROM with_total AS w ASOF LEFT JOIN daily_sales_running(customers, activities) AS r ON w.target < r.running_sales
)
SELECT period_end,
       CASE WHEN closing_ar <= 0 THEN 0::DOUBLE
            WHEN target < 0 THEN NULL
            ELSE (period_end - day) + (running_sales - target) / net_sales
       END AS countback_dso
FROM stop_day;
