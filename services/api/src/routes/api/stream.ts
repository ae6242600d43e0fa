/**
 * The signed-in user's live event stream, `GET /api/v1/stream` (server-sent events): what the workers
 * and the API say on the user's own Redis channel (@frontload/jobs user-events.ts) is forwarded to
 * each of the user's open pages, and to no one else: the channel is chosen from the authenticated
 * user, never from the request. A message names what changed; the page asks the API for it.
 *
 * One subscriber connection per API process serves every stream: a user's channel is subscribed while
 * at least one of their pages listens. Writes the user makes through the API (settings, webhooks,
 * connections, account) are announced here too, so a second page of the same user follows them; the
 * page that made a change names itself (`x-fl-page`) and is not told of it again.
 */
import fastifySseModule, { type SSEPluginOptions } from '@fastify/sse';
import {
  parseUserEvent,
  userEventChannel,
  type Producers,
  type SettingsSection,
  type UserEvent,
} from '@frontload/jobs';
import type { FastifyBaseLogger, FastifyInstance, FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import type { Redis } from 'ioredis';
import { Errors } from '../../errors.js';

/**
 * The plugin as its package exports it (`module.exports`, wrapped so that `reply.sse` reaches the routes
 * beside it); its type declarations describe an ES default export instead.
 */
const fastifySse = fastifySseModule as unknown as FastifyPluginAsync<SSEPluginOptions>;

/** Streams one user may hold open at once (tabs, windows, devices). */
export const MAX_STREAMS_PER_USER = 10;
/**
 * How long one stream lasts before the server ends it; the page connects again at once, which checks
 * its session again: a session that ended (signed out, deleted) hears nothing more after at most this.
 */
export const STREAM_LIFETIME_MS = 10 * 60_000;
/** How long a disconnected page waits before it connects again (the SSE `retry` field). */
const RETRY_MS = 3_000;
/** The header a page names itself with on its writes. */
export const PAGE_HEADER = 'x-fl-page';
const PAGE_ID = /^[A-Za-z0-9_-]{1,64}$/;

type Listener = (event: UserEvent) => void;

/** The user channels this process subscribes to, and the streams listening on each. */
class UserEventHub {
  private subscriber: Redis | undefined;
  private readonly listeners = new Map<string, Set<Listener>>();
  private readonly subscribed = new Map<string, Promise<unknown>>();
  private readonly channelPrefix: string;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly log: FastifyBaseLogger,
  ) {
    this.channelPrefix = userEventChannel(prefix, '');
  }

  private connection(): Redis {
    if (!this.subscriber) {
      // A connection of its own: one in subscriber mode can do nothing else. It reconnects and
      // subscribes again by itself (ioredis autoResubscribe).
      const subscriber = this.redis.duplicate({ enableOfflineQueue: true, maxRetriesPerRequest: 1 });
      subscriber.on('error', (error) => this.log.warn({ err: error }, 'user event subscriber'));
      subscriber.on('message', (channel: string, message: string) => this.deliver(channel, message));
      this.subscriber = subscriber;
    }
    return this.subscriber;
  }

  private deliver(channel: string, message: string): void {
    if (!channel.startsWith(this.channelPrefix)) return;
    const event = parseUserEvent(message);
    if (!event) {
      this.log.warn({ channel }, 'user event ignored: not a known message');
      return;
    }
    for (const listener of this.listeners.get(channel.slice(this.channelPrefix.length)) ?? [])
      listener(event);
  }

  /** How many streams of `userId` are open in this process. */
  count(userId: string): number {
    return this.listeners.get(userId)?.size ?? 0;
  }

  /** Starts hearing `userId`'s events; resolves once subscribed, with the function that stops it. */
  async listen(userId: string, listener: Listener): Promise<() => void> {
    const channel = userEventChannel(this.prefix, userId);
    let set = this.listeners.get(userId);
    if (!set) {
      set = new Set();
      this.listeners.set(userId, set);
      this.subscribed.set(userId, this.connection().subscribe(channel));
    }
    set.add(listener);
    const stop = () => {
      set.delete(listener);
      if (set.size > 0 || this.listeners.get(userId) !== set) return;
      this.listeners.delete(userId);
      this.subscribed.delete(userId);
      this.subscriber?.unsubscribe(channel).catch(() => undefined);
    };
    try {
      await this.subscribed.get(userId);
    } catch (error) {
      stop();
      throw error;
    }
    return stop;
  }

  close(): void {
    this.subscriber?.disconnect();
    this.subscriber = undefined;
  }
}

/** The settings section a write to `url` changes, if it is one the pages show. */
function sectionOf(url: string | undefined): SettingsSection | undefined {
  const first = url?.match(/^\/api\/v1\/([a-z-]+)/)?.[1];
  switch (first) {
    case 'preferences':
    case 'mode':
      return 'preferences';
    case 'people':
    case 'overrides':
      return 'people';
    case 'webhooks':
      return 'webhooks';
    case 'connections':
      return 'connections';
    case 'tokens':
    case 'account':
      return 'account';
    default:
      return undefined;
  }
}

export interface StreamOptions {
  redis: Redis;
  producers: Producers;
  queuePrefix: string;
  /** Overrides {@link STREAM_LIFETIME_MS} (tests). */
  lifetimeMs?: number;
}

/** The stream route and the hook that announces the user's own writes; registered in the site context. */
export const streamRoutes = fp<StreamOptions>(
  async (app: FastifyInstance, { redis, producers, queuePrefix, lifetimeMs = STREAM_LIFETIME_MS }) => {
    const hub = new UserEventHub(redis, queuePrefix, app.log);
    const open = new Set<{ close(): void }>();
    await app.register(fastifySse, { heartbeatInterval: 25_000 });

    app.addHook('onResponse', async (request, reply) => {
      if (request.method === 'GET' || request.method === 'HEAD' || !request.user) return;
      if (reply.statusCode >= 300) return;
      const section = sectionOf(request.routeOptions.url);
      if (!section) return;
      const page = request.headers[PAGE_HEADER];
      await producers.notifyUser(request.user.id, {
        kind: 'settings',
        section,
        ...(typeof page === 'string' && PAGE_ID.test(page) ? { origin: page } : {}),
      });
    });

    // Open streams would hold the server open: they are ended first, and the pages connect again to
    // another instance (or to this one when it is back).
    app.addHook('preClose', async () => {
      for (const stream of open) stream.close();
      hub.close();
    });

    app.get(
      '/api/v1/stream',
      {
        sse: { kind: 'only' },
        preHandler: app.requireUser,
        schema: { summary: 'The signed-in user’s live events (server-sent events)', tags: ['live'] },
      },
      async (request, reply) => {
        const userId = request.user!.id;
        if (hub.count(userId) >= MAX_STREAMS_PER_USER)
          throw new Errors.LimitReached(
            `At most ${MAX_STREAMS_PER_USER} live streams may be open at once; close a tab and try again`,
          );
        let stop: () => void;
        try {
          stop = await hub.listen(userId, (event) => {
            if (reply.sse.isConnected)
              reply.sse.send({ event: 'change', data: event }).catch(() => undefined);
          });
        } catch (error) {
          throw new Errors.DependencyDown('The live event stream', { cause: error });
        }
        const stream = { close: () => reply.sse.close() };
        open.add(stream);
        const expiry = setTimeout(() => stream.close(), lifetimeMs);
        reply.sse.keepAlive();
        reply.sse.onClose(() => {
          clearTimeout(expiry);
          open.delete(stream);
          stop();
        });
        await reply.sse.send({ event: 'ready', data: {}, retry: RETRY_MS });
      },
    );
  },
  { name: 'frontload-stream' },
);
