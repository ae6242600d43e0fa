/**
 * Finds a Redis for `npm start` (and for `npm test`, through tests/preflight.ts): REDIS_URL if set,
 * else 127.0.0.1:6379, else a redis-server from PATH with its data under DATA_DIR/redis. Without any
 * of these it explains how to get one.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { connect } from 'node:net';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export function portAnswers(host: string, port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = connect(port, host);
    socket.setTimeout(1_000);
    socket.once('connect', () => (socket.destroy(), done(true)));
    socket.once('timeout', () => (socket.destroy(), done(false)));
    socket.once('error', () => done(false));
  });
}

export async function waitForPort(host: string, port: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await portAnswers(host, port)) return true;
    await sleep(100);
  }
  return false;
}

export const NO_REDIS_HELP = `Frontload needs Redis for its job queues, and none answers on 127.0.0.1:6379.
Either install a Redis server:
  Debian/Ubuntu:  sudo apt-get install redis-server
  macOS:          brew install redis
or point Frontload at one you have:
  REDIS_URL=redis://host:6379 npm start`;

export interface RedisChoice {
  url: string;
  /** The redis-server we started, when we had to. */
  child?: ChildProcess;
}

/** Whether a `redis-server` can be started from PATH. */
export const redisServerOnPath = () =>
  spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;

/**
 * `configuredUrl` when set; else the Redis on 127.0.0.1:`port` (6379 unless a test says otherwise),
 * started from PATH with its data under `dataDir`/redis when none answers there.
 */
export async function ensureRedis(
  configuredUrl: string | undefined,
  dataDir: string,
  port = 6379,
): Promise<RedisChoice> {
  if (configuredUrl) return { url: configuredUrl };
  const url = `redis://127.0.0.1:${port}`;
  if (await portAnswers('127.0.0.1', port)) return { url };
  if (!redisServerOnPath()) throw new Error(NO_REDIS_HELP);
  const dir = resolve(join(dataDir, 'redis'));
  await mkdir(dir, { recursive: true });
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir], {
    stdio: 'ignore',
  });
  if (!(await waitForPort('127.0.0.1', port, 10_000)))
    throw new Error(`redis-server did not start on port ${port}`);
  return { url, child };
}
