-- label: Créances irrécouvrables / CA (bad-debt rate)
-- formula: written_off / sales × 100
-- unit: %
-- kpi: bad_debt_rate percent lower
-- depends: written_off sales
CREATE OR REPLACE MACRO kpi_bad_debt_rate(written_off, sales) AS
    written_off / nullif(sales, 0) * 100;
