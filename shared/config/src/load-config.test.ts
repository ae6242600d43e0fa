import { describe, expect, it } from 'vitest';
import { ConfigError, describeVariables, loadConfig } from './load-config.js';

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
});
