-- label: Litiges en cours / Open disputes
-- formula: disputes opened ≤ E and not resolved at E (no resolution date, or one after E): their number and Σ disputed amount
-- unit: count, €
-- kpi: open_disputes_count count lower
-- kpi: open_disputes_amount money lower
CREATE OR REPLACE MACRO open_disputes_at(as_of, customers, activities) AS TABLE
SELECT count(*) AS open_disputes_count, coalesce(sum(amount), 0) AS open_disputes_amount
FROM ledger_disputes(customers, activities)
WHERE opened_date <= as_of AND (resolved_date IS NULL OR resolved_date > as_of);
