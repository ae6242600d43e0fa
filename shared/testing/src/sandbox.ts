/**
 * The provider sandbox started in-process on a free loopback port, with helpers for the control
 * API. Tests drive it over HTTP exactly as the real clients would.
 */
import { buildSandbox, type SandboxOptions } from '@frontload/provider-sandbox';
import { freePort } from './redis-server.js';

export interface SandboxAccountInput {
  provider: 'google' | 'microsoft';
  email: string;
  name: string;
  timeZone: string;
  workingHours?: { days: number[]; start: string; end: string };
  focusTimeSupported?: boolean;
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
    close: () => app.close(),
  };
}
