/**
 * The whole stack for a load run, shaped as it is deployed: the provider sandbox as its own process
 * (clock flowing with the wall clock so it agrees with the workers'; the real providers never share the
 * API's event loop), the API in this process on a real loopback port (the sandbox POSTs push
 * notifications to it), and the sync, planner and notifier workers as real child processes started
 * from their `main.ts` with config from the environment — so the two cores are shared the way
 * production shares them, with the providers' work added. Queues live on a private Redis (nothing else writes to it, so its INFO
 * memory is ours alone) and the data in a throwaway Postgres database.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { DEVELOPMENT_SEALING_KEY } from '@frontload/config';
import { migrate, openDatabase, type Database } from '@frontload/db';
import { QUEUES, closeRedisConnection, createProducers, createRedisConnection } from '@frontload/jobs';
import type { Producers, QueueName } from '@frontload/jobs';
import { createOAuth } from '@frontload/providers/oauth';
import { createTokenVault, type TokenVault } from '@frontload/security';
import { buildApp } from '@frontload/api';
import { sandboxOAuthSettings } from '@frontload/api/testing';
import {
  createTestDatabase,
  privateRedis,
  startSandboxProcess,
  type PrivateRedis,
  type RunningSandbox,
  type TestDatabase,
} from '@frontload/testing';
import { REPO_ROOT, spawnTypeScript, type SpawnedProcess } from '@frontload/testing/spawn';
import { Queue } from 'bullmq';
import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';

export interface LoadStackOptions {
  /** WORKER_CONCURRENCY of each worker process. */
  workerConcurrency: number;
}

export interface LoadStack {
  sandbox: RunningSandbox;
  db: Database;
  redis: Redis;
  redisServer: PrivateRedis;
  producers: Producers;
  prefix: string;
  vault: TokenVault;
  api: FastifyInstance;
  /** Where the API listens (push receivers at /push/google and /push/microsoft). */
  apiUrl: string;
  queues: Record<QueueName, Queue>;
  /** Starts the sync, planner and notifier worker processes (separate so seeding can be timed on its own). */
  startWorkers(): Promise<void>;
  /** Output of the worker processes so far (for a failure message). */
  workerOutput(): string;
  close(): Promise<void>;
}

const WORKER_ENTRIES = [
  'workers/sync/src/main.ts',
  'workers/planner/src/main.ts',
  'workers/notifier/src/main.ts',
];

export async function startLoadStack(options: LoadStackOptions): Promise<LoadStack> {
  const redisServer = await privateRedis();
  await redisServer.start();
  const testDb: TestDatabase = await createTestDatabase();
  const db = await openDatabase({ url: testDb.url, maxConnections: 8, applicationName: 'load-api' });
  await migrate(db);
  const sandbox = await startSandboxProcess();
  const redis = createRedisConnection(redisServer.url, { role: 'producer' });
  const prefix = `{load-${randomUUID().slice(0, 8)}}`;
  const producers = createProducers(redis, prefix);
  const vault = createTokenVault(DEVELOPMENT_SEALING_KEY);
  const api = await buildApp({
    db,
    redis,
    producers,
    oauth: createOAuth(sandboxOAuthSettings(sandbox.url)),
    vault,
  });
  const apiUrl = await api.listen({ host: '127.0.0.1', port: 0 });
  const queues = Object.fromEntries(
    Object.values(QUEUES).map((name) => [name, new Queue(name, { connection: redis, prefix })]),
  ) as Record<QueueName, Queue>;
  const dataDir = await mkdtemp(join(tmpdir(), 'frontload-load-'));
  const env = {
    DATABASE_URL: testDb.url,
    REDIS_URL: redisServer.url,
    QUEUE_PREFIX: prefix,
    DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
    GOOGLE_API_BASE_URL: sandbox.url,
    GOOGLE_OAUTH_BASE_URL: sandbox.url,
    MICROSOFT_GRAPH_BASE_URL: sandbox.url,
    MICROSOFT_LOGIN_BASE_URL: sandbox.url,
    TOKEN_SEALING_KEYS: DEVELOPMENT_SEALING_KEY,
    PUSH_PUBLIC_URL: apiUrl,
    WORKER_CONCURRENCY: String(options.workerConcurrency),
  };
  const workers: SpawnedProcess[] = [];

  return {
    sandbox,
    db,
    redis,
    redisServer,
    producers,
    prefix,
    vault,
    api,
    apiUrl,
    queues,
    async startWorkers() {
      for (const entry of WORKER_ENTRIES) workers.push(spawnTypeScript(join(REPO_ROOT, entry), { env }));
    },
    workerOutput: () => [...workers.map((w) => w.output()), sandbox.output()].join('\n'),
    async close() {
      for (const worker of workers) worker.child.kill('SIGTERM');
      await Promise.all(workers.map((w) => w.exited));
      await Promise.all(Object.values(queues).map((q) => q.close()));
      await api.close();
      await producers.close();
      await closeRedisConnection(redis);
      await db.close();
      await testDb.drop();
      await sandbox.close();
      await redisServer.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
