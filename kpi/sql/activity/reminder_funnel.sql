-- label: Entonnoir de relance / Escalation funnel
-- formula: per escalation step (R1 → R2 → R3 → mise en demeure → agence / contentieux), reminders of [S, E], those followed by a payment within the window, and their share × 100
-- unit: count, %
CREATE OR REPLACE MACRO reminder_funnel(period_start, period_end, window_days, customers, activities) AS TABLE
SELECT step, reminder_step_rank(step) AS step_rank,
       count(*) AS reminders, count(*) FILTER (paid) AS paid_reminders,
       kpi_reminder_success_rate(count(*) FILTER (paid), count(*)) AS paid_share,
       sum(cost) AS cost
FROM reminder_outcomes(period_start, period_end, window_days, customers, activities)
GROUP BY step
ORDER BY step_rank, step;

-- Reminders of [S, E] by channel and by stage as the log names them.
CREATE OR REPLACE MACRO reminders_by_channel(period_start, period_end, customers, activities) AS TABLE
SELECT channel, coalesce(stage, '') AS stage, any_value(step) AS step, count(*) AS reminders, sum(cost) AS cost
FROM ledger_reminders(customers, activities)
WHERE date BETWEEN period_start AND period_end
GROUP BY channel, coalesce(stage, '')
ORDER BY channel, stage;
