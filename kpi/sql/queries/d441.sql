-- label: Délais de paiement des clients (art. D441-6 du Code de commerce) / Customer payment delays (art. D441-6 of the Code de commerce)
-- formula: Factures émises non réglées à la date de clôture D dont le terme est échu — the invoices issued ≤ D whose outstanding at D is > 0 in the matching mode (KPI-SPEC §2 open items; credit notes and unapplied payments are no invoices), by days past due at D: not_due (≤ 0, « 0 jour (indicatif) »), 1_30, 31_60, 61_90, 91_plus (≥ 91), total_overdue (≥ 1): their number and Σ outstanding TTC; invoices disputed at D (a dispute opened ≤ D, not resolved at D) apart, in (B); sales = Σ amount of the documents issued in [S, D], credit notes deducted (the fiscal year's turnover TTC the shares are of)
-- unit: count, € TTC
-- One row. The brackets are the decree's, fixed: aging_bucket with the edges 30, 60, 90 gives
-- 0 (not due), 1 (1–30), 2 (31–60), 3 (61–90) and 4 (91 and more). A disputed invoice leaves every
-- bracket whatever its age: (B) counts the invoices excluded from (A), not-yet-due ones included.
-- The table's columns for any relation of invoices (outstanding, bracket, disputed), both sides reading
-- it: `invoices` names a relation of the calling query (as netted_oldest_first's argument does).
CREATE OR REPLACE MACRO d441_brackets(invoices) AS TABLE
SELECT count(*) FILTER (NOT disputed AND bracket = 0) AS not_due_count,
       coalesce(sum(outstanding) FILTER (NOT disputed AND bracket = 0), 0) AS not_due_amount,
       count(*) FILTER (NOT disputed AND bracket = 1) AS days_1_30_count,
       coalesce(sum(outstanding) FILTER (NOT disputed AND bracket = 1), 0) AS days_1_30_amount,
       count(*) FILTER (NOT disputed AND bracket = 2) AS days_31_60_count,
       coalesce(sum(outstanding) FILTER (NOT disputed AND bracket = 2), 0) AS days_31_60_amount,
       count(*) FILTER (NOT disputed AND bracket = 3) AS days_61_90_count,
       coalesce(sum(outstanding) FILTER (NOT disputed AND bracket = 3), 0) AS days_61_90_amount,
       count(*) FILTER (NOT disputed AND bracket = 4) AS days_91_plus_count,
       coalesce(sum(outstanding) FILTER (NOT disputed AND bracket = 4), 0) AS days_91_plus_amount,
       count(*) FILTER (NOT disputed AND bracket >= 1) AS total_overdue_count,
       coalesce(sum(outstanding) FILTER (NOT disputed AND bracket >= 1), 0) AS total_overdue_amount,
       count(*) FILTER (disputed) AS excluded_count,
       coalesce(sum(outstanding) FILTER (disputed), 0) AS excluded_amount
FROM query_table(invoices);

CREATE OR REPLACE MACRO d441_issued(closing, fiscal_start, customers, activities, matching) AS TABLE
WITH invoices AS (
    SELECT o.outstanding,
           aging_bucket(o.days_past_due, [30, 60, 90], 'due') AS bracket,
           o.document_id IN (SELECT document_id FROM disputes
                             WHERE opened_date <= closing AND (resolved_date IS NULL OR resolved_date > closing)) AS disputed
    FROM open_items_at([closing::DATE], customers, activities, matching) AS o
    WHERE is_aged_receivable(o.item_kind, o.outstanding)
),
sales AS (
    SELECT sales FROM period_flows([fiscal_start::DATE], [closing::DATE], customers, activities)
)
SELECT *, (SELECT coalesce(sum(sales), 0) FROM sales) AS sales
FROM d441_brackets('invoices');
