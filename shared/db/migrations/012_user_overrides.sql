-- A 1:1 (an event or a whole series) the user moved themselves after Frontload moved it, or after a
-- preview showed a move for it: Frontload leaves it where the user put it until the user hands it
-- back ("let Frontload manage this 1:1 again"). Detected by the planner from the ledger and the
-- mirror (workers/planner/src/intent.ts); handing back sets released_at, and only evidence newer than
-- that (a later move or preview) can make it an override again.
create table user_overrides (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references users (id) on delete cascade,
  connection_id uuid not null references connections (id) on delete cascade,
  -- The provider id of the event, or of the series master for a recurring 1:1.
  target_id text not null,
  target_kind text not null check (target_kind in ('event', 'series')),
  title text not null default '',
  counterpart text,
  -- When Frontload last wrote or showed the slot the user then moved the event away from.
  evidence_at timestamptz not null,
  created_at timestamptz not null default now(),
  released_at timestamptz
);
create unique index user_overrides_active on user_overrides (user_id, connection_id, target_id)
  where released_at is null;
create index user_overrides_user on user_overrides (user_id, created_at desc);
