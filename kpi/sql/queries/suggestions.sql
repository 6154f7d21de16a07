-- label: Rapprochements suggérés / Suggested matches
-- formula: at D, each source — an unapplied payment (cash settlement without a document, dated ≤ D) or a credit note with an unapplied remainder at D (matching mode `matched`, KPI-SPEC §2) — of amount U is paired with an open invoice (outstanding O > 0 at D) of the SAME customer: `same_amount` when O = U, else `within_cent` when |O − U| = 0,01 €, else `reference` when the payment's reference or label holds the invoice's number as a word; a payment pairs only with an invoice issued on or before its date, and neither side may have a movement dated after D
-- unit: € (amount: what accepting the match applies — the whole payment; for a credit note, min(U, O))
-- One row per suggestion, its id made of its two sides (source_id:document_id), so that
-- `python -m kpi match WS --accept ID` names it and it stays the same from one run to the next.
--
-- The reasons are tiers, in this order of preference (reason_rank 1, 2, 3). A pair is listed once,
-- with its best reason. Within a tier, a source and an invoice are each suggested at most once;
-- across tiers they may be offered again (a payment of the amount of one invoice whose label names
-- another: both are shown, the user chooses; accepting one makes the other stale). Ties:
--   same_amount: within one customer and one amount, the k-th source, oldest first (its date, then
--                its id), goes with the k-th invoice, oldest first (due date, issue date,
--                document_id): twelve payments of twelve equal monthly invoices pair in order;
--   within_cent and reference: a pair is kept when the invoice is the source's first choice
--                (oldest invoice first, as above) and the source the invoice's first (oldest source
--                first); the pairs set aside surface once those are accepted.
-- A payment is matched whole (a match never splits it): within 0,01 € of its invoice it leaves the
-- cent on the invoice, or, over it, as a negative outstanding that counts among the unapplied
-- credits; a credit note gives min(U, O), its application dated the later of the two issue dates
-- (KPI-SPEC §1's rule when the source gives no date). A payment dated before its invoice's issue is
-- not offered: its cash would leave AR before the invoice enters it. Neither is an item with a
-- settlement or an application dated after D: matched at D, it would be settled twice once that
-- later movement counts.
-- Words of a reference: split on spaces and , ; : ( ) [ ] { } # " ' °, then stripped of . - / at
-- their ends, compared with the invoice's number without regard to case (« Règlement fact. F-004 »
-- names F-004, never F-00 nor F-0041).
CREATE OR REPLACE MACRO matching_suggestions(as_of_date) AS TABLE
WITH items AS (
    SELECT * FROM matched_items_at([as_of_date], [], [])
),
moved_later AS (
    SELECT document_id FROM settlements WHERE document_id IS NOT NULL AND date > as_of_date
    UNION
    SELECT source_document_id FROM settlements WHERE kind = 'credit' AND date > as_of_date
),
sources AS (
    SELECT i.customer_id, i.customer_name, 'payment' AS source_kind, i.document_id AS source_id,
           i.issue_date AS source_date, -i.outstanding AS unapplied, s.reference
    FROM items AS i JOIN settlements AS s ON s.settlement_id = i.document_id
    WHERE i.item_kind = 'unapplied_cash'
    UNION ALL
    SELECT customer_id, customer_name, 'credit_note', document_id, issue_date, -outstanding, NULL
    FROM items
    WHERE item_kind = 'credit_note' AND outstanding < 0
      AND document_id NOT IN (SELECT document_id FROM moved_later)
),
invoices AS (
    SELECT customer_id, document_id, issue_date, due_date, outstanding
    FROM items
    WHERE item_kind = 'invoice' AND outstanding > 0
      AND document_id NOT IN (SELECT document_id FROM moved_later)
),
ranked_sources AS (
    SELECT *, row_number() OVER (PARTITION BY customer_id, unapplied ORDER BY source_date, source_kind, source_id) AS k
    FROM sources
),
ranked_invoices AS (
    SELECT *, row_number() OVER (PARTITION BY customer_id, outstanding ORDER BY due_date, issue_date, document_id) AS k
    FROM invoices
),
same_amount AS (
    SELECT s.* EXCLUDE (k), i.document_id, i.issue_date, i.due_date, i.outstanding, 1 AS reason_rank
    FROM ranked_sources AS s
    JOIN ranked_invoices AS i ON i.customer_id = s.customer_id AND i.outstanding = s.unapplied AND i.k = s.k
    WHERE s.source_kind = 'credit_note' OR i.issue_date <= s.source_date
),
-- Two equality joins rather than one on a range: each is a hash join, never every pair of a customer.
near AS (
    SELECT s.*, i.document_id, i.issue_date, i.due_date, i.outstanding, 2 AS reason_rank
    FROM sources AS s JOIN invoices AS i ON i.customer_id = s.customer_id AND i.outstanding = s.unapplied + 0.01
    WHERE s.source_kind = 'credit_note' OR i.issue_date <= s.source_date
    UNION ALL
    SELECT s.*, i.document_id, i.issue_date, i.due_date, i.outstanding, 2 AS reason_rank
    FROM sources AS s JOIN invoices AS i ON i.customer_id = s.customer_id AND i.outstanding = s.unapplied - 0.01
    WHERE s.source_kind = 'credit_note' OR i.issue_date <= s.source_date
),
within_cent AS (
    SELECT * FROM near
    QUALIFY row_number() OVER (PARTITION BY source_kind, source_id ORDER BY due_date, issue_date, document_id) = 1
        AND row_number() OVER (PARTITION BY document_id ORDER BY source_date, source_kind, source_id) = 1
),
words AS (
    SELECT *, upper(trim(unnest(regexp_split_to_array(reference, '[\s,;:()\[\]{}#"''°]+')), '.-/')) AS word
    FROM sources
    WHERE source_kind = 'payment' AND reference IS NOT NULL
),
named AS (
    SELECT DISTINCT w.* EXCLUDE (word), i.document_id, i.issue_date, i.due_date, i.outstanding, 3 AS reason_rank
    FROM words AS w JOIN invoices AS i ON i.customer_id = w.customer_id AND upper(i.document_id) = w.word
    WHERE i.issue_date <= w.source_date
      AND (w.source_id, i.document_id) NOT IN (SELECT (source_id, document_id) FROM same_amount
                                               UNION ALL SELECT (source_id, document_id) FROM within_cent)
),
by_reference AS (
    SELECT * FROM named
    QUALIFY row_number() OVER (PARTITION BY source_kind, source_id ORDER BY due_date, issue_date, document_id) = 1
        AND row_number() OVER (PARTITION BY document_id ORDER BY source_date, source_kind, source_id) = 1
)
SELECT source_id || ':' || document_id AS suggestion_id,
       ['same_amount', 'within_cent', 'reference'][reason_rank] AS reason, reason_rank,
       customer_id, customer_name, source_kind, source_id, source_date, unapplied AS source_amount, reference,
       document_id, issue_date, due_date, outstanding,
       CASE WHEN source_kind = 'payment' THEN unapplied ELSE least(unapplied, outstanding) END AS amount,
       CASE WHEN source_kind = 'payment' THEN source_date ELSE greatest(source_date, issue_date) END AS match_date
FROM (SELECT * FROM same_amount UNION ALL BY NAME SELECT * FROM within_cent UNION ALL BY NAME SELECT * FROM by_reference);
