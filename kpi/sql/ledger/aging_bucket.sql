-- label: Tranche d'ancienneté / Ageing bucket
-- formula: KPI-SPEC §2 — due basis: 0 = not due (days past due ≤ 0), then 1 + number of edges strictly below the days past due (edges 30,60,90,120 → 1_30, 31_60, 61_90, 91_120, over_120); issue basis: number of edges strictly below the age since issue (0_30 … over_120)
-- unit: bucket index
CREATE OR REPLACE MACRO aging_bucket(days, edges, basis) AS
    CASE
        WHEN basis = 'issue' THEN len(list_filter(edges::INTEGER[], lambda e: days > e))
        WHEN days <= 0 THEN 0
        ELSE 1 + len(list_filter(edges::INTEGER[], lambda e: days > e))
    END;

-- Whether an open item sits in the aged buckets (positive outstanding of an invoice) or in
-- the unapplied credits column (credit notes, overpayments, unapplied cash).
CREATE OR REPLACE MACRO is_aged_receivable(item_kind, outstanding) AS
    item_kind = 'invoice' AND outstanding > 0;
