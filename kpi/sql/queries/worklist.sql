-- label: À relancer / Worklist
-- formula: per customer with overdue receivables at D (open invoices of the matching mode, KPI-SPEC §2, with days past due ≥ 1): overdue = Σ their outstanding; disputed = Σ outstanding of those under a dispute open at D (opened ≤ D, not resolved at D); chased = overdue − disputed; priority = Σ over the chased invoices of outstanding × age weight (1–30 days ×1, 31–60 ×2, 61–90 ×3, 91 and more ×4) × risk factor of the customer's rating at D (risk_score.sql: A ×1, B ×1.25, C ×1.5, D ×2), rounded to the cent; next action = the latest stage of the schedule (R1, R2, R3, formal notice, agency at stage_days after the due date of the oldest chased invoice) that is reached and above every stage sent to the customer since that due date (the agency only once a formal notice was sent), else wait for the next one, 'done' once the agency stage was sent, 'dispute' when everything overdue is disputed; rank: customers with a broken promise to pay (broken_promises ≥ 1) first, then by priority
-- unit: € (overdue, disputed, chased), weighted € (priority), days, stage, count (broken_promises)
-- The weights make a euro 91 days late count four times a euro 10 days late, and a D-rated
-- customer's twice an A-rated one's: the priority reads as « euros to chase, weighted ».
-- A disputed invoice is left out of the chase (amount, age weight and schedule) as a whole,
-- whatever part of it the dispute names, as the D441-6 table leaves it out; it is shown apart.
-- Broken promises come first: broken_promises = the customer's promises to pay broken at D
-- (promises.sql: not covered by the cash of their window when their promised date + the grace days
-- was over) whose deadline falls after the due date of its oldest chased invoice — promises about
-- the debt chased now, not about debts since paid. The rank sorts customers with one or more first,
-- then by priority (kpi/metrics/worklist.py); the priority's amount itself is unchanged. An all-
-- disputed customer (nothing chased) counts none. last_promise_* is the customer's latest promise
-- made on or before D (by promise date): the date the money was promised for, its amount, its state at D.
--
-- The stages: 1 r1, 2 r2, 3 r3, 4 formal_notice, 5 agency (stage_days lists their delays in
-- that order). A reminder of the log counts as the stage of its escalation step
-- (ledger_reminders.sql): R1, R2, R3 — a fourth or later amicable reminder counts as R3 —, a
-- formal notice, an agency or legal action as agency; a reminder of unknown level (no digit in
-- its stage) counts as no stage. A stage is due from its delay on even when an earlier amicable one
-- was never sent (the schedule sets the pace, the log only keeps a stage from being sent twice),
-- except the agency, which waits for a formal notice.
CREATE OR REPLACE MACRO worklist_stage_rank(step) AS
    CASE WHEN step = 'formal_notice' THEN 4
         WHEN step = 'agency_legal' THEN 5
         WHEN step = 'R?' THEN NULL
         WHEN TRY_CAST(substr(step, 2) AS INTEGER) >= 1 THEN least(TRY_CAST(substr(step, 2) AS INTEGER), 3)
         END;

CREATE OR REPLACE MACRO worklist_stage(rank) AS
    ['r1', 'r2', 'r3', 'formal_notice', 'agency'][rank];

-- The age weight of an overdue invoice, by bracket of days past due (≥ 1).
CREATE OR REPLACE MACRO worklist_age_weight(days_past_due) AS
    CASE WHEN days_past_due > 90 THEN 4 WHEN days_past_due > 60 THEN 3 WHEN days_past_due > 30 THEN 2 ELSE 1 END;

CREATE OR REPLACE MACRO worklist_risk_factor(rating) AS
    CASE rating WHEN 'D' THEN 2.00 WHEN 'C' THEN 1.50 WHEN 'B' THEN 1.25 ELSE 1.00 END;

CREATE OR REPLACE MACRO worklist(as_of_date, customers, activities, matching, stage_days, grace_days) AS TABLE
WITH overdue_items AS (
    SELECT o.customer_id, o.customer_name, o.issue_date, o.due_date, o.outstanding, o.days_past_due,
           o.document_id IN (SELECT document_id FROM disputes
                             WHERE opened_date <= as_of_date AND (resolved_date IS NULL OR resolved_date > as_of_date)) AS disputed
    FROM open_items_at([as_of_date::DATE], customers, activities, matching) AS o
    WHERE is_aged_receivable(o.item_kind, o.outstanding) AND o.days_past_due >= 1
),
overdue AS (
    SELECT customer_id,
           any_value(customer_name ORDER BY issue_date DESC) AS customer_name,
           sum(outstanding) AS overdue,
           coalesce(sum(outstanding) FILTER (disputed), 0) AS disputed,
           coalesce(sum(outstanding) FILTER (NOT disputed), 0) AS chased,
           max(days_past_due) AS oldest_days_past_due,
           max(days_past_due) FILTER (NOT disputed) AS chased_days_past_due,
           min(due_date) FILTER (NOT disputed) AS oldest_chased_due_date,
           coalesce(sum(outstanding * worklist_age_weight(days_past_due)) FILTER (NOT disputed), 0) AS weighted
    FROM overdue_items
    GROUP BY customer_id
),
reminders AS (
    SELECT r.customer_id, r.date, worklist_stage_rank(r.step) AS stage_rank,
           row_number() OVER (PARTITION BY r.customer_id
                              ORDER BY r.date DESC, coalesce(worklist_stage_rank(r.step), 0) DESC) AS latest
    FROM ledger_reminders(customers, activities) AS r
    WHERE r.date <= as_of_date::DATE AND r.customer_id IN (SELECT customer_id FROM overdue)
),
schedule AS (
    SELECT o.*,
           -- the stages sent after the oldest chased invoice fell due
           (SELECT max(r.stage_rank) FROM reminders AS r
            WHERE r.customer_id = o.customer_id AND r.date > o.oldest_chased_due_date) AS sent_rank,
           list_max(list_filter(range(1, 6), lambda i: stage_days[i] <= o.chased_days_past_due)) AS reached_rank
    FROM overdue AS o
),
-- The agency is never suggested before a formal notice was sent: the formal notice is what makes the
-- debt due in law (and starts the late-payment interest), so it is the step no schedule may skip.
schedule_due AS (
    SELECT *,
           CASE WHEN reached_rank = 5 AND coalesce(sent_rank, 0) < 4 THEN 4 ELSE reached_rank END AS due_rank
    FROM schedule
),
ratings AS (
    SELECT customer_id, rating FROM risk_scores(as_of_date, customers, activities, matching)
),
promises_at AS (
    SELECT p.*,
           row_number() OVER (PARTITION BY p.customer_id
                              ORDER BY p.promise_date DESC, p.promised_date DESC, p.promise_id DESC) AS latest
    FROM promise_status(as_of_date, grace_days, customers, activities) AS p
    WHERE p.customer_id IN (SELECT customer_id FROM overdue)
),
broken AS (
    SELECT p.customer_id, count(*) AS broken_promises
    FROM promises_at AS p JOIN overdue AS o USING (customer_id)
    WHERE p.status = 'broken' AND p.deadline > o.oldest_chased_due_date
    GROUP BY p.customer_id
)
SELECT s.customer_id, s.customer_name, s.overdue, s.disputed, s.chased,
       s.oldest_days_past_due, s.chased_days_past_due, g.rating,
       round(s.weighted * worklist_risk_factor(g.rating), 2) AS priority,
       CASE WHEN s.chased = 0 THEN 'dispute'
            WHEN coalesce(s.due_rank, 0) > coalesce(s.sent_rank, 0) THEN worklist_stage(s.due_rank)
            WHEN coalesce(s.sent_rank, 0) = 5 THEN 'done'
            ELSE 'wait' END AS next_action,
       -- when waiting: the day the first stage above those sent falls due
       CASE WHEN s.chased > 0 AND coalesce(s.due_rank, 0) <= coalesce(s.sent_rank, 0) AND coalesce(s.sent_rank, 0) < 5
            THEN s.oldest_chased_due_date
                 + list_min(list_transform(list_filter(range(1, 6), lambda i: i > coalesce(s.sent_rank, 0)),
                                           lambda i: stage_days[i]))::INTEGER
            END AS next_action_date,
       l.date AS last_reminder_date,
       CASE WHEN l.date IS NOT NULL THEN coalesce(worklist_stage(l.stage_rank), 'other') END AS last_reminder_stage,
       coalesce(b.broken_promises, 0) AS broken_promises,
       p.promised_date AS last_promise_date,
       p.amount AS last_promise_amount,
       p.status AS last_promise_status
FROM schedule_due AS s
LEFT JOIN ratings AS g USING (customer_id)
LEFT JOIN (SELECT * FROM reminders WHERE latest = 1) AS l USING (customer_id)
LEFT JOIN broken AS b USING (customer_id)
LEFT JOIN (SELECT * FROM promises_at WHERE latest = 1) AS p USING (customer_id);
