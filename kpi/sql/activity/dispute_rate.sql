-- label: Taux de litiges / Dispute rate
-- formula: disputed amount of the documents issued in [S, E] (disputes opened ≤ E, at most the document's amount) / sales × 100
-- unit: %
-- kpi: dispute_rate percent lower
-- kpi: disputed_amount money lower
CREATE OR REPLACE MACRO kpi_dispute_rate(disputed_amount, sales) AS
    disputed_amount / nullif(sales, 0) * 100;

-- A document disputed twice (reopened, or a partial then a full dispute) counts once, up to its amount.
CREATE OR REPLACE MACRO disputed_sales(period_start, period_end, customers, activities) AS TABLE
SELECT coalesce(sum(disputed), 0) AS disputed_amount
FROM (SELECT document_id, least(sum(amount), any_value(document_amount)) AS disputed
      FROM ledger_disputes(customers, activities)
      WHERE issue_date BETWEEN period_start AND period_end AND opened_date <= period_end
      GROUP BY document_id);
