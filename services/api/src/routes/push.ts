/**
 * Provider push receivers (PROVIDERS.md §3). They validate and enqueue only — one indexed lookup and
 * one Redis add — so they answer well within 100 ms; the sync worker does the listing. A notification
 * says only "this calendar changed": every valid one becomes a `sync` job, which the catalogue
 * deduplicates per connection, so duplicates and bursts coalesce and order does not matter.
 * Authenticity: each channel has its own secret (Google channel token, Graph clientState), of which
 * the connection stores only a sha256; a notification whose secret does not match enqueues nothing.
 *
 * Throughput (tests/load, goal ≥ 0.8 of a handler that only enqueues): a change arrives as a burst of
 * notifications per channel, so the channel → connection lookup is kept CHANNEL_CACHE_MS in process
 * (found channels only, bounded, one load for concurrent messages); the secret is still checked on
 * every message. A connection that went dead or was re-channelled within that window at worst gets
 * one more sync request, which the sync worker skips for a connection that is not live. The receivers answer providers, not browsers:
 * app.ts registers them in its root context, outside the context that holds the cookie, session,
 * CSRF, rate-limit and security-header plugins, so none of those hooks run for them.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { repositories, type ConnectionRow, type Database } from '@frontload/db';
import type { Producers } from '@frontload/jobs';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  parseGoogleNotification,
  parseGraphNotification,
  type GraphChangeNotification,
  type GraphLifecycleNotification,
} from '@frontload/providers/notifications';
import { Errors } from '../errors.js';

export interface PushRouteOptions {
  db: Database;
  producers: Producers;
}

const sha256 = (value: string) => createHash('sha256').update(value).digest();

/** How long a found channel's connection is reused, and how many are kept. */
export const CHANNEL_CACHE_MS = 5_000;
const CHANNEL_CACHE_MAX = 50_000;

/** What a receiver needs of a connection. */
export type Channel = Pick<ConnectionRow, 'id' | 'status' | 'push_secret_hash' | 'push_resource_id'>;

/**
 * Found lookups only (an unknown id is never stored, so forged ids cannot fill it); oldest out first.
 * Concurrent lookups of one key share a single load: a provider sends a change as a burst of messages
 * per channel, and without this every message that arrived before the first answer went to Postgres.
 */
export function channelCache(now: () => number = Date.now) {
  const entries = new Map<string, { channel: Promise<Channel | undefined>; until: number }>();
  return (key: string, load: () => Promise<Channel | undefined>): Promise<Channel | undefined> => {
    const hit = entries.get(key);
    if (hit && hit.until > now()) return hit.channel;
    entries.delete(key);
    if (entries.size >= CHANNEL_CACHE_MAX) entries.delete(entries.keys().next().value!);
    const entry = { channel: load(), until: Number.POSITIVE_INFINITY };
    entries.set(key, entry);
    const forget = () => entries.get(key) === entry && entries.delete(key);
    entry.channel.then((channel) => (channel ? (entry.until = now() + CHANNEL_CACHE_MS) : forget()), forget);
    return entry.channel;
  };
}

/** Constant-time check of a presented secret against the stored sha256 hex. */
export function secretMatches(presented: string | undefined | null, storedHash: string | null): boolean {
  if (!presented || !storedHash || !/^[0-9a-f]{64}$/.test(storedHash)) return false;
  return timingSafeEqual(sha256(presented), Buffer.from(storedHash, 'hex'));
}

const isLive = (row: Channel) => row.status === 'syncing' || row.status === 'healthy';

type GraphItem = GraphChangeNotification | GraphLifecycleNotification;

/** Channel (Google) or subscription (Graph) id → its connection. */
type Lookups = Record<'google' | 'graph', (id: string) => Promise<Channel | undefined>>;

/** What a valid Graph item asks for. */
type Work = { kind: 'sync' | 'renew'; connectionId: string };

function workFor(item: GraphItem, connectionId: string): Work[] {
  switch ('lifecycleEvent' in item ? item.lifecycleEvent : undefined) {
    case 'reauthorizationRequired':
      return [{ kind: 'renew', connectionId }];
    case 'subscriptionRemoved':
      return [
        { kind: 'renew', connectionId },
        { kind: 'sync', connectionId },
      ];
    default:
      return [{ kind: 'sync', connectionId }];
  }
}

export const pushRoutes: FastifyPluginAsyncTypebox<PushRouteOptions> = async (app, { db, producers }) => {
  const { syncState } = repositories(db);
  const cached = channelCache();
  const lookups: Lookups = {
    google: (channelId) => cached(`g:${channelId}`, () => syncState.byPushChannel(channelId)),
    graph: (subscriptionId) =>
      cached(
        `m:${subscriptionId}`,
        async () => (await syncState.byPushResource('microsoft', subscriptionId))[0],
      ),
  };

  app.post('/push/google', { bodyLimit: 1024, schema: { hide: true } }, async (request, reply) => {
    const parsed = parseGoogleNotification(request.headers);
    if (!parsed.ok) throw new Errors.ValidationFailed(parsed.reason);
    const { channelId, resourceId, resourceState, token } = parsed.notification;
    const connection = await lookups.google(channelId);
    if (!connection) throw new Errors.PushUnknownChannel();
    if (!secretMatches(token, connection.push_secret_hash) || resourceId !== connection.push_resource_id) {
      throw new Errors.PushForbidden();
    }
    // `sync` only announces a new channel; nothing changed yet.
    if (resourceState !== 'sync' && isLive(connection)) {
      await producers.enqueueSync({ connectionId: connection.id, reason: 'push' });
    }
    return reply.status(200).send();
  });

  app.post('/push/microsoft', { bodyLimit: 64 * 1024, schema: { hide: true } }, async (request, reply) => {
    const parsed = parseGraphNotification({
      query: request.query as Record<string, string | undefined>,
      body: request.body,
    });
    // Subscription (and lifecycle URL) validation: echo the decoded token as text/plain within 10 s.
    if (parsed.kind === 'validation') {
      return reply.status(200).type('text/plain; charset=utf-8').send(parsed.validationToken);
    }
    if (parsed.kind === 'invalid') throw new Errors.ValidationFailed(parsed.reason);
    const work = await verifiedWork(lookups.graph, [...parsed.changes, ...parsed.lifecycle]);
    for (const item of work) {
      if (item.kind === 'sync') {
        await producers.enqueueSync({ connectionId: item.connectionId, reason: 'push' });
      } else {
        await producers.enqueueRenewPush({ connectionId: item.connectionId });
      }
    }
    return reply.status(202).send();
  });
};

/**
 * The work a batch asks for, each item checked against its subscription's secret. Items that fail are
 * dropped; a batch in which none passes is refused, so a forger learns nothing and enqueues nothing.
 */
async function verifiedWork(lookup: Lookups['graph'], items: GraphItem[]): Promise<Work[]> {
  const cache = new Map<string, Channel | undefined>();
  const work = new Map<string, Work>();
  let known = 0;
  let forged = 0;
  for (const item of items) {
    if (!cache.has(item.subscriptionId)) {
      cache.set(item.subscriptionId, await lookup(item.subscriptionId));
    }
    const connection = cache.get(item.subscriptionId);
    if (!connection) continue;
    known += 1;
    if (!secretMatches(item.clientState, connection.push_secret_hash)) forged += 1;
    else if (isLive(connection)) {
      for (const w of workFor(item, connection.id)) work.set(`${w.kind}:${w.connectionId}`, w);
    }
  }
  if (work.size === 0 && known === 0) throw new Errors.PushUnknownChannel();
  if (work.size === 0 && forged > 0) throw new Errors.PushForbidden();
  return [...work.values()];
}
