-- label: Average Days Delinquent / retard moyen (ADD)
-- formula: dso − bpdso
-- unit: days
-- kpi: add days lower
-- depends: dso bpdso
CREATE OR REPLACE MACRO kpi_add(dso, bpdso) AS
    dso - bpdso;
