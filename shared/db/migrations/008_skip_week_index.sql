-- Every plan asks for the user's last skip week: the newest applied cancellation of a skip week among
-- their operations. Those are a handful among all operations ever applied, so a partial index answers
-- it directly, whatever the table's statistics say (with stale statistics after a burst of plans,
-- Postgres read the whole operations table for it: 55 ms per plan at 70,000 operations).
create index operations_applied_cancels on operations (plan_id)
  where kind = 'cancelOccurrence' and status = 'applied';
