-- label: Average Days Delinquent / retard moyen (ADD)
-- formula: dso − bpdso
-- unit: days
CREATE OR REPLACE MACRO kpi_add(dso, bpdso) AS
    dso - bpdso;
