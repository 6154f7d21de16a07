-- label: Date de solde des pièces / Day a document is settled for good
-- formula: open_until = the date of the document's last movement when its movements add up to its amount; 9999-12-31 otherwise. A document's movements are its settlements (cash, write-offs, credit notes applied to it) and, for a credit note, its applications to invoices counted negative (KPI-SPEC §2)
-- unit: date
-- settled_documents() is a TEMP macro: installed on every connection that writes (registry.py),
-- never stored in a workspace file. Both the import (ledger.insert_canonical) and this refresh
-- read it, so a document is closed by one rule.
CREATE OR REPLACE TEMP MACRO settled_documents() AS TABLE
SELECT document_id, sum(amount) AS settled_total, max(date) AS last_settlement
FROM (SELECT document_id, date, amount FROM settlements WHERE document_id IS NOT NULL
      UNION ALL
      SELECT source_document_id, date, -amount FROM settlements WHERE kind = 'credit')
GROUP BY document_id;

-- Run after every write to documents or settlements (imports, removals), in the same
-- transaction. New documents are inserted with their status already set (insert_canonical);
-- only rows whose value changes are written here, because rewriting a million unchanged rows
-- costs seconds.
CREATE OR REPLACE TEMP MACRO document_open_until(amount, settled_total, last_settlement) AS
    CASE WHEN settled_total = amount THEN last_settlement ELSE DATE '9999-12-31' END;
