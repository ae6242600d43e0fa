-- Sync and push bookkeeping (issue 5). Graph notifications name the subscription, not our channel,
-- so receivers look connections up by the provider's resource id too; renewal at half lifetime needs
-- to know when the channel was registered.
alter table connections add column push_registered_at timestamptz;
create index connections_push_resource on connections (push_resource_id);
-- The catch-up sweep scans by status and last sync.
create index connections_sweep on connections (status, last_synced_at);
