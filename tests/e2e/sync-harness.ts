/**
 * The whole sync path in one process, as the sync e2e tests and the benchmark need it: the provider
 * sandbox, the API on a real loopback port (the sandbox POSTs push notifications to it), the sync
 * worker's queues on real Redis with the real adapters, a throwaway Postgres database, and a clock
 * that moves with the sandbox's.
 */
import { DEVELOPMENT_SEALING_KEY } from '@frontload/config';
import { openConnection } from '@frontload/connections';
import { repositories } from '@frontload/db';
import { closeRedisConnection, createProducers, createRedisConnection, startWorker } from '@frontload/jobs';
import { createLogger } from '@frontload/logging';
import { createOAuth, type ProviderCallHook } from '@frontload/providers';
import { createTokenVault } from '@frontload/security';
import { buildTestApp, sandboxOAuthSettings, type TestApp } from '@frontload/api/testing';
import { startSandbox, waitUntil, type RunningSandbox } from '@frontload/testing';
import {
  DEFAULT_TUNING,
  maintenanceProcessors,
  syncProcessors,
  type SyncDeps,
  type SyncTuning,
} from '@frontload/worker-sync';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';

export type Provider = 'google' | 'microsoft';
const REDIS_URL = 'redis://127.0.0.1:6379';
const logger = createLogger({ LOG_LEVEL: 'silent', LOG_PRETTY: false }, 'e2e');

export interface SyncHarness {
  sandbox: RunningSandbox;
  t: TestApp;
  deps: SyncDeps;
  redis: Redis;
  /** Moves the sandbox clock and ours together. */
  advance(ms: number): Promise<void>;
  /**
   * Connects a sandbox account through its consent page; returns our connection id. With a signed-in
   * user's session cookie the calendar is added to that user.
   */
  connect(
    provider: Provider,
    accountId: string,
    cookie?: string,
  ): Promise<{ connectionId: string; userId: string }>;
  jobs(queue: string, states?: Parameters<Queue['getJobs']>[0]): Promise<{ name: string; data: unknown }[]>;
  /** Waits until no sync or maintenance job is waiting or active. */
  idle(timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

/** Follows /auth/{provider}/start to the sandbox consent page and approves it. */
async function consent(t: TestApp, provider: Provider, accountId: string, cookie?: string) {
  const start = await t.app.inject({
    method: 'GET',
    url: `/auth/${provider}/start`,
    headers: cookie ? { cookie } : {},
  });
  const authorizeUrl = new URL(start.headers.location as string);
  const html = await (await fetch(authorizeUrl)).text();
  const action = new URL(
    /<form method="post" action="([^"]+)"/.exec(html)![1]!.replaceAll('&amp;', '&'),
    authorizeUrl,
  );
  const form = new URLSearchParams({
    consent: /name="consent" value="([^"]+)"/.exec(html)![1]!,
    account: accountId,
    decision: provider === 'google' ? 'allow' : 'accept',
  });
  const answer = await fetch(action, { method: 'POST', body: form, redirect: 'manual' });
  const callback = new URL(answer.headers.get('location')!);
  // One browser: the cookies `/start` set (the sign-in nonce) come back to the callback.
  const browser = [cookie, ...start.cookies.map((c) => `${c.name}=${c.value}`)].filter(Boolean).join('; ');
  const res = await t.app.inject({
    method: 'GET',
    url: `${callback.pathname}${callback.search}`,
    headers: browser ? { cookie: browser } : {},
  });
  if (res.statusCode !== 303) throw new Error(`callback answered ${res.statusCode}: ${res.body}`);
}

export interface SyncHarnessOptions {
  push?: boolean;
  tuning?: Partial<SyncTuning>;
  /** Hooks around every provider request (read on each request, so a test may change the list). */
  callHooks?: ProviderCallHook[];
  /** Jobs each worker runs at once (default 4). */
  concurrency?: number;
}

export async function startSyncHarness(options: SyncHarnessOptions = {}): Promise<SyncHarness> {
  const sandbox = await startSandbox();
  const t = await buildTestApp({ sandboxUrl: sandbox.url });
  const address = await t.app.listen({ host: '127.0.0.1', port: 0 });
  let offsetMs = 0;
  const now = () => new Date(Date.now() + offsetMs);
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  const producerConnection = createRedisConnection(REDIS_URL, { role: 'producer' });
  const producers = createProducers(producerConnection, t.prefix);
  const deps: SyncDeps = {
    db: t.db,
    producers,
    vault: createTokenVault(DEVELOPMENT_SEALING_KEY),
    oauth: createOAuth(sandboxOAuthSettings(sandbox.url), () => now().getTime()),
    // As the workers do; the hooks (the per-account limiter) key calls by the account's address.
    providerFor: (connection) =>
      openConnection(
        {
          ...deps,
          apiBaseUrls: { google: sandbox.url, microsoft: sandbox.url },
          ...(options.callHooks ? { callHooks: options.callHooks } : {}),
        },
        connection,
      ),
    now,
    pushPublicUrl: options.push === false ? undefined : address,
    tuning: { ...DEFAULT_TUNING, ...options.tuning },
  };
  const settings = {
    connectionUrl: REDIS_URL,
    prefix: t.prefix,
    concurrency: options.concurrency ?? 4,
    logger,
    drainDelaySeconds: 1,
  };
  const workers = [
    startWorker({ queue: 'sync', processors: syncProcessors(deps), ...settings }),
    startWorker({ queue: 'maintenance', processors: maintenanceProcessors(deps), ...settings }),
  ];
  const queue = (name: string) => new Queue(name, { connection: redis, prefix: t.prefix });

  const harness: SyncHarness = {
    sandbox,
    t,
    deps,
    redis,
    async advance(ms) {
      // Ours first: the sandbox's clock change fires lifecycle events whose handling reads our clock.
      offsetMs += ms;
      await sandbox.control('POST', '/clock/advance', { ms });
    },
    async connect(provider, accountId, cookie) {
      const before = new Set(
        (await t.db.query<{ id: string }>('select id from connections')).rows.map((r) => r.id),
      );
      await consent(t, provider, accountId, cookie);
      const { rows } = await t.db.query<{ id: string; user_id: string }>(
        'select id, user_id from connections',
      );
      const row = rows.find((r) => !before.has(r.id));
      if (!row) throw new Error('no new connection');
      return { connectionId: row.id, userId: row.user_id };
    },
    async jobs(name, states = ['waiting', 'delayed', 'prioritized', 'active', 'completed', 'failed']) {
      const q = queue(name);
      try {
        return (await q.getJobs(states)).map((j) => ({ name: j.name, data: j.data as unknown }));
      } finally {
        await q.close();
      }
    },
    async idle(timeoutMs = 15_000) {
      await waitUntil(
        async () => {
          for (const name of ['sync', 'maintenance']) {
            const q = queue(name);
            const counts = await q.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
            await q.close();
            if (Object.values(counts).some((n) => n > 0)) return false;
          }
          return true;
        },
        { timeoutMs, what: 'sync and maintenance queues idle' },
      );
    },
    async close() {
      await Promise.all(workers.map((w) => w.close()));
      for (const name of ['sync', 'maintenance', 'plan', 'notify']) {
        const q = queue(name);
        await q.obliterate({ force: true }).catch(() => undefined);
        await q.close();
      }
      await producers.close();
      await closeRedisConnection(producerConnection);
      redis.disconnect();
      await t.close();
      await sandbox.close();
    },
  };
  return harness;
}

/** The connection row, for assertions. */
export async function connectionRow(h: SyncHarness, connectionId: string) {
  return repositories(h.t.db).connections.byId(connectionId);
}

/** Counts the mirror rows of one connection. */
export async function mirrorCount(h: SyncHarness, connectionId: string): Promise<number> {
  return repositories(h.t.db).mirror.count(connectionId);
}
