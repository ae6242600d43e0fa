/**
 * `npm start`: the whole of Frontload in one terminal on embedded defaults — Redis (found or
 * started), an embedded database (PGlite served on loopback, unless DATABASE_URL is set),
 * migrations, the provider sandbox with its demo accounts, the API and every worker.
 * A child that exits on its own is restarted with backoff (restart.ts); one that keeps dying right
 * after it starts is given up on, and then everything stops. Ctrl-C stops every child cleanly
 * (SIGTERM, then SIGKILL after a grace period).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { migrate, openDatabase, startEmbeddedPostgres, type EmbeddedServer } from '@frontload/db';
import { ensureRedis, waitForPort } from './redis.js';
import { RestartBackoff } from './restart.js';

const root = resolve(import.meta.dirname, '../..');
const env = process.env;
const dataDir = resolve(root, env.DATA_DIR ?? '.data');
const apiPort = Number(env.PORT ?? 3000);
const sandboxPort = Number(env.SANDBOX_PORT ?? 4010);
const sandboxUrl = env.SANDBOX_PUBLIC_URL ?? `http://127.0.0.1:${sandboxPort}`;
const publicUrl = env.PUBLIC_URL ?? `http://localhost:${apiPort}`;
// Each worker serves Prometheus metrics on its own port: METRICS_PORT and the next two (0: none),
// by default the three ports after the API's.
const metricsBase = Number(env.METRICS_PORT ?? apiPort + 1);
const workerMetricsPort = (offset: number) => (metricsBase === 0 ? 0 : metricsBase + offset);
/** The running child of each process name (replaced when it is restarted). */
const children = new Map<string, ChildProcess>();
let embedded: EmbeddedServer | undefined;
let redisChild: ChildProcess | undefined;
let stopping = false;

const processes = [
  { name: 'sandbox', entry: 'services/provider-sandbox/src/main.ts' },
  { name: 'api', entry: 'services/api/src/main.ts' },
  { name: 'sync', entry: 'workers/sync/src/main.ts', metricsPort: workerMetricsPort(0) },
  { name: 'planner', entry: 'workers/planner/src/main.ts', metricsPort: workerMetricsPort(1) },
  { name: 'notifier', entry: 'workers/notifier/src/main.ts', metricsPort: workerMetricsPort(2) },
].filter((p) => existsSync(join(root, p.entry)));

function say(line: string) {
  process.stdout.write(`[start] ${line}\n`);
}

function prefixLines(name: string, stream: NodeJS.ReadableStream | null, out: NodeJS.WritableStream) {
  let buffer = '';
  stream?.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    const lines = buffer.split('\n');
    buffer = lines.pop() ?? '';
    for (const line of lines) out.write(`[${name}] ${line}\n`);
  });
}

function launch(name: string, entry: string, childEnv: NodeJS.ProcessEnv, backoff = new RestartBackoff()) {
  const child = spawn(process.execPath, ['--conditions=@frontload/source', '--import', 'tsx', entry], {
    cwd: root,
    env: childEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const launchedAt = Date.now();
  prefixLines(name, child.stdout, process.stdout);
  prefixLines(name, child.stderr, process.stderr);
  child.on('exit', (code, signal) => {
    if (stopping) return;
    const decision = backoff.exited(Date.now() - launchedAt);
    if (decision.action === 'give-up') {
      process.stderr.write(
        `[start] ${name} exited (${signal ?? code}) right after starting ${decision.fastFailures} times in a row; ` +
          `giving up on it and stopping everything. Its output above says why.\n`,
      );
      void stop(1);
      return;
    }
    say(`${name} exited (${signal ?? code}); restarting it in ${decision.delayMs} ms`);
    setTimeout(() => {
      if (!stopping) launch(name, entry, childEnv, backoff);
    }, decision.delayMs);
  });
  children.set(name, child);
}

async function stop(exitCode: number) {
  if (stopping) return;
  stopping = true;
  say('stopping…');
  await Promise.all(
    [...children.values()].map((child) => {
      if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
      const exited = new Promise<void>((done) => child.once('exit', () => done()));
      child.kill('SIGTERM');
      const force = setTimeout(() => child.kill('SIGKILL'), 15_000);
      return exited.finally(() => clearTimeout(force));
    }),
  );
  await embedded?.stop();
  redisChild?.kill('SIGTERM');
  say('stopped');
  process.exit(exitCode);
}

process.on('SIGINT', () => void stop(0));
process.on('SIGTERM', () => void stop(0));

const started = Date.now();
try {
  const redis = await ensureRedis(env.REDIS_URL, dataDir);
  redisChild = redis.child;
  say(`redis: ${redis.url}${redis.child ? ' (started redis-server)' : ''}`);

  let databaseUrl = env.DATABASE_URL;
  if (!databaseUrl) {
    embedded = await startEmbeddedPostgres({ dir: join(dataDir, 'pglite') });
    databaseUrl = embedded.url;
    say(`database: embedded PGlite in ${join(dataDir, 'pglite')}`);
  }
  const db = await openDatabase({ url: databaseUrl, maxConnections: 1 });
  const applied = await migrate(db).finally(() => db.close());
  say(applied.length ? `migrations applied: ${applied.join(', ')}` : 'migrations: up to date');

  const childEnv: NodeJS.ProcessEnv = {
    GOOGLE_OAUTH_BASE_URL: sandboxUrl,
    GOOGLE_API_BASE_URL: sandboxUrl,
    MICROSOFT_LOGIN_BASE_URL: sandboxUrl,
    MICROSOFT_GRAPH_BASE_URL: sandboxUrl,
    SANDBOX_PUBLIC_URL: sandboxUrl,
    PUBLIC_URL: publicUrl,
    ...env,
    DATA_DIR: dataDir,
    DATABASE_URL: databaseUrl,
    REDIS_URL: redis.url,
  };
  for (const { name, entry, metricsPort } of processes) {
    launch(
      name,
      entry,
      metricsPort === undefined ? childEnv : { ...childEnv, METRICS_PORT: String(metricsPort) },
    );
    if (name === 'sandbox' && !(await waitForPort('127.0.0.1', sandboxPort, 30_000))) {
      throw new Error(`the provider sandbox did not listen on port ${sandboxPort}`);
    }
  }
  for (let i = 0; i < 600 && !stopping; i++) {
    const ready = await fetch(`http://127.0.0.1:${apiPort}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) {
      say(`Frontload is ready in ${((Date.now() - started) / 1000).toFixed(1)} s: open ${publicUrl}`);
      say(`provider sandbox (demo Google and Microsoft accounts): ${sandboxUrl}   — Ctrl-C stops everything`);
      break;
    }
    await sleep(100);
  }
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  await stop(1);
}
