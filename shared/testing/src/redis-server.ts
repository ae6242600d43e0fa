/**
 * A private redis-server process on a free loopback port, for tests that must stop and restart
 * Redis (readiness, chaos) without disturbing the shared server other suites use.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

export interface PrivateRedis {
  port: number;
  url: string;
  start(): Promise<void>;
  /**
   * Stops the server: SIGKILL (default, a crash) or SIGTERM (a restart: with `appendonly`, Redis
   * flushes its append-only file first).
   */
  stop(signal?: 'SIGKILL' | 'SIGTERM'): Promise<void>;
  /** Stops the server and deletes its data folder. */
  dispose(): Promise<void>;
}

export interface PrivateRedisOptions {
  /**
   * Persist every write to an append-only file (`appendonly yes`, fsync every second), as BullMQ in
   * production needs, so data outlives a restart. Default: nothing on disk.
   */
  appendonly?: boolean;
}

async function waitForPort(port: number, up: boolean): Promise<void> {
  const { connect } = await import('node:net');
  for (let i = 0; i < 100; i++) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => (socket.destroy(), resolve(true)));
      socket.once('error', () => resolve(false));
    });
    if (open === up) return;
    await sleep(50);
  }
  throw new Error(`redis-server on port ${port} did not ${up ? 'start' : 'stop'}`);
}

/** A stopped private Redis; call `start()`. Keeps nothing on disk unless asked to (`appendonly`). */
export async function privateRedis(options: PrivateRedisOptions = {}): Promise<PrivateRedis> {
  const port = await freePort();
  const dir = options.appendonly ? await mkdtemp(join(tmpdir(), 'frontload-redis-')) : undefined;
  const persistence = dir
    ? ['--dir', dir, '--save', '', '--appendonly', 'yes', '--appendfsync', 'everysec']
    : ['--save', '', '--appendonly', 'no'];
  let child: ChildProcess | undefined;
  const stop = async (signal: 'SIGKILL' | 'SIGTERM' = 'SIGKILL') => {
    const running = child;
    child = undefined;
    if (running && running.exitCode === null && running.signalCode === null) {
      const exited = once(running, 'exit');
      running.kill(signal);
      await exited;
    }
    await waitForPort(port, false);
  };
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    async start() {
      child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', ...persistence], {
        stdio: 'ignore',
      });
      await waitForPort(port, true);
    },
    stop,
    async dispose() {
      await stop();
      if (dir) await rm(dir, { recursive: true, force: true });
    },
  };
}

/** The shared Redis the suites use (isolated from each other by random BullMQ prefixes). */
export const TEST_REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
