-- The sync window rolls forward: a Graph delta link keeps the window of the full listing that started
-- it, so the sync worker lists everything again (with a window from today) once the last full listing
-- is a week old. This records when that was.
alter table connections add column full_synced_at timestamptz;
