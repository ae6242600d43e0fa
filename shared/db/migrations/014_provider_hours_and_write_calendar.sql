-- Where the user's working hours came from: 'default' (never set), 'provider' (their Microsoft
-- mailbox settings, adopted when the calendar syncs) or 'user' (edited in Preferences). Hours the
-- user edited are never overwritten by a later sync. Rows stored before this column existed were
-- saved by the user: they count as the user's.
alter table preferences add column working_hours_source text not null default 'user'
  check (working_hours_source in ('default', 'provider', 'user'));

-- The connected calendar Frontload writes to (moves, cancellations, focus blocks). Every other
-- healthy connection of the user only lends its busy time. Null: the first connected calendar.
alter table users add column write_connection_id uuid references connections (id) on delete set null;
