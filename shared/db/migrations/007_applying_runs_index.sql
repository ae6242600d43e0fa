-- The catch-up sweep looks every minute for runs being applied (to re-enqueue a job a killed planner
-- never queued). Such runs are few and short-lived, so a partial index keeps that lookup off the
-- whole plans table, which grows by a row per plan.
create index plans_applying on plans (created_at) where state = 'applying';
