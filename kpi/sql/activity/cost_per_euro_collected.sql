-- label: Coût par euro recouvré / Cost per euro collected
-- formula: collection costs of [S, E] / collected in [S, E]; the costs are those of the costs log dated in [S, E] when a log was imported, else the monthly amount of the Settings page × Σ per calendar month touched (days of [S, E] in the month / days of the month); above 1 the company spends more than it collects
-- unit: € per €
-- kpi: cost_per_euro_collected ratio lower
-- depends: collected
-- Costs belong to no customer or activity: under a filter the ratio would divide company-wide
-- costs by a part of the cash, so it is null then.
CREATE OR REPLACE MACRO kpi_cost_per_euro_collected(costs, collected) AS
    costs / nullif(collected, 0);

-- The monthly amount spread over the period: each month's share rounded half-up to the cent in
-- integer cents, so a whole month costs exactly the amount and the sum stays an exact DECIMAL
-- (DuckDB's DECIMAL division would give a DOUBLE).
CREATE OR REPLACE MACRO prorated_monthly_cost(first_day, last_day, monthly_cost) AS TABLE
SELECT CASE WHEN monthly_cost IS NOT NULL THEN
           coalesce(sum((2 * cents * days_in + days_of_month) // (2 * days_of_month)), 0)::DECIMAL(38, 0) * 0.01
       END AS costs
FROM (SELECT round(monthly_cost::DECIMAL(18, 2) * 100)::HUGEINT AS cents,
             datediff('day', greatest(first_day::DATE, month_start::DATE),
                      least(last_day::DATE, last_day(month_start::DATE))) + 1 AS days_in,
             day(last_day(month_start::DATE)) AS days_of_month
      FROM generate_series(date_trunc('month', first_day::DATE), last_day::DATE, INTERVAL 1 MONTH) AS g(month_start)
      WHERE first_day::DATE <= last_day::DATE);

-- cost_source: 'log' when the costs log holds any row (even none in [S, E]: then the costs are a real 0),
-- 'monthly_setting' when only the monthly amount is given, null when neither exists.
CREATE OR REPLACE MACRO collection_cost_ratio(first_day, last_day, monthly_cost, customers, activities) AS TABLE
WITH source AS (
    SELECT CASE WHEN EXISTS (SELECT 1 FROM collection_costs) THEN 'log'
                WHEN monthly_cost IS NOT NULL THEN 'monthly_setting' END AS cost_source
),
costs AS (
    SELECT s.cost_source,
           CASE s.cost_source
               WHEN 'log' THEN (SELECT coalesce(sum(amount), 0) FROM collection_costs
                                WHERE date BETWEEN first_day AND last_day)
               WHEN 'monthly_setting' THEN (SELECT costs FROM prorated_monthly_cost(first_day, last_day, monthly_cost))
           END AS costs
    FROM source AS s
)
SELECT c.costs AS collection_costs, f.collected, c.cost_source,
       CASE WHEN len(customers::VARCHAR[]) = 0 AND len(activities::VARCHAR[]) = 0
            THEN kpi_cost_per_euro_collected(c.costs, f.collected) END AS cost_per_euro_collected
FROM costs AS c,
     period_flows([first_day::DATE], [last_day::DATE], customers, activities) AS f;
