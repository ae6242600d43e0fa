-- Sign-in finds a user by the provider's stable account id, never by an email claim: an email claim
-- is not unique across tenants and not always verified, so two people may present the same one.
-- An identity is (provider, issuer, subject): Google's id_token `iss` and `sub`, Microsoft's tenant
-- id (`tid`) and object id (`oid`). A new identity makes a new user; a second identity is linked to
-- a user only from a signed-in session (connecting another calendar).
create table user_identities (
  provider text not null check (provider in ('google', 'microsoft')),
  -- '' for identities carried over from connections made before this table: the issuer was not
  -- stored then; the next sign-in with that subject fills it in.
  issuer text not null,
  subject text not null,
  user_id uuid not null references users (id) on delete cascade,
  -- The email claim as last presented, for display; verified only when the provider said so
  -- (Google `email_verified`; never for Microsoft). Admin rights by email need a verified one.
  email text not null default '',
  email_verified boolean not null default false,
  created_at timestamptz not null default now(),
  primary key (provider, issuer, subject)
);
create index user_identities_user on user_identities (user_id);
create index user_identities_subject on user_identities (provider, subject);

-- One identity per connected account. An account connected by two users goes to the one who signs in
-- with it today (whose email is the account's), else the one who connected it first.
insert into user_identities (provider, issuer, subject, user_id, email, email_verified)
select distinct on (c.provider, c.account_subject)
  c.provider, '', c.account_subject, c.user_id, c.account_email, false
from connections c join users u on u.id = c.user_id
order by c.provider, c.account_subject, (u.email = lower(c.account_email)) desc, c.created_at, c.id;

-- Users keep their email for display, but two users may now share one.
alter table users drop constraint users_email_key;
create index users_email on users (email);

-- Connections are keyed by the same identity (issuer '' for the rows made before this migration,
-- filled in when that account is connected again).
alter table connections add column account_issuer text not null default '';
alter table connections drop constraint connections_user_id_provider_account_subject_key;
alter table connections add constraint connections_account unique (user_id, provider, account_issuer, account_subject);

-- The SHA-256 of the nonce cookie set in the browser that started the flow: the callback must come
-- from that browser. Null (states written before this migration) never matches.
alter table oauth_states add column browser_hash text;
