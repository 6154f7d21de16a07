-- label: Date de solde des pièces / Day a document is settled for good
-- formula: open_until = the date of the document's last settlement when its settlements add up to its amount; 9999-12-31 otherwise
-- unit: date
-- Run after every write to documents or settlements (imports, removals), in the same
-- transaction. New documents are inserted with the default and set here; only rows whose
-- value changes are written, because rewriting a million unchanged rows costs seconds.
UPDATE documents
SET open_until = status.open_until
FROM (
    SELECT d.document_id,
           CASE WHEN t.settled_total = d.amount THEN t.last_settlement ELSE DATE '9999-12-31' END AS open_until
    FROM documents AS d
    LEFT JOIN (SELECT document_id, sum(amount) AS settled_total, max(date) AS last_settlement
               FROM settlements WHERE document_id IS NOT NULL GROUP BY document_id) AS t
      USING (document_id)
) AS status
WHERE documents.document_id = status.document_id
  AND documents.open_until <> status.open_until;
