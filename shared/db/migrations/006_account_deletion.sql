-- Disconnecting can also remove the events Frontload created (flow 8, "if the user asks"): the choice
-- is stored on the connection, so a disconnect job queued again by the sweep still honours it.
alter table connections add column remove_managed_events boolean not null default false;
-- Deleting an account first stops push and revokes each grant at the provider, which needs the sealed
-- tokens; the user row (and by cascade everything else) goes once the last connection is cleaned up.
alter table users add column deleted_at timestamptz;
