-- label: Imputation au plus ancien / Credits applied to the oldest invoices
-- formula: KPI-SPEC §2 matching mode `oldest` — at each date t and for each customer, its unapplied credits (credit notes' outstanding, negative outstanding, unapplied cash and write-offs) are applied to its positive outstanding invoices in order of due date, then issue date, then document_id, until one side is used up; what remains of the credits stays unapplied. AR(t) is unchanged
-- unit: € per item
-- open_items: the name of a relation shaped like matched_items_at's result. With C the
-- customer's credits and D its open invoices at t, A = min(C, D) is applied. Walking each side
-- in order with its running total R (this item included), an item of outstanding o keeps
-- min(o, max(R − A, 0)): the items before A is used up are netted to 0, the one that straddles
-- it keeps the part beyond, the rest keep all. The credits are used up in the same order.
CREATE OR REPLACE MACRO netted_oldest_first(open_items) AS TABLE
WITH items AS (
    SELECT *, is_aged_receivable(item_kind, outstanding) AS receivable
    FROM query_table(open_items)
),
pools AS (
    SELECT as_of, customer_id,
           least(coalesce(-sum(outstanding) FILTER (NOT receivable), 0),
                 coalesce(sum(outstanding) FILTER (receivable), 0)) AS applied
    FROM items
    GROUP BY as_of, customer_id
),
netted AS (
    SELECT i.*,
           least(abs(i.outstanding),
                 greatest(sum(abs(i.outstanding)) OVER (PARTITION BY i.as_of, i.customer_id, i.receivable
                                                        ORDER BY i.due_date, i.issue_date, i.document_id
                                                        ROWS UNBOUNDED PRECEDING) - p.applied, 0)) AS kept
    FROM items AS i JOIN pools AS p USING (as_of, customer_id)
    WHERE p.applied > 0
),
-- Customers with nothing to net (no credit, or no open invoice) keep their items as they are.
untouched AS (
    SELECT i.* EXCLUDE (receivable), 0::DECIMAL(18, 2) AS credits_netted
    FROM items AS i JOIN pools AS p USING (as_of, customer_id)
    WHERE p.applied = 0
)
SELECT * EXCLUDE (receivable, kept) REPLACE (CASE WHEN receivable THEN kept ELSE -kept END AS outstanding),
       (abs(outstanding) - kept)::DECIMAL(18, 2) AS credits_netted
FROM netted
WHERE kept <> 0
UNION ALL BY NAME
SELECT * FROM untouched;
