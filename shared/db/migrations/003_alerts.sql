-- Overload alerts are edge-triggered per (user, week, rule): one event when a rule trips, one when
-- it clears, never twice for the same state however often the week is replanned.
create table alert_states (
  user_id uuid not null references users (id) on delete cascade,
  week_start date not null,
  rule text not null,
  tripped boolean not null,
  -- Counts transitions, so a rule that trips again in the same week gets a new message id.
  transitions integer not null default 1,
  measured jsonb not null default '{}',
  updated_at timestamptz not null default now(),
  primary key (user_id, week_start, rule)
);

-- Endpoint secrets rotate with an overlap: the previous secret keeps signing until it expires.
alter table webhook_endpoints add column secret_rotated_at timestamptz;
alter table webhook_endpoints add column previous_secret_expires_at timestamptz;

alter table webhook_deliveries add column user_id uuid references users (id) on delete cascade;
alter table webhook_deliveries add column next_attempt_at timestamptz;
create index webhook_deliveries_endpoint on webhook_deliveries (endpoint_id, created_at desc);
