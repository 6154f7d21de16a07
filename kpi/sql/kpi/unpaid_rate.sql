-- label: Taux d'impayés / Unpaid rate
-- formula: Σ max(outstanding(E), 0) of invoices issued in [S, E] with due_date < E / Σ amount of invoices (amount > 0) issued in [S, E] × 100 (numerator: unpaid.sql)
-- unit: %
-- kpi: unpaid_rate percent lower
CREATE OR REPLACE MACRO kpi_unpaid_rate(unpaid_amount, invoiced) AS
    unpaid_amount / nullif(invoiced, 0) * 100;
