-- label: Taux d'échu / Overdue rate
-- formula: overdue AR(E) / gross AR(E) × 100
-- unit: %
-- kpi: overdue_rate percent lower
-- depends: closing_overdue_ar
CREATE OR REPLACE MACRO kpi_overdue_rate(overdue_ar, gross_ar) AS
    overdue_ar / nullif(gross_ar, 0) * 100;
