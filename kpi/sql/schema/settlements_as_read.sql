-- label: Règlements tels que lus, lettrages manuels compris / Settlements as read, manual matches included
-- formula: a stored unapplied cash settlement (document_id empty) that a manual match (manual_matches, source_kind 'payment') gives to an invoice that exists is read with that invoice's document_id; every other row as stored
-- unit: —
-- What a ledger over a workspace that holds a manual match reads as `settlements` (kpi/store/ledger.py
-- stored_select: the snapshot, the read-only views, the app's shared views), so that every macro sees
-- an accepted match without being changed; a workspace without one reads its table as stored. The write side never reads this: the row stays as its import stored it,
-- and removing the manual import (its manual_matches rows) brings the payment back unapplied.
-- An invoice removed since (its import removed) leaves the payment unapplied again instead of
-- making its cash vanish; a payment matched again after that (two rows naming it) is read with its
-- latest match only, never twice. `workspace` is the alias both readers attach the file under.
SELECT s.* REPLACE (coalesce(s.document_id, m.document_id) AS document_id)
FROM workspace.settlements AS s
LEFT JOIN (SELECT source_id, arg_max(document_id, import_id) AS document_id
           FROM workspace.manual_matches
           WHERE source_kind = 'payment'
             AND document_id IN (SELECT document_id FROM workspace.documents)
           GROUP BY source_id) AS m
  ON s.document_id IS NULL AND s.kind = 'cash' AND m.source_id = s.settlement_id
