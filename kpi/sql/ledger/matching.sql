-- label: Imputation au plus ancien / Credits applied to the oldest invoices
-- formula: KPI-SPEC §2 matching mode `oldest` — at each date t and for each customer, its unapplied credits (credit notes' outstanding, negative outstanding, unapplied cash and write-offs) are applied to its positive outstanding invoices in order of due date, then issue date, then document_id, until one side is used up; what remains of the credits stays unapplied. AR(t) is unchanged
-- unit: € per item
-- open_items: the name of a relation shaped like matched_items_at's result. With C the
-- customer's credits and D its open invoices at t, A = min(C, D) is applied. Walking each side
-- in order with its running total R (this item included), an item of outstanding o keeps
-- min(o, max(R − A, 0)): the items before A is used up are netted to 0, the one that straddles
-- it keeps the part beyond, the rest keep all. The credits are used up in the same order.
--
-- Why it is cheap: every overdue invoice (due ≤ t − 1) comes before every invoice not yet due
-- (due ≥ t) in that order, so when A does not exceed a customer's overdue invoices, its invoices
-- not yet due keep all they owe and need no running total. Only the credits, the overdue
-- invoices, and the whole of the few customers whose credits exceed their overdue, are sorted.
CREATE OR REPLACE MACRO netted_oldest_first(open_items) AS TABLE
WITH items AS (
    SELECT *, is_aged_receivable(item_kind, outstanding) AS receivable
    FROM query_table(open_items)
),
pools AS (
    SELECT as_of, customer_id,
           least(coalesce(-sum(outstanding) FILTER (NOT receivable), 0),
                 coalesce(sum(outstanding) FILTER (receivable), 0)) AS applied,
           coalesce(sum(outstanding) FILTER (receivable AND days_past_due >= 1), 0) AS overdue
    FROM items
    GROUP BY as_of, customer_id
    HAVING applied > 0
),
marked AS (
    SELECT i.*, p.applied,
           p.applied IS NOT NULL AND (NOT i.receivable OR i.days_past_due >= 1 OR p.applied > p.overdue) AS walked
    FROM items AS i LEFT JOIN pools AS p USING (as_of, customer_id)
),
netted AS (
    SELECT *,
           least(abs(outstanding),
                 greatest(sum(abs(outstanding)) OVER (PARTITION BY as_of, customer_id, receivable
                                                      ORDER BY due_date, issue_date, document_id
                                                      ROWS UNBOUNDED PRECEDING) - applied, 0)) AS kept
    FROM marked
    WHERE walked
)
SELECT * EXCLUDE (receivable, applied, walked, kept)
           REPLACE (CASE WHEN receivable THEN kept ELSE -kept END AS outstanding),
       (abs(outstanding) - kept)::DECIMAL(18, 2) AS credits_netted
FROM netted
WHERE kept <> 0
UNION ALL BY NAME
SELECT * EXCLUDE (receivable, applied, walked), 0::DECIMAL(18, 2) AS credits_netted
FROM marked
WHERE NOT walked;
