-- What each counterpart is to the user, when the user said so in People: 'report', 'partner' or
-- 'other'. Null: the user has not set it, and Frontload proposes one from the calendar each time it
-- reads it (a proposal is never stored, so it can never overwrite what the user set).
alter table people add column role text check (role in ('report', 'partner', 'other'));
