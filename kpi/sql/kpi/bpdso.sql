-- label: Best Possible DSO (meilleur DSO possible)
-- formula: current AR(E) / sales × N
-- unit: days
-- kpi: bpdso days lower
CREATE OR REPLACE MACRO kpi_bpdso(current_ar, sales, days) AS
    current_ar / nullif(sales, 0) * days;
