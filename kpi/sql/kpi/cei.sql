-- label: Indice d'efficacité du recouvrement (CEI)
-- formula: (opening AR + sales − closing AR) / (opening AR + sales − current AR(E)) × 100
-- unit: %
-- kpi: cei percent higher
-- depends: opening_ar sales closing_ar closing_current_ar
CREATE OR REPLACE MACRO kpi_cei(opening_ar, sales, closing_ar, current_ar) AS
    (opening_ar + sales - closing_ar) / nullif(opening_ar + sales - current_ar, 0) * 100;
