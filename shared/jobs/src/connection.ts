/**
 * Redis connections for BullMQ. Workers and producers want opposite things from a connection:
 * a worker should wait out a Redis outage, a producer (inside an API request) should give up fast.
 */
import { Redis, type RedisOptions } from 'ioredis';

/** `worker`: blocking fetches, retries forever. `producer`: fails fast, never queues offline. */
export type ConnectionRole = 'worker' | 'producer';

/** How long a producer waits for Redis before giving up; an API request must not hang on it. */
export const PRODUCER_TIMEOUT_MS = 1_000;

const roleOptions: Record<ConnectionRole, RedisOptions> = {
  worker: {
    // BullMQ requires null for the connection its workers block on: a blocking BZPOPMIN must not be
    // aborted by a retry limit, and commands issued during a Redis restart should wait, not fail.
    maxRetriesPerRequest: null,
    retryStrategy: (times) => Math.min(times * 500, 5_000),
  },
  producer: {
    maxRetriesPerRequest: 1,
    // A command issued while disconnected fails at once instead of sitting in a queue that could
    // replay it long after the caller gave up.
    enableOfflineQueue: false,
    connectTimeout: PRODUCER_TIMEOUT_MS,
    commandTimeout: 2 * PRODUCER_TIMEOUT_MS,
    retryStrategy: (times) => Math.min(times * 200, 2_000),
  },
};

/**
 * A Redis client for BullMQ from a `redis://` or `rediss://` URL. The caller owns it and quits it
 * after closing the queues and workers that share it.
 */
export function createRedisConnection(
  url: string,
  options: { role: ConnectionRole; onError?: (error: Error) => void },
): Redis {
  const client = new Redis(url, roleOptions[options.role]);
  // ioredis prints every reconnect attempt to stderr when nobody listens. The queues and workers
  // built on this client re-emit the same errors and are logged there, hence a quiet default.
  client.on('error', options.onError ?? (() => undefined));
  return client;
}

/**
 * Resolves when the client is connected, or throws after `timeoutMs`. Used by producers before
 * adding a job: BullMQ itself waits for "ready" without a deadline.
 */
export async function waitForReady(client: Redis, timeoutMs: number): Promise<void> {
  if (client.status === 'ready') return;
  if (client.status === 'wait') await client.connect();
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      client.off('ready', onReady);
      reject(new Error(`Redis not ready after ${timeoutMs} ms (status ${client.status})`));
    }, timeoutMs);
    const onReady = () => {
      clearTimeout(timer);
      resolve();
    };
    client.once('ready', onReady);
  });
}

/**
 * Closes a client: QUIT when connected (lets pending replies arrive), otherwise a plain disconnect
 * (QUIT would be refused by a producer client, which never queues commands offline).
 */
export async function closeRedisConnection(client: Redis): Promise<void> {
  if (client.status === 'ready') {
    await client.quit();
  } else {
    client.disconnect();
  }
}
