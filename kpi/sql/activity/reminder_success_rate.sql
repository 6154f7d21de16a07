-- label: Taux de succès des relances / Reminder success rate
-- formula: reminders of [S, E] followed within the window (15 days by default) by a cash payment of the same customer (or document when given) / reminders of [S, E] × 100
-- unit: %
-- kpi: reminders_count count neutral
-- kpi: reminder_success_rate percent higher
CREATE OR REPLACE MACRO kpi_reminder_success_rate(paid_reminders, reminders) AS
    paid_reminders / nullif(reminders, 0) * 100;

CREATE OR REPLACE MACRO reminder_success(period_start, period_end, window_days, customers, activities) AS TABLE
SELECT count(*) AS reminders_count,
       count(*) FILTER (paid) AS paid_reminders,
       kpi_reminder_success_rate(count(*) FILTER (paid), count(*)) AS reminder_success_rate
FROM reminder_outcomes(period_start, period_end, window_days, customers, activities);
