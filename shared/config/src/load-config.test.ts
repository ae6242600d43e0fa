import { describe, expect, it } from 'vitest';
import { ConfigError, describeVariables, isLocalHttpUrl, loadConfig } from './load-config.js';
import { DEVELOPMENT_SEALING_KEY } from './variables.js';

/** Production secrets of its own, each different from its development default. */
const ownSecrets = {
  TOKEN_SEALING_KEYS: 'prod1:cHJvZHVjdGlvbi1zZWFsaW5nLWtleS0zMi1ieXRlcyE=',
  GOOGLE_CLIENT_SECRET: 'google-production-client-secret',
  MICROSOFT_CLIENT_SECRET: 'microsoft-production-client-secret',
  SESSION_SECRET: 'a-session-secret-of-at-least-32-characters',
  METRICS_TOKEN: 'prometheus-bearer-token-0123',
};
const problemsOf = (attempt: () => unknown): ConfigError['problems'] => {
  try {
    attempt();
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
};

describe('loadConfig', () => {
  it('runs every process kind on embedded defaults with no variables at all', () => {
    const api = loadConfig('api', {});
    expect(api.PORT).toBe(3000);
    expect(api.DATABASE_URL).toBeUndefined(); // embedded PGlite
    expect(api.REDIS_URL).toBe('redis://127.0.0.1:6379');
    expect(loadConfig('worker', {}).WORKER_CONCURRENCY).toBe(4);
    expect(loadConfig('sandbox', {}).SANDBOX_PORT).toBe(4010);
  });

  it('converts valid strings into typed values and freezes the result', () => {
    const env = loadConfig('api', {
      PORT: '8080',
      DATABASE_URL: 'postgres://app@db:5432/frontload',
      LOG_LEVEL: 'debug',
      LOG_PRETTY: 'true',
    });
    expect(env).toMatchObject({ PORT: 8080, LOG_LEVEL: 'debug', LOG_PRETTY: true });
    expect(Object.isFrozen(env)).toBe(true);
  });

  it('names every malformed variable, with what it expected, in one error', () => {
    const attempt = () =>
      loadConfig('api', {
        PORT: 'eighty',
        REDIS_URL: 'http://cache:6379',
        LOG_LEVEL: 'loud',
        DATABASE_URL: 'mysql://x',
      });
    expect(attempt).toThrow(ConfigError);
    try {
      attempt();
    } catch (error) {
      const problems = (error as ConfigError).problems;
      expect(problems.map((p) => p.variable).sort()).toEqual([
        'DATABASE_URL',
        'LOG_LEVEL',
        'PORT',
        'REDIS_URL',
      ]);
      expect(problems.find((p) => p.variable === 'PORT')?.expected).toMatch(/integer from 0 to 65535/);
      expect((error as Error).message).toContain('REDIS_URL: expected a string matching');
    }
  });

  it('refuses a too-short session secret without echoing the secret back', () => {
    try {
      loadConfig('api', { SESSION_SECRET: 'short-secret' });
      expect.unreachable('a short session secret must be refused');
    } catch (error) {
      const problem = (error as ConfigError).problems[0];
      expect(problem?.variable).toBe('SESSION_SECRET');
      expect(problem?.received).toBeUndefined();
      expect((error as Error).message).not.toContain('short-secret');
    }
  });

  it('ignores variables that belong to another process kind', () => {
    expect(() => loadConfig('sandbox', { PORT: 'not-a-port' })).not.toThrow();
  });

  it('describes every variable with a default or a meaning, for the README table', () => {
    const rows = describeVariables();
    expect(rows.length).toBeGreaterThan(20);
    for (const row of rows) expect(row.description.length, row.name).toBeGreaterThan(10);
  });

  describe('production refuses development secrets', () => {
    const publicUrl = { PUBLIC_URL: 'https://frontload.example.com' };

    it('refuses to run the api with a public URL on embedded secrets, naming each variable', () => {
      const problems = problemsOf(() => loadConfig('api', publicUrl));
      expect(problems.map((p) => p.variable).sort()).toEqual([
        'GOOGLE_CLIENT_SECRET',
        'METRICS_TOKEN',
        'MICROSOFT_CLIENT_SECRET',
        'SESSION_SECRET',
        'TOKEN_SEALING_KEYS',
      ]);
    });

    it('refuses workers the same way, for the secrets a worker reads', () => {
      const problems = problemsOf(() => loadConfig('worker', { ...publicUrl, SESSION_SECRET: 'ignored' }));
      expect(problems.map((p) => p.variable).sort()).toEqual([
        'GOOGLE_CLIENT_SECRET',
        'MICROSOFT_CLIENT_SECRET',
        'TOKEN_SEALING_KEYS',
      ]);
    });

    it('refuses a secret set explicitly to its development value, without echoing it', () => {
      const attempt = () =>
        loadConfig('api', {
          ...publicUrl,
          ...ownSecrets,
          GOOGLE_CLIENT_SECRET: 'frontload-local-secret',
          SESSION_SECRET: 'frontload-development-session-secret-change-me',
        });
      expect(
        problemsOf(attempt)
          .map((p) => p.variable)
          .sort(),
      ).toEqual(['GOOGLE_CLIENT_SECRET', 'SESSION_SECRET']);
      expect(attempt).toThrow(/PUBLIC_URL is not a local http URL/);
      expect(attempt).not.toThrow(/frontload-local-secret|frontload-development-session/);
    });

    it('refuses the committed development sealing key even beside a key of your own', () => {
      const problems = problemsOf(() =>
        loadConfig('api', {
          ...publicUrl,
          ...ownSecrets,
          TOKEN_SEALING_KEYS: `prod1:cHJvZHVjdGlvbi1zZWFsaW5nLWtleS0zMi1ieXRlcyE=,old:${DEVELOPMENT_SEALING_KEY.split(':')[1]}`,
        }),
      );
      expect(problems.map((p) => p.variable)).toEqual(['TOKEN_SEALING_KEYS']);
    });

    it('starts with a public URL once every secret is your own', () => {
      expect(loadConfig('api', { ...publicUrl, ...ownSecrets }).SESSION_SECRET).toBe(
        ownSecrets.SESSION_SECRET,
      );
      expect(loadConfig('worker', { ...publicUrl, ...ownSecrets }).PUBLIC_URL).toBe(publicUrl.PUBLIC_URL);
    });

    it('keeps the embedded defaults for local http only (localhost, 127.0.0.1, [::1])', () => {
      for (const url of ['http://localhost:3000', 'http://127.0.0.1:8080', 'http://[::1]:3000']) {
        expect(isLocalHttpUrl(url), url).toBe(true);
        expect(() => loadConfig('api', { PUBLIC_URL: url }), url).not.toThrow();
      }
      for (const url of [
        'https://localhost:3000',
        'http://frontload.example.com',
        'http://10.0.0.5:3000',
        'http://localhost.example.com',
      ]) {
        expect(isLocalHttpUrl(url), url).toBe(false);
        expect(problemsOf(() => loadConfig('api', { PUBLIC_URL: url })).length, url).toBe(5);
      }
    });
  });
});
