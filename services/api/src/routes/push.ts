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
  const fresh = (key: string) => {
    const hit = entries.get(key);
    return hit && hit.until > now() ? hit.channel : undefined;
  };
  const remember = (key: string, channel: Promise<Channel | undefined>) => {
    entries.delete(key);
    if (entries.size >= CHANNEL_CACHE_MAX) entries.delete(entries.keys().next().value!);
    const entry = { channel, until: Number.POSITIVE_INFINITY };
    entries.set(key, entry);
    const forget = () => entries.get(key) === entry && entries.delete(key);
    entry.channel.then((found) => (found ? (entry.until = now() + CHANNEL_CACHE_MS) : forget()), forget);
    return entry.channel;
  };
  const lookup = (key: string, load: () => Promise<Channel | undefined>): Promise<Channel | undefined> =>
    fresh(key) ?? remember(key, load());
  /** Many keys at once: the cached ones from memory, all the others with one load. */
  lookup.many = (
    keys: readonly string[],
    loadMany: (missing: string[]) => Promise<ReadonlyMap<string, Channel>>,
  ): Promise<(Channel | undefined)[]> => {
    const missing = keys.filter((key) => !fresh(key));
    const batch = missing.length > 0 ? loadMany(missing) : Promise.resolve(new Map<string, Channel>());
    return Promise.all(
      keys.map(
        (key) =>
          fresh(key) ??
          remember(
            key,
            batch.then((found) => found.get(key)),
          ),
      ),
    );
  };
  return lookup;
}

/** Constant-time check of a presented secret against the stored sha256 hex. */
export function secretMatches(presented: string | undefined | null, storedHash: string | null): boolean {
  if (!presented || !storedHash || !/^[0-9a-f]{64}$/.test(storedHash)) return false;
  return timingSafeEqual(sha256(presented), Buffer.from(storedHash, 'hex'));
}

const isLive = (row: Channel) => row.status === 'syncing' || row.status === 'healthy';

type GraphItem = GraphChangeNotification | GraphLifecycleNotification;

/** Channel id (Google) → its connection; subscription ids (Graph) → their connections, in one query. */
interface Lookups {
  google: (channelId: string) => Promise<Channel | undefined>;
  graph: (subscriptionIds: readonly string[]) => Promise<ReadonlyMap<string, Channel>>;
}

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
    graph: async (subscriptionIds) => {
      const channels = await cached.many(
        subscriptionIds.map((id) => `m:${id}`),
        async (missing) => {
          const rows = await syncState.byPushResources(
            'microsoft',
            missing.map((key) => key.slice(2)),
          );
          return new Map(rows.map((row) => [`m:${row.push_resource_id}`, row]));
        },
      );
      const found = new Map<string, Channel>();
      subscriptionIds.forEach((id, i) => channels[i] && found.set(id, channels[i]));
      return found;
    },
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
      // The token is chosen by whoever calls: never let a browser sniff it into something else.
      return reply
        .status(200)
        .header('x-content-type-options', 'nosniff')
        .type('text/plain; charset=utf-8')
        .send(parsed.validationToken);
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
  // Each subscription once, all of them in one query: a forged batch (at most 1,000 items, which
  // parseGraphNotification enforces, within the 64 KiB body limit) costs one lookup, not one each.
  const connections = await lookup([...new Set(items.map((item) => item.subscriptionId))]);
  const work = new Map<string, Work>();
  let known = 0;
  let forged = 0;
  for (const item of items) {
    const connection = connections.get(item.subscriptionId);
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
