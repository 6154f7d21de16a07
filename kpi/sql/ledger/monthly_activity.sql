-- label: Activité mensuelle / Monthly activity
-- formula: per calendar month: sales (Σ amount of documents issued in the month, credit notes included) and collected (Σ cash settlements dated in the month); months with neither are absent
-- unit: €
-- What the app opens on after an import (kpi/present/view.py opening_period): the last complete month
-- holding activity, or the last twelve months when that month is a run-off.
CREATE OR REPLACE MACRO monthly_activity() AS TABLE
SELECT month, sum(sales) AS sales, sum(collected) AS collected
FROM (SELECT date_trunc('month', issue_date)::DATE AS month, sum(amount) AS sales, 0::DECIMAL(18, 2) AS collected
      FROM documents GROUP BY ALL
      UNION ALL
      SELECT date_trunc('month', date)::DATE AS month, 0::DECIMAL(18, 2) AS sales, sum(amount) AS collected
      FROM settlements WHERE kind = 'cash' GROUP BY ALL)
GROUP BY month
ORDER BY month;
