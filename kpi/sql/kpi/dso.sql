-- label: DSO / délai moyen de paiement clients
-- formula: closing AR / sales × N
-- unit: days
-- kpi: dso days lower
-- depends: closing_ar sales
CREATE OR REPLACE MACRO kpi_dso(closing_ar, sales, days) AS
    closing_ar / nullif(sales, 0) * days;
