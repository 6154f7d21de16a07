-- label: Faits des constats / Facts behind the audit findings
-- formula: old overdue = open aged receivables more than `days` past due at E (count, amount, customers); terms beyond the cap = invoices issued in [S, E] whose due date is more than `cap` days after issue (count, amount); derived due dates = documents whose due date the import worked out (count, of all)
-- unit: count and €
CREATE OR REPLACE MACRO old_overdue(period_end, days, customers, activities, matching) AS TABLE
SELECT count(*) AS items, coalesce(sum(outstanding), 0) AS amount, count(DISTINCT customer_id) AS customers
FROM open_items_at([period_end::DATE], customers, activities, matching)
WHERE is_aged_receivable(item_kind, outstanding) AND days_past_due > days;

CREATE OR REPLACE MACRO terms_beyond_cap(period_start, period_end, cap, customers, activities) AS TABLE
SELECT count(*) AS invoices, coalesce(sum(amount), 0) AS amount
FROM ledger_documents(customers, activities)
WHERE amount > 0 AND issue_date BETWEEN period_start AND period_end AND due_date - issue_date > cap;

CREATE OR REPLACE MACRO derived_due_dates(customers, activities) AS TABLE
SELECT count(*) FILTER (due_date_derived) AS derived, count(*) AS documents
FROM ledger_documents(customers, activities);
