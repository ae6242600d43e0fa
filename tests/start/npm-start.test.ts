/**
 * `npm start` on embedded defaults: boots every process, answers ready within 60 s, restarts a
 * worker that died (instead of stopping everything), and stops every child cleanly on Ctrl-C
 * (SIGINT to the whole process group, as a terminal sends it).
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { randomUUID } from 'node:crypto';
import { heartbeatFile } from '@frontload/jobs';
import { freePort, waitUntil } from '@frontload/testing';
import { afterAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');

const listenable = (port: number) =>
  new Promise<boolean>((done) => {
    const server = createServer();
    server.once('error', () => done(false));
    server.listen(port, '127.0.0.1', () => server.close(() => done(true)));
  });

/**
 * A free port whose next three are free too: the launcher serves the workers' metrics on the three
 * ports after the API's, and a busy machine may have taken one of them.
 */
async function freePortRun(): Promise<number> {
  for (;;) {
    const port = await freePort();
    const next = await Promise.all([1, 2, 3].map((i) => listenable(port + i)));
    if (next.every(Boolean)) return port;
  }
}

describe('npm start', () => {
  let dataDir = '';
  let group: number | undefined;
  afterAll(async () => {
    // Even when an assertion failed half-way, no launcher or child process outlives the test.
    if (group !== undefined) {
      try {
        process.kill(-group, 'SIGKILL');
      } catch (error) {
        // ESRCH: already gone, the test stopped it with Ctrl-C.
        if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
      }
    }
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('boots API, workers and sandbox on embedded defaults, is ready within 60 s, restarts a killed worker, and stops cleanly on Ctrl-C', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'fl-start-'));
    const port = await freePortRun();
    let sandboxPort = await freePort();
    while (sandboxPort >= port && sandboxPort <= port + 3) sandboxPort = await freePort();
    const child = spawn('npm', ['start'], {
      cwd: root,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        PORT: String(port),
        SANDBOX_PORT: String(sandboxPort),
        DATA_DIR: dataDir,
        QUEUE_PREFIX: `{start-${randomUUID().slice(0, 8)}}`,
        DATABASE_URL: '',
        LOG_LEVEL: 'warn',
      },
    });
    group = child.pid;
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));

    const started = Date.now();
    let ready = false;
    while (!ready && Date.now() - started < 60_000 && child.exitCode === null) {
      ready = await fetch(`http://127.0.0.1:${port}/readyz`).then(
        (r) => r.ok,
        () => false,
      );
      if (!ready) await new Promise((r) => setTimeout(r, 250));
    }
    const seconds = (Date.now() - started) / 1000;
    console.log(`npm start: /readyz ready after ${seconds.toFixed(1)} s`);
    expect(ready, output).toBe(true);
    // The launcher polls /readyz too and prints its line when it sees it ready: give it a moment.
    for (let i = 0; i < 40 && !/Frontload is ready/.test(output); i++)
      await new Promise((r) => setTimeout(r, 250));
    expect(output).toMatch(/Frontload is ready/);

    // A worker that dies is started again; the rest keeps running.
    const heartbeat = async () =>
      JSON.parse(await readFile(heartbeatFile(dataDir, 'worker-notifier'), 'utf8')) as {
        pid: number;
        state: string;
      };
    await waitUntil(async () => (await heartbeat().catch(() => undefined))?.state === 'running', {
      timeoutMs: 30_000,
      what: `the notifier's heartbeat\n${output}`,
    });
    const killed = (await heartbeat()).pid;
    process.kill(killed, 'SIGKILL');
    await waitUntil(
      async () => {
        const now = await heartbeat().catch(() => undefined);
        return now !== undefined && now.pid !== killed && now.state === 'running';
      },
      { timeoutMs: 60_000, what: `the notifier to be restarted\n${output}` },
    );
    expect(output).toMatch(/notifier exited \(SIGKILL\); restarting it/);
    expect(child.exitCode).toBeNull();
    expect((await fetch(`http://127.0.0.1:${port}/readyz`)).ok).toBe(true);

    process.kill(-child.pid!, 'SIGINT');
    const code = await Promise.race([
      exited,
      new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 30_000)),
    ]);
    expect(code, output).not.toBe('timeout');
    const stillUp = await fetch(`http://127.0.0.1:${port}/healthz`).then(
      () => true,
      () => false,
    );
    expect(stillUp).toBe(false);
  }, 120_000);
});
