-- label: Best Possible DSO (meilleur DSO possible)
-- formula: current AR(E) / sales × N
-- unit: days
-- kpi: bpdso days lower
-- depends: closing_current_ar sales
CREATE OR REPLACE MACRO kpi_bpdso(current_ar, sales, days) AS
    current_ar / nullif(sales, 0) * days;
