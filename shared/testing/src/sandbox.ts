/**
 * The provider sandbox started in-process on a free loopback port, with helpers for the control
 * API. Tests drive it over HTTP exactly as the real clients would.
 */
import { buildSandbox, type SandboxOptions } from '@frontload/provider-sandbox';
import { join } from 'node:path';
import { freePort } from './redis-server.js';
import { waitUntil } from './redis.js';
import { REPO_ROOT, spawnBundled } from './spawn.js';

export interface SandboxAccountInput {
  provider: 'google' | 'microsoft';
  email: string;
  name: string;
  timeZone: string;
  workingHours?: { days: number[]; start: string; end: string };
  focusTimeSupported?: boolean;
  /** Microsoft: the account's Entra tenant id (its id_token's `tid`). */
  tenantId?: string;
}

export interface RunningSandbox {
  url: string;
  control<T = unknown>(method: string, path: string, body?: unknown): Promise<T>;
  createAccount(input: SandboxAccountInput): Promise<{ id: string; email: string }>;
  close(): Promise<void>;
}

export async function startSandbox(options: Partial<SandboxOptions> = {}): Promise<RunningSandbox> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const { app } = await buildSandbox({
    publicUrl: url,
    controlEnabled: true,
    allowHttpPush: true,
    seedDemo: false,
    ...options,
  });
  await app.listen({ host: '127.0.0.1', port });
  return sandboxClient(url, () => app.close());
}

/**
 * The sandbox as its own process (its `main.ts`, flowing clock, control API on, http push allowed), as
 * a deployment meets the real providers: on another machine, never in the API's event loop. For load
 * runs, where the sandbox's own work would otherwise compete with the receivers it notifies.
 */
export async function startSandboxProcess(
  options: { logLevel?: string; timeoutMs?: number } = {},
): Promise<RunningSandbox & { output(): string }> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = await spawnBundled(join(REPO_ROOT, 'services/provider-sandbox/src/main.ts'), {
    env: {
      SANDBOX_HOST: '127.0.0.1',
      SANDBOX_PORT: String(port),
      SANDBOX_PUBLIC_URL: url,
      SANDBOX_CONTROL: 'true',
      SANDBOX_ALLOW_HTTP_PUSH: 'true',
      SANDBOX_SEED_DEMO: 'false',
      LOG_LEVEL: options.logLevel ?? 'warn',
      LOG_PRETTY: 'false',
    },
  });
  let exited = false;
  void child.exited.then(() => (exited = true));
  await waitUntil(
    async () => {
      if (exited) throw new Error(`the provider sandbox exited:\n${child.output()}`);
      return fetch(`${url}/_sandbox/accounts`).then(
        (r) => r.ok,
        () => false,
      );
    },
    { timeoutMs: options.timeoutMs ?? 60_000, intervalMs: 100, what: 'the provider sandbox to listen' },
  );
  const close = async () => {
    if (exited) return;
    child.child.kill('SIGTERM');
    const killLater = setTimeout(() => child.child.kill('SIGKILL'), 15_000);
    await child.exited;
    clearTimeout(killLater);
  };
  return { ...sandboxClient(url, close), output: child.output };
}

/** The control API of a sandbox listening at `url` (in this process or another), and how to stop it. */
export function sandboxClient(url: string, close: () => Promise<void>): RunningSandbox {
  const control = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const response = await fetch(`${url}/_sandbox${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? null : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`sandbox ${method} ${path}: ${response.status} ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  };
  return {
    url,
    control,
    createAccount: (input) => control('POST', '/accounts', input),
    close,
  };
}
