-- label: Mise à jour des dates de solde / Refreshing the day documents are settled for good
-- formula: open_until of document_status.sql, written only where it changed
-- unit: date
UPDATE documents
SET open_until = status.open_until
FROM (
    SELECT d.document_id, document_open_until(d.amount, t.settled_total, t.last_settlement) AS open_until
    FROM documents AS d LEFT JOIN settled_documents() AS t USING (document_id)
) AS status
WHERE documents.document_id = status.document_id
  AND documents.open_until <> status.open_until;
