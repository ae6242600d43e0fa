import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../test/test-app.js';

describe('OpenAPI document', () => {
  let t: TestApp;
  beforeAll(async () => (t = await buildTestApp()));
  afterAll(() => t.close());

  it('describes every /api/v1 route with its schemas, and nothing outside it', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/openapi.json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json<{ openapi: string; paths: Record<string, Record<string, unknown>> }>();
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/api/v1/tokens', '/api/v1/connections', '/api/v1/me']),
    );
    expect(Object.keys(doc.paths).every((p) => p.startsWith('/api/v1'))).toBe(true);
    expect(doc.paths['/api/v1/tokens']).toHaveProperty('post');
  });

  it('shows each schema as written: no input-guard keyword, no body or parameters a route does not take', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/openapi.json' });
    expect(res.body).not.toContain('safeText');
    const doc = res.json<{
      paths: Record<string, Record<string, { requestBody?: unknown; parameters?: unknown[] }>>;
    }>();
    expect(doc.paths['/api/v1/me']?.get?.requestBody).toBeUndefined();
    expect(doc.paths['/api/v1/me']?.get?.parameters ?? []).toEqual([]);
    expect(doc.paths['/api/v1/tokens']?.post?.requestBody).toBeDefined();
  });
});
