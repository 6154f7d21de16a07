-- label: Taux de recouvrement / Collection rate
-- formula: collected / (opening AR + sales) × 100
-- unit: %
-- kpi: collection_rate percent higher
-- depends: collected opening_ar sales
CREATE OR REPLACE MACRO kpi_collection_rate(collected, opening_ar, sales) AS
    collected / nullif(opening_ar + sales, 0) * 100;
