/**
 * Worker liveness. A worker is healthy when each of its queues took a job or came back from an
 * idle poll recently — "Redis answers PING" says nothing about a fetch loop that has stopped.
 * Each process writes its heartbeat to a file (read by the Kubernetes exec probe through
 * `healthcheck`) and to a Redis key with a TTL (read by the API to list live workers).
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import type { Redis } from 'ioredis';
import type { Logger } from '@frontload/logging';

/** What a heartbeat file and Redis key hold. Times are ISO-8601 UTC. */
export interface HeartbeatRecord {
  worker: string;
  instance: string;
  pid: number;
  state: 'running' | 'stopped';
  updatedAt: string;
  /** Per queue: the last time its fetch loop returned (with a job or empty), and the last job taken. */
  queues: Record<string, { polledAt: string; jobAt?: string }>;
}

/** A process's heartbeat; `startWorker` stamps it, `main.ts` stops it on shutdown. */
export interface Heartbeat {
  readonly file: string;
  readonly redisKey: string;
  /** Declares a queue this process serves; it counts as just polled (startup grace). */
  register(queue: string): void;
  /** The queue's fetch loop came back, having taken a job or not. Writes are throttled. */
  beat(queue: string, tookJob: boolean): void;
  /** Writes now (tests, shutdown). */
  flush(): Promise<void>;
  /** Marks the file stopped and deletes the Redis key, so checks fail at once. */
  stop(): Promise<void>;
}

/** Settings for {@link createHeartbeat}. */
export interface HeartbeatSettings {
  /** Process name, e.g. `worker-sync`. */
  worker: string;
  /** `DATA_DIR`; the file is `<dataDir>/heartbeat/<worker>.json`. */
  dataDir: string;
  /** A producer-role connection (fails fast) and the queue prefix, for the Redis copy. */
  redis?: { client: Redis; prefix: string };
  /** Redis key TTL: `WORKER_HEALTH_MAX_IDLE_SECONDS`, so a dead process vanishes by itself. */
  ttlSeconds: number;
  logger?: Logger;
  /** Minimum time between writes; default 1000 ms. */
  minIntervalMs?: number;
}

/** Where the heartbeat file of one worker process lives. */
export function heartbeatFile(dataDir: string, worker: string): string {
  return join(dataDir, 'heartbeat', `${worker}.json`);
}

/**
 * Instance id in the Redis key. Not the pid alone: every container's main process is pid 1, so
 * replicas would overwrite each other's key.
 */
const instanceId = () => `${hostname()}-${process.pid}`;

/** Writes the record to its file (write-then-rename, so a probe never reads half a file) and to Redis. */
async function writeRecord(
  file: string,
  record: HeartbeatRecord,
  redis: HeartbeatSettings['redis'],
  redisKey: string,
  ttlSeconds: number,
): Promise<void> {
  record.updatedAt = new Date().toISOString();
  const json = JSON.stringify(record);
  const temporary = `${file}.${process.pid}.tmp`;
  await mkdir(dirname(file), { recursive: true });
  await writeFile(temporary, json);
  await rename(temporary, file);
  if (redis && record.state === 'running') await redis.client.set(redisKey, json, 'EX', ttlSeconds);
}

/** Creates a heartbeat; nothing is written until the first `register`/`beat`. */
export function createHeartbeat(settings: HeartbeatSettings): Heartbeat {
  const file = heartbeatFile(settings.dataDir, settings.worker);
  const instance = instanceId();
  const redisKey = `${settings.redis?.prefix ?? ''}:heartbeat:${settings.worker}:${instance}`;
  const minIntervalMs = settings.minIntervalMs ?? 1_000;
  const record: HeartbeatRecord = {
    worker: settings.worker,
    instance,
    pid: process.pid,
    state: 'running',
    updatedAt: new Date().toISOString(),
    queues: {},
  };
  let timer: NodeJS.Timeout | undefined;
  let lastWrite = 0;
  let writing: Promise<void> = Promise.resolve();

  function flush(): Promise<void> {
    if (timer) clearTimeout(timer);
    timer = undefined;
    lastWrite = Date.now();
    // Chained so two writes never interleave their rename.
    writing = writing
      .then(() => writeRecord(file, record, settings.redis, redisKey, settings.ttlSeconds))
      .catch((error: unknown) => {
        settings.logger?.warn({ err: error, file }, 'heartbeat write failed');
      });
    return writing;
  }

  function schedule(): void {
    if (timer || record.state === 'stopped') return;
    timer = setTimeout(() => void flush(), Math.max(0, lastWrite + minIntervalMs - Date.now()));
    timer.unref();
  }

  return {
    file,
    redisKey,
    register(queue) {
      record.queues[queue] = { polledAt: new Date().toISOString() };
      schedule();
    },
    beat(queue, tookJob) {
      const now = new Date().toISOString();
      const previous = record.queues[queue];
      record.queues[queue] = {
        polledAt: now,
        ...(tookJob ? { jobAt: now } : previous?.jobAt ? { jobAt: previous.jobAt } : {}),
      };
      schedule();
    },
    flush,
    async stop() {
      record.state = 'stopped';
      await flush();
      await settings.redis?.client.del(redisKey).catch((error: unknown) => {
        settings.logger?.warn({ err: error, redisKey }, 'heartbeat key removal failed');
      });
    },
  };
}

/** The verdict of {@link checkHeartbeat}. */
export interface HeartbeatCheck {
  ok: boolean;
  reason: string;
}

/**
 * Healthy when the file exists, the process is running, and every queue it serves polled within
 * `maxIdleSeconds` of `now`.
 */
export async function checkHeartbeat(
  file: string,
  maxIdleSeconds: number,
  now: number = Date.now(),
): Promise<HeartbeatCheck> {
  let record: HeartbeatRecord;
  try {
    record = JSON.parse(await readFile(file, 'utf8')) as HeartbeatRecord;
  } catch (error) {
    return { ok: false, reason: `no readable heartbeat at ${file}: ${(error as Error).message}` };
  }
  if (record.state !== 'running') return { ok: false, reason: `${record.worker} is ${record.state}` };
  const queues = Object.entries(record.queues ?? {});
  if (queues.length === 0) return { ok: false, reason: `${record.worker} serves no queue yet` };
  for (const [queue, seen] of queues) {
    const idleSeconds = (now - Date.parse(seen.polledAt)) / 1000;
    if (!(idleSeconds <= maxIdleSeconds)) {
      return { ok: false, reason: `${record.worker} queue ${queue} idle for ${idleSeconds.toFixed(1)} s` };
    }
  }
  return { ok: true, reason: `${record.worker} polled ${queues.map(([q]) => q).join(', ')} recently` };
}

/** Every live heartbeat in Redis under `prefix` (for the API's worker listing). */
export async function listHeartbeats(client: Redis, prefix: string): Promise<HeartbeatRecord[]> {
  const records: HeartbeatRecord[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}:heartbeat:*`, 'COUNT', 100);
    cursor = next;
    const values = keys.length > 0 ? await client.mget(...keys) : [];
    for (const value of values) if (value) records.push(JSON.parse(value) as HeartbeatRecord);
  } while (cursor !== '0');
  return records;
}
