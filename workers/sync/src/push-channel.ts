/**
 * Push channel lifecycle (PROVIDERS.md §3, §8.4): a Google channel or a Graph subscription per
 * connection, with a fresh secret per channel (only its hash is stored), renewed at about half its
 * lifetime, recreated when the provider lost it, stopped on disconnect. Google channels cannot be
 * renewed in place: a renewal opens a new channel and stops the old one.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { repositories, type ConnectionRow } from '@frontload/db';
import type { CalendarProvider, PushChannel } from '@frontload/providers';
import type { SyncDeps } from './deps.js';
import { providerErrorKind } from '@frontload/providers/errors';

/** sha256 hex of a push secret: what the connection row stores and the receivers compare. */
export const hashPushSecret = (secret: string) => createHash('sha256').update(secret).digest('hex');

/** Receiver paths under PUSH_PUBLIC_URL (services/api/src/routes/push.ts). */
export const PUSH_PATHS = { google: '/push/google', microsoft: '/push/microsoft' } as const;

/** What a renewal did. */
export interface PushOutcome {
  connectionId: string;
  action: 'skipped' | 'created' | 'renewed' | 'recreated';
  expiresAt?: string;
}

const newChannelId = (connectionId: string) => `fl-${connectionId}-${randomUUID().slice(0, 8)}`;

function watchInput(deps: SyncDeps, connection: ConnectionRow, secret: string) {
  const base = deps.pushPublicUrl!.replace(/\/+$/, '');
  const address = `${base}${PUSH_PATHS[connection.provider]}`;
  return {
    channelId: newChannelId(connection.id),
    address,
    secret,
    ...(connection.provider === 'microsoft' ? { lifecycleAddress: address } : {}),
    ttlSeconds: deps.tuning.pushTtlSeconds[connection.provider],
  };
}

/** Stops a channel; one that is already gone counts as stopped. */
async function stopQuietly(provider: CalendarProvider, channel: { channelId: string; resourceId: string }) {
  try {
    await provider.unwatch(channel);
  } catch (error) {
    if (providerErrorKind(error) !== 'not_found') throw error;
  }
}

async function renewExisting(
  provider: CalendarProvider,
  connection: ConnectionRow,
  input: ReturnType<typeof watchInput>,
): Promise<{ channel: PushChannel; keepSecret: boolean } | undefined> {
  const old = { channelId: connection.push_channel_id!, resourceId: connection.push_resource_id! };
  try {
    // The adapter receives the channel being renewed: Google opens a new channel and stops this one;
    // Graph PATCHes the subscription in place, which keeps the clientState it was created with.
    const channel = await provider.renewWatch({ ...input, ...old });
    return {
      channel,
      keepSecret: connection.provider === 'microsoft' && channel.resourceId === old.resourceId,
    };
  } catch (error) {
    // The subscription expired or was removed: create a new one.
    if (providerErrorKind(error) === 'not_found') return undefined;
    throw error;
  }
}

/** Creates, renews or recreates the connection's push channel. */
export async function renewPush(deps: SyncDeps, connectionId: string): Promise<PushOutcome> {
  const repos = repositories(deps.db);
  const connection = await repos.connections.byId(connectionId);
  if (!connection || deps.pushPublicUrl === undefined) return { connectionId, action: 'skipped' };
  if (connection.status !== 'healthy' && connection.status !== 'syncing') {
    return { connectionId, action: 'skipped' };
  }
  const provider = await deps.providerFor(connection);
  const secret = randomBytes(32).toString('base64url');
  const input = watchInput(deps, connection, secret);
  const hadChannel = connection.push_channel_id !== null && connection.push_resource_id !== null;
  const renewed = hadChannel ? await renewExisting(provider, connection, input) : undefined;
  const channel = renewed?.channel ?? (await provider.watch(input));
  await repos.syncState.setPush(connection.id, {
    channelId: channel.channelId,
    resourceId: channel.resourceId,
    secretHash: renewed?.keepSecret ? connection.push_secret_hash! : hashPushSecret(secret),
    expiresAt: new Date(channel.expiresAt),
    registeredAt: deps.now(),
  });
  const action = renewed ? 'renewed' : hadChannel ? 'recreated' : 'created';
  return { connectionId, action, expiresAt: new Date(channel.expiresAt).toISOString() };
}

/** Stops the connection's push channel, if any (disconnect). */
export async function stopPush(provider: CalendarProvider, connection: ConnectionRow): Promise<void> {
  if (connection.push_channel_id === null || connection.push_resource_id === null) return;
  await stopQuietly(provider, {
    channelId: connection.push_channel_id,
    resourceId: connection.push_resource_id,
  });
}
