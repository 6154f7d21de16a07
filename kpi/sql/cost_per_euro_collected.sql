-- label: Coût par euro recouvré / Cost per euro collected
-- formula: collection costs dated in [S, E] / collected in [S, E]; above 1 the company spends more than it collects
-- unit: € per €
-- Costs belong to no customer or activity: under a filter the ratio would divide company-wide
-- costs by a part of the cash, so it is null then.
CREATE OR REPLACE MACRO kpi_cost_per_euro_collected(costs, collected) AS
    costs / nullif(collected, 0);

CREATE OR REPLACE MACRO collection_cost_ratio(first_day, last_day, customers, activities) AS TABLE
SELECT c.costs AS collection_costs, f.collected,
       CASE WHEN len(customers::VARCHAR[]) = 0 AND len(activities::VARCHAR[]) = 0
            THEN kpi_cost_per_euro_collected(c.costs, f.collected) END AS cost_per_euro_collected
FROM (SELECT coalesce(sum(amount), 0) AS costs FROM collection_costs
      WHERE date BETWEEN first_day AND last_day) AS c,
     period_flows([first_day::DATE], [last_day::DATE], customers, activities) AS f;
