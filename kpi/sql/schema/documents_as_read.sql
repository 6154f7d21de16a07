-- label: Pièces telles que lues, lettrages manuels compris / Documents as read, manual matches included
-- formula: an invoice that a manual match (manual_matches, source_kind 'payment') gives a payment is read with open_until = 9999-12-31; every other row as stored
-- unit: —
-- The companion of settlements_as_read.sql (kpi/store/ledger.py stored_select). open_until, the day a
-- document is settled for good, is kept by the writers from the stored settlements, which never show
-- a payment's manual match: an invoice a later import settles would be closed there while the matched
-- payment leaves it overpaid, and its negative outstanding would drop out of AR. Such an invoice is
-- read as never settled for good: open_until only lets open_items.sql skip documents early, so this
-- costs a few rows, never a figure.
SELECT d.* REPLACE (CASE WHEN d.document_id IN (SELECT document_id FROM workspace.manual_matches
                                                WHERE source_kind = 'payment')
                         THEN DATE '9999-12-31' ELSE d.open_until END AS open_until)
FROM workspace.documents AS d
