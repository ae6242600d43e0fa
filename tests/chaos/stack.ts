/**
 * One complete Frontload stack for a chaos run, every part a real process or server: the provider
 * sandbox (frozen clock), Postgres (a throwaway database), a private Redis with an append-only file
 * (so it can be restarted as production's would be), the API (__fixtures__/api.ts: production's
 * process, its OAuth on the simulated clock) and the sync, planner and notifier workers (__fixtures__/worker.ts, on the simulated clock). The stack's
 * handles are the faults' actuators: SIGKILL a worker, restart Redis, drop Postgres connections.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEVELOPMENT_SEALING_KEY } from '@frontload/config';
import { migrate, openDatabase, type Database } from '@frontload/db';
import { QUEUES, createProducers, createRedisConnection, type Producers } from '@frontload/jobs';
import {
  createTestDatabase,
  freePort,
  privateRedis,
  startSandbox,
  waitUntil,
  type PrivateRedis,
  type RunningSandbox,
  type TestDatabase,
} from '@frontload/testing';
import { spawnBundled, type SpawnedProcess } from '@frontload/testing/spawn';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import pg from 'pg';
import { writeClock } from './sim-clock.js';

export const WORKER_KINDS = ['sync', 'planner', 'notifier'] as const;
export type WorkerKind = (typeof WORKER_KINDS)[number];
const fixture = fileURLToPath(new URL('./__fixtures__/worker.ts', import.meta.url));
const apiEntry = fileURLToPath(new URL('./__fixtures__/api.ts', import.meta.url));
/** Where the sandbox sends the browser back after consent (the API's PUBLIC_URL). */
export const PUBLIC_URL = 'http://localhost:3000';
const QUEUE_NAMES = Object.values(QUEUES);
/** A killed worker's job is found stalled within a second and handed to its successor. */
const STALLED_INTERVAL_MS = 300;
const LOCK_DURATION_MS = 1_000;

export interface Stack {
  sandbox: RunningSandbox;
  db: Database;
  /** The API's own address (push notifications and the OAuth callback go there). */
  apiUrl: string;
  producers: Producers;
  nowMs(): number;
  /** Moves the simulated clock (ours and the sandbox's) to `epochMs`. */
  setClock(epochMs: number): Promise<void>;
  /**
   * Starts any worker that is not running; returns how each one that had died ended (its exit and
   * last output line), for the workers that were not killed on purpose.
   */
  ensureWorkers(): Promise<string[]>;
  killWorker(kind: WorkerKind): Promise<void>;
  /** Stops Redis (SIGTERM: it flushes its append-only file) and starts it again. */
  restartRedis(): Promise<void>;
  /** Terminates every Postgres session of the stack's database except the caller's. */
  dropPostgresConnections(): Promise<number>;
  /** Jobs waiting, active, delayed or prioritized, per queue. */
  pendingJobs(): Promise<Record<string, number>>;
  /** Delayed jobs that wait on a retry backoff: run them now (a backoff is time that may pass). */
  promoteRetries(): Promise<number>;
  /** The queue a job of `name` runs on is working on one right now. */
  activeJobs(queue: string): Promise<number>;
  close(): Promise<void>;
}

const alive = (p: SpawnedProcess) => p.child.exitCode === null && p.child.signalCode === null;

export interface StackOptions {
  startAtMs: number;
  label: string;
  /** pino level of the API and worker processes (default silent). */
  logLevel?: string;
}

export async function startStack(options: StackOptions): Promise<Stack> {
  /** Releases what was started so far, newest first (also when starting fails half-way). */
  const cleanups: (() => Promise<unknown>)[] = [];
  const release = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  };
  try {
    return await build(options, cleanups, release);
  } catch (error) {
    await release();
    throw error;
  }
}

async function build(
  options: StackOptions,
  cleanups: (() => Promise<unknown>)[],
  release: () => Promise<void>,
): Promise<Stack> {
  const dataDir = await mkdtemp(join(tmpdir(), `frontload-chaos-${options.label}-`));
  cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
  const clockPath = join(dataDir, 'clock');
  let nowMs = options.startAtMs;
  writeClock(clockPath, nowMs);
  const testDb: TestDatabase = await createTestDatabase();
  cleanups.push(() => testDb.drop());
  const db = await openDatabase({ url: testDb.url, maxConnections: 4 });
  cleanups.push(() => db.close());
  await migrate(db);
  const redisServer: PrivateRedis = await privateRedis({ appendonly: true });
  cleanups.push(() => redisServer.dispose());
  await redisServer.start();
  const sandbox = await startSandbox({ startAtMs: nowMs, seedDemo: true });
  cleanups.push(() => sandbox.close());
  const apiPort = await freePort();
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  const prefix = `{chaos-${options.label}}`;
  const baseEnv = {
    DATABASE_URL: testDb.url,
    REDIS_URL: redisServer.url,
    QUEUE_PREFIX: prefix,
    DATA_DIR: dataDir,
    PUBLIC_URL,
    GOOGLE_API_BASE_URL: sandbox.url,
    GOOGLE_OAUTH_BASE_URL: sandbox.url,
    MICROSOFT_GRAPH_BASE_URL: sandbox.url,
    MICROSOFT_LOGIN_BASE_URL: sandbox.url,
    TOKEN_SEALING_KEYS: DEVELOPMENT_SEALING_KEY,
    LOG_LEVEL: options.logLevel ?? 'silent',
    LOG_PRETTY: 'false',
  };
  // One-file builds: a seed starts a dozen processes, and under tsx each start cost ~2.4 s of CPU.
  const api = await spawnBundled(apiEntry, {
    args: [clockPath],
    env: { ...baseEnv, HOST: '127.0.0.1', PORT: String(apiPort) },
  });
  const workers = new Map<WorkerKind, SpawnedProcess>();
  const startWorker = async (kind: WorkerKind) =>
    workers.set(
      kind,
      await spawnBundled(fixture, {
        args: [kind, clockPath, String(STALLED_INTERVAL_MS), String(LOCK_DURATION_MS)],
        env: { ...baseEnv, WORKER_CONCURRENCY: '2', PUSH_PUBLIC_URL: apiUrl },
      }),
    );
  for (const kind of WORKER_KINDS) await startWorker(kind);
  cleanups.push(async () => {
    const all = [...workers.values(), api];
    for (const p of all) if (alive(p)) p.child.kill('SIGKILL');
    await Promise.all(all.map((p) => p.exited));
  });
  // On a busy 2-core machine (the long run keeps both cores busy) starting can take a minute.
  await waitUntil(
    async () => {
      if (!alive(api)) throw new Error(`the API exited:\n${api.output()}`);
      return fetch(`${apiUrl}/healthz`).then(
        (r) => r.ok,
        () => false,
      );
    },
    { timeoutMs: 180_000, intervalMs: 100, what: 'the API to listen' },
  );
  const redis = new Redis(redisServer.url, { maxRetriesPerRequest: 1 });
  redis.on('error', () => undefined);
  cleanups.push(async () => redis.disconnect());
  const producerConnection = createRedisConnection(redisServer.url, { role: 'producer' });
  cleanups.push(async () => producerConnection.disconnect());
  const producers = createProducers(producerConnection, prefix);
  cleanups.push(() => producers.close());
  const queues = new Map(QUEUE_NAMES.map((name) => [name, new Queue(name, { connection: redis, prefix })]));
  cleanups.push(() => Promise.all([...queues.values()].map((q) => q.close())));
  const queue = (name: string) => queues.get(name as (typeof QUEUE_NAMES)[number])!;

  return {
    sandbox,
    db,
    apiUrl,
    producers,
    nowMs: () => nowMs,
    async setClock(epochMs) {
      if (epochMs < nowMs) throw new Error('the simulated clock never goes back');
      nowMs = epochMs;
      writeClock(clockPath, nowMs);
      await sandbox.control('POST', '/clock', { nowMs });
    },
    async ensureWorkers() {
      if (!alive(api)) throw new Error(`the API exited:\n${api.output()}`);
      const ended: string[] = [];
      for (const kind of WORKER_KINDS) {
        const worker = workers.get(kind)!;
        if (alive(worker)) continue;
        const last = worker.output().trim().slice(-600);
        ended.push(
          `${kind} (${String(worker.child.exitCode ?? worker.child.signalCode)}: ${last.slice(0, 300)})`,
        );
        await startWorker(kind);
      }
      return ended;
    },
    async killWorker(kind) {
      const worker = workers.get(kind)!;
      if (alive(worker)) worker.child.kill('SIGKILL');
      await worker.exited;
    },
    async restartRedis() {
      await redisServer.stop('SIGTERM');
      await redisServer.start();
    },
    async dropPostgresConnections() {
      const client = new pg.Client({ connectionString: testDb.url });
      await client.connect();
      try {
        const { rowCount } = await client.query(
          `select pg_terminate_backend(pid) from pg_stat_activity
           where datname = current_database() and pid <> pg_backend_pid()`,
        );
        return rowCount ?? 0;
      } finally {
        await client.end();
      }
    },
    async pendingJobs() {
      const counts: Record<string, number> = {};
      for (const name of QUEUE_NAMES) {
        const c = await queue(name).getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'paused');
        counts[name] = Object.values(c).reduce((a, b) => a + b, 0);
      }
      return counts;
    },
    async promoteRetries() {
      let promoted = 0;
      for (const name of QUEUE_NAMES) {
        for (const job of await queue(name).getJobs(['delayed'])) {
          // A plan's first delay is its debounce, which is part of the behaviour under test.
          if (job.name === 'plan' && job.attemptsMade === 0) continue;
          await job.promote().then(
            () => (promoted += 1),
            () => undefined,
          );
        }
      }
      return promoted;
    },
    async activeJobs(name) {
      return queue(name).getActiveCount();
    },
    close: release,
  };
}
