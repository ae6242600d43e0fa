-- A run that cannot make progress (its provider calls spent, or the provider refusing every id it
-- tries) ends 'failed', with the reason kept beside it for the history and the command line.
alter table plans drop constraint plans_state_check;
alter table plans add constraint plans_state_check
  check (state in ('preview', 'confirm_required', 'applying', 'applied', 'partially_applied', 'stopped', 'failed', 'superseded'));
alter table plans add column failure_reason text;

-- A focus block Frontload re-creates never reuses the id of one it created before (providers refuse
-- the id of a deleted event): the ledger counts earlier creates of the same planned id on the
-- connection, a handful among all operations, so a partial index answers it directly.
create index operations_created_blocks on operations (connection_id, target_event_id)
  where kind = 'createFocusBlock' and status in ('applied', 'reverted');

-- When the planner last found a preview still current (a replan with nothing new stores no plan):
-- "plan again" answers at once with the unchanged plan instead of waiting for a new one.
alter table plans add column checked_at timestamptz;
