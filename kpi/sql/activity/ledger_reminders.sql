-- label: Relances retenues par les filtres / Filtered reminders
-- formula: KPI-SPEC §4 applied to reminders — a reminder about a document follows the document; one about a customer's balance follows the customer filter and is dropped by an activity filter (as unapplied cash); step = escalation step (R1, R2… from the stage, formal_notice, agency_legal from the channel)
-- unit: —
CREATE OR REPLACE MACRO reminder_step(channel, stage) AS
    CASE WHEN channel = 'formal_notice' THEN 'formal_notice'
         WHEN channel IN ('agency', 'legal') THEN 'agency_legal'
         WHEN regexp_matches(coalesce(stage, ''), '\d') THEN 'R' || regexp_extract(stage, '(\d+)', 1)::INTEGER
         ELSE 'R?' END;

-- Funnel order: R1, R2, R3… then formal notice, then agency or legal action; unknown stages last.
CREATE OR REPLACE MACRO reminder_step_rank(step) AS
    CASE WHEN step = 'formal_notice' THEN 1000
         WHEN step = 'agency_legal' THEN 1001
         WHEN step = 'R?' THEN 1002
         ELSE TRY_CAST(substr(step, 2) AS INTEGER) END;

CREATE OR REPLACE MACRO ledger_reminders(customers, activities) AS TABLE
SELECT r.reminder_id, coalesce(r.customer_id, d.customer_id) AS customer_id, r.document_id, r.date,
       r.channel, r.stage, r.cost, reminder_step(r.channel, r.stage) AS step
FROM reminders AS r LEFT JOIN documents AS d USING (document_id)
WHERE (r.document_id IS NULL
       AND len(activities::VARCHAR[]) = 0
       AND (len(customers::VARCHAR[]) = 0 OR list_contains(customers::VARCHAR[], r.customer_id)))
   OR r.document_id IN (SELECT document_id FROM ledger_documents(customers, activities));
