-- `people.not_seen` is raised once per person per gap: a gap is known by the last time the user and
-- the person met (`seen_at`, null when not within the eight weeks read). A row says that gap was
-- alerted; the same gap never alerts again, and a new meeting starts a new gap.
create table not_seen_alerts (
  user_id uuid not null references users (id) on delete cascade,
  email text not null,
  seen_at timestamptz,
  alerted_at timestamptz not null default now(),
  primary key (user_id, email)
);
