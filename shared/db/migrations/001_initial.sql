-- The data model of docs/ARCHITECTURE.md ("Data model"). Instants are timestamptz (UTC);
-- zones are IANA names. The mirror keeps only what the planner needs.

create table users (
  id uuid primary key default gen_random_uuid(),
  email text not null unique,
  name text not null default '',
  time_zone text not null default 'UTC',
  mode text not null default 'preview' check (mode in ('preview', 'autopilot')),
  -- A new connection's first autopilot run still needs one confirmed preview.
  preview_confirmed_at timestamptz,
  created_at timestamptz not null default now()
);

create table sessions (
  token_hash text primary key,
  user_id uuid not null references users (id) on delete cascade,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null
);
create index sessions_user on sessions (user_id);

create table api_tokens (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references users (id) on delete cascade,
  name text not null,
  token_hash text not null unique,
  -- First characters of the token, shown in lists so a user can tell tokens apart.
  token_prefix text not null,
  created_at timestamptz not null default now(),
  last_used_at timestamptz,
  revoked_at timestamptz
);
create index api_tokens_user on api_tokens (user_id);

create table connections (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references users (id) on delete cascade,
  provider text not null check (provider in ('google', 'microsoft')),
  -- The provider's stable account id (OIDC sub / Graph user id): connecting again updates this row.
  account_subject text not null,
  account_email text not null,
  calendar_id text not null default 'primary',
  -- AES-256-GCM sealed token set, bound to (user, provider); see @frontload/security.
  sealed_tokens text not null,
  scopes text[] not null default '{}',
  status text not null default 'syncing' check (status in ('syncing', 'healthy', 'needs_reauth', 'disconnected')),
  time_zone text,
  sync_cursor text,
  last_synced_at timestamptz,
  push_channel_id text,
  push_resource_id text,
  push_secret_hash text,
  push_expires_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (user_id, provider, account_subject)
);
create index connections_push_channel on connections (push_channel_id);

create table events (
  connection_id uuid not null references connections (id) on delete cascade,
  provider_event_id text not null,
  kind text not null check (kind in ('single', 'series', 'occurrence')),
  -- Occurrences are keyed by (series_id, original_start) whatever the provider calls them.
  series_id text,
  original_start timestamptz,
  starts_at timestamptz,
  ends_at timestamptz,
  start_zone text,
  all_day_start date,
  all_day_end date,
  status text not null check (status in ('confirmed', 'tentative', 'cancelled')),
  title text not null default '',
  organizer_email text,
  organizer_is_self boolean not null default false,
  attendees jsonb not null default '[]',
  transparency text not null default 'busy' check (transparency in ('busy', 'free')),
  event_type text not null default 'default',
  recurrence jsonb,
  -- Frontload's private tag (kind of managed event) when we created it; null for the user's own events.
  our_tag text,
  etag text,
  provider_updated_at timestamptz,
  primary key (connection_id, provider_event_id)
);
create index events_window on events (connection_id, starts_at);
create index events_series on events (connection_id, series_id, original_start);

create table people (
  user_id uuid not null references users (id) on delete cascade,
  email text not null,
  display_name text not null default '',
  protected boolean not null default false,
  fixed boolean not null default false,
  preferred_slot jsonb,
  last_held_at timestamptz,
  primary key (user_id, email)
);

create table preferences (
  user_id uuid primary key references users (id) on delete cascade,
  data jsonb not null,
  updated_at timestamptz not null default now()
);

create table plans (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references users (id) on delete cascade,
  kind text not null default 'plan' check (kind in ('plan', 'undo')),
  undo_of uuid references plans (id) on delete set null,
  -- Hash of everything plan() read: a stale plan is detected by comparing it with a fresh one.
  inputs_hash text not null,
  horizon_start timestamptz not null,
  horizon_end timestamptz not null,
  notes jsonb not null default '[]',
  metrics jsonb not null default '{}',
  state text not null default 'preview'
    check (state in ('preview', 'confirm_required', 'applying', 'applied', 'partially_applied', 'stopped', 'superseded')),
  created_at timestamptz not null default now(),
  applied_at timestamptz
);
create index plans_user on plans (user_id, created_at desc);

-- The operation ledger: an intent is written before any provider call, the result after it.
create table operations (
  id uuid primary key default gen_random_uuid(),
  plan_id uuid not null references plans (id) on delete cascade,
  seq integer not null,
  kind text not null,
  connection_id uuid references connections (id) on delete cascade,
  target_event_id text,
  desired jsonb not null,
  reason text not null,
  emails text[] not null default '{}',
  idempotency_key text not null,
  status text not null default 'planned'
    check (status in ('planned', 'intent', 'applied', 'skipped', 'failed', 'reverted')),
  provider_result jsonb,
  before_snapshot jsonb,
  after_snapshot jsonb,
  error text,
  updated_at timestamptz not null default now(),
  unique (plan_id, seq),
  unique (plan_id, idempotency_key)
);

create table audit (
  id bigint generated always as identity primary key,
  user_id uuid references users (id) on delete cascade,
  at timestamptz not null default now(),
  actor text not null,
  action text not null,
  details jsonb not null default '{}'
);
create index audit_user on audit (user_id, at desc);

create table webhook_endpoints (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references users (id) on delete cascade,
  url text not null,
  description text not null default '',
  event_types text[] not null,
  format text not null default 'json' check (format in ('json', 'slack')),
  -- Sealed signing secrets; two during a rotation overlap.
  sealed_secrets text not null,
  enabled boolean not null default true,
  disabled_reason text,
  failing_since timestamptz,
  created_at timestamptz not null default now()
);
create index webhook_endpoints_user on webhook_endpoints (user_id);

create table webhook_deliveries (
  id uuid primary key default gen_random_uuid(),
  endpoint_id uuid not null references webhook_endpoints (id) on delete cascade,
  -- Stable across retries (Standard Webhooks webhook-id).
  message_id text not null,
  event_type text not null,
  payload jsonb not null,
  status text not null default 'pending' check (status in ('pending', 'delivered', 'failed', 'abandoned')),
  attempts integer not null default 0,
  last_status_code integer,
  last_duration_ms integer,
  last_response_excerpt text,
  last_attempt_at timestamptz,
  created_at timestamptz not null default now(),
  unique (endpoint_id, message_id)
);
