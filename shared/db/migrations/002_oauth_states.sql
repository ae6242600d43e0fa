-- Single-use OAuth state: written at /auth/{provider}/start, deleted (and so consumed) at the
-- callback. Holds the PKCE verifier, so the browser never sees it.
create table oauth_states (
  state_hash text primary key,
  provider text not null check (provider in ('google', 'microsoft')),
  code_verifier text not null,
  -- Set when a signed-in user connects another calendar; null for a sign-in.
  user_id uuid references users (id) on delete cascade,
  return_to text not null default '/',
  expires_at timestamptz not null
);
