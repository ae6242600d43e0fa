/**
 * Development secrets in production: with a public PUBLIC_URL, the real API and worker entry
 * processes refuse to start on the sealing key committed in the repository, the development client
 * secrets and session secret, or (the API) an unset METRICS_TOKEN, naming each variable and never
 * echoing a value.
 */
import { join } from 'node:path';
import { DEVELOPMENT_SEALING_KEY, DEVELOPMENT_SESSION_SECRET } from '@frontload/config';
import { REPO_ROOT, spawnTypeScript } from '@frontload/testing';
import { describe, expect, it } from 'vitest';

const apiEntry = join(REPO_ROOT, 'services/api/src/main.ts');
const syncWorkerEntry = join(REPO_ROOT, 'workers/sync/src/main.ts');
const sealingKeyMaterial = DEVELOPMENT_SEALING_KEY.split(':')[1]!;

/** An environment that points at nothing real: the process must stop before connecting. */
const baseEnv = {
  PUBLIC_URL: 'https://frontload.example.com',
  DATABASE_URL: 'postgres://frontload@127.0.0.1:1/none',
  REDIS_URL: 'redis://127.0.0.1:1',
  PORT: '0',
  LOG_LEVEL: 'error',
};

async function start(env: Record<string, string>, entry = apiEntry) {
  // Variables of the test runner's own environment must not leak into the child's decision.
  const cleared = Object.fromEntries(
    [
      'TOKEN_SEALING_KEYS',
      'GOOGLE_CLIENT_SECRET',
      'MICROSOFT_CLIENT_SECRET',
      'SESSION_SECRET',
      'METRICS_TOKEN',
    ].map((name) => [name, '']),
  );
  const child = spawnTypeScript(entry, { env: { ...cleared, ...baseEnv, ...env } });
  const timer = setTimeout(() => child.child.kill('SIGKILL'), 60_000);
  const code = await child.exited;
  clearTimeout(timer);
  return { code, output: child.output() };
}

describe('production refuses development secrets', () => {
  it('the API entry exits non-zero on every development secret, naming each variable, never its value', async () => {
    const { code, output } = await start({
      TOKEN_SEALING_KEYS: DEVELOPMENT_SEALING_KEY,
      SESSION_SECRET: DEVELOPMENT_SESSION_SECRET,
      GOOGLE_CLIENT_SECRET: 'frontload-local-secret',
    });
    expect(code).toBe(78);
    for (const name of [
      'TOKEN_SEALING_KEYS',
      'GOOGLE_CLIENT_SECRET',
      'MICROSOFT_CLIENT_SECRET',
      'SESSION_SECRET',
      'METRICS_TOKEN',
    ]) {
      expect(output, name).toContain(`${name}:`);
    }
    expect(output).not.toContain(sealingKeyMaterial);
    expect(output).not.toContain(DEVELOPMENT_SESSION_SECRET);
    expect(output).not.toContain('frontload-local-secret');
  }, 90_000);

  it('the API entry exits non-zero when only the committed sealing key is left, naming just that variable', async () => {
    const { code, output } = await start({
      TOKEN_SEALING_KEYS: `prod1:cHJvZHVjdGlvbi1zZWFsaW5nLWtleS0zMi1ieXRlcyE=,dev1:${sealingKeyMaterial}`,
      SESSION_SECRET: 'a-session-secret-of-at-least-32-characters',
      GOOGLE_CLIENT_SECRET: 'google-production-client-secret',
      MICROSOFT_CLIENT_SECRET: 'microsoft-production-client-secret',
      METRICS_TOKEN: 'prometheus-bearer-token-0123',
    });
    expect(code).toBe(78);
    expect(output).toContain('TOKEN_SEALING_KEYS:');
    for (const name of [
      'GOOGLE_CLIENT_SECRET',
      'MICROSOFT_CLIENT_SECRET',
      'SESSION_SECRET',
      'METRICS_TOKEN',
    ]) {
      expect(output, name).not.toContain(`${name}:`);
    }
    expect(output).not.toContain(sealingKeyMaterial);
  }, 90_000);

  it('a worker entry exits non-zero on the development sealing key and client secrets, naming them', async () => {
    const { code, output } = await start({ TOKEN_SEALING_KEYS: DEVELOPMENT_SEALING_KEY }, syncWorkerEntry);
    expect(code).toBe(78);
    for (const name of ['TOKEN_SEALING_KEYS', 'GOOGLE_CLIENT_SECRET', 'MICROSOFT_CLIENT_SECRET']) {
      expect(output, name).toContain(`${name}:`);
    }
    expect(output).not.toContain(sealingKeyMaterial);
  }, 90_000);
});
