import { QUEUES } from '@frontload/jobs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../test/test-app.js';

describe('queue dashboard at /admin/queues: admins only, with a CSP scoped to it', () => {
  let t: TestApp;
  let admin: Awaited<ReturnType<TestApp['signIn']>>;

  beforeAll(async () => {
    t = await buildTestApp({ adminEmails: ['Ops@Example.com'] });
    admin = await t.signIn('ops@example.com');
    // One waiting job, so the dashboard has something to list.
    await t.producers.enqueuePlan({ userId: '00000000-0000-4000-8000-000000000001', reason: 'manual' });
  });
  afterAll(() => t.close());

  const get = (url: string, headers: Record<string, string> = {}) =>
    t.app.inject({ method: 'GET', url, headers });

  it('answers 401 without a session and 403 to a signed-in user who is not an admin, never the page', async () => {
    const anonymous = await get('/admin/queues');
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.body).not.toContain('<html');
    const bob = await t.signIn('bob@example.com');
    for (const url of ['/admin/queues', '/admin/queues/api/queues', '/admin/queues/static/js/main.js']) {
      const res = await get(url, { cookie: bob.cookie });
      expect(res.statusCode, url).toBe(403);
      expect(res.body).not.toContain('<html');
    }
  });

  it('answers 403 to an admin who comes with an API token instead of a browser session', async () => {
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/v1/tokens',
      headers: admin.headers,
      payload: { name: 'ops-cli' },
    });
    const { token } = created.json<{ token: string }>();
    const res = await get('/admin/queues', { authorization: `Bearer ${token}` });
    expect(res.statusCode).toBe(403);
  });

  it('serves the page to an admin, whose every script and style sheet loads under the page CSP', async () => {
    const page = await get('/admin/queues', { cookie: admin.cookie });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<base href="/admin/queues/"');
    const csp = String(page.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/script-src[^;]*unsafe/);
    expect(csp).toContain("style-src 'self' 'unsafe-inline'");
    expect(csp).toContain("base-uri 'self'");
    const assets = [...page.body.matchAll(/(?:src|href)="(static\/[^"]+\.(?:js|css))"/g)].map((m) => m[1]!);
    expect(assets.some((a) => a.endsWith('.js'))).toBe(true);
    expect(assets.some((a) => a.endsWith('.css'))).toBe(true);
    for (const asset of assets) {
      const res = await get(`/admin/queues/${asset}`, { cookie: admin.cookie });
      expect(res.statusCode, asset).toBe(200);
      expect(res.headers['content-type']).toMatch(asset.endsWith('.js') ? /javascript/ : /text\/css/);
    }
  });

  it('lists every queue of the catalogue, with the job waiting in plan, read-only', async () => {
    const res = await get('/admin/queues/api/queues', { cookie: admin.cookie });
    expect(res.statusCode).toBe(200);
    const { queues } = res.json<{
      queues: { name: string; readOnlyMode: boolean; counts: Record<string, number> }[];
    }>();
    expect(queues.map((q) => q.name).sort()).toEqual(Object.values(QUEUES).sort());
    expect(queues.every((q) => q.readOnlyMode)).toBe(true);
    // A lone plan request waits for no debounce: it is waiting, not delayed.
    expect(queues.find((q) => q.name === 'plan')?.counts).toMatchObject({ waiting: 1, delayed: 0 });
  });

  it('refuses every write, even from an admin with a CSRF token: the plan queue stays running', async () => {
    for (const url of ['/admin/queues/api/queues/pause', '/admin/queues/api/queues/plan/pause']) {
      const res = await t.app.inject({ method: 'PUT', url, headers: admin.headers });
      expect(res.statusCode, url).toBe(403);
    }
    const { queues } = (await get('/admin/queues/api/queues', { cookie: admin.cookie })).json<{
      queues: { name: string; isPaused: boolean }[];
    }>();
    expect(queues.find((q) => q.name === 'plan')?.isPaused).toBe(false);
  });

  it('keeps the strict CSP everywhere else', async () => {
    const csp = String((await get('/')).headers['content-security-policy']);
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).toContain("base-uri 'none'");
  });

  it('lets nobody in when no admin is configured', async () => {
    const other = await buildTestApp();
    try {
      const user = await other.signIn('ops@example.com');
      const res = await other.app.inject({
        method: 'GET',
        url: '/admin/queues',
        headers: { cookie: user.cookie },
      });
      expect(res.statusCode).toBe(403);
    } finally {
      await other.close();
    }
  });
});
