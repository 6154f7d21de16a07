-- label: Rotation du poste clients / AR turnover
-- formula: sales / ((opening AR + closing AR) / 2)
-- unit: times
-- kpi: ar_turnover ratio higher
-- depends: sales opening_ar closing_ar
CREATE OR REPLACE MACRO kpi_ar_turnover(sales, opening_ar, closing_ar) AS
    sales / nullif((opening_ar + closing_ar) / 2, 0);
