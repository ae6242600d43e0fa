import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { portAnswers } from '../infra/local/redis.js';
import { DEFAULT_TEST_DATABASE_URL, preflight } from './preflight.js';

const root = resolve(import.meta.dirname, '..');
const postgresUrl = process.env.TEST_DATABASE_URL || DEFAULT_TEST_DATABASE_URL;
const dataDir = mkdtempSync(join(tmpdir(), 'preflight-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

/** A port nothing listens on: bound once by us, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  await new Promise((done) => server.close(done));
  return port;
}

describe('npm test preflight', () => {
  it('stops within seconds with one message naming the missing Postgres and Redis and how to install them', async () => {
    const [pgPort, redisPort] = [await closedPort(), await closedPort()];
    const started = Date.now();
    const run = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'tests/preflight.ts'], {
      cwd: root,
      env: {
        ...process.env,
        TEST_DATABASE_URL: `postgres://postgres@127.0.0.1:${pgPort}/postgres`,
        REDIS_URL: `redis://127.0.0.1:${redisPort}`,
      },
    }).then(
      () => ({ code: 0, stdout: '', stderr: '' }),
      (error: { code: number; stdout: string; stderr: string }) => error,
    );
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr.match(/npm test needs PostgreSQL and Redis/g)).toHaveLength(1);
    expect(run.stderr).toContain(`PostgreSQL at 127.0.0.1:${pgPort} (TEST_DATABASE_URL) does not answer`);
    expect(run.stderr).toContain(`Redis at 127.0.0.1:${redisPort} (REDIS_URL) does not answer`);
    expect(run.stderr).toContain('sudo apt-get install postgresql redis-server');
    expect(run.stderr).toContain('pg_ctlcluster');
  });

  it('says nothing and starts nothing when both answer', async () => {
    const result = await preflight({ postgresUrl, redisUrl: process.env.REDIS_URL, dataDir });
    expect(result).toEqual({ ok: true, message: '', startedRedis: undefined });
  });

  it('starts redis-server from PATH when no local Redis answers, and leaves it serving', async () => {
    const port = await closedPort();
    const result = await preflight({ postgresUrl, localRedisPort: port, dataDir });
    try {
      expect(result.ok).toBe(true);
      expect(result.message).toContain(`started redis-server on 127.0.0.1:${port}`);
      expect(await portAnswers('127.0.0.1', port)).toBe(true);
    } finally {
      const child = result.startedRedis;
      if (child && child.exitCode === null)
        await new Promise((done) => child.kill('SIGTERM') && child.once('exit', done));
    }
  });

  it('with Postgres missing, names it and leaves no Redis running behind', async () => {
    const [pgPort, redisPort] = [await closedPort(), await closedPort()];
    const result = await preflight({
      postgresUrl: `postgres://postgres@127.0.0.1:${pgPort}/postgres`,
      localRedisPort: redisPort,
      dataDir,
    });
    expect(result.ok).toBe(false);
    expect(result.message).toContain(`PostgreSQL at 127.0.0.1:${pgPort} (TEST_DATABASE_URL) does not answer`);
    expect(result.message).toContain(`Redis at 127.0.0.1:${redisPort} does not answer`);
    expect(result.startedRedis).toBeUndefined();
    expect(await portAnswers('127.0.0.1', redisPort)).toBe(false);
  });
});
