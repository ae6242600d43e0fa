/**
 * `returnTo` after sign-in: only a path on PUBLIC_URL's origin. A TAB, CR, LF, other whitespace or a
 * backslash is refused at `/start` (a browser drops a TAB from `/\t/evil.example` and leaves the site;
 * CR and LF broke the callback's redirect with a 500 after the connection was made), as is anything
 * that resolves to another origin; a path in any script is kept, percent-encoded.
 */
import { describe, expect, it } from 'vitest';
import { runFlow, useSandboxApp } from './oauth-flow.js';

describe('returnTo is a path on this site, never an open redirect or a 500', () => {
  const env = useSandboxApp({ account: { provider: 'google', email: 'alex@sandbox.test', name: 'Alex' } });

  const states = async () =>
    (await env.t.db.query<{ n: number }>('select count(*)::int as n from oauth_states')).rows[0]!.n;

  // As they arrive in the query string (already percent-encoded where a browser would encode them).
  const refused = {
    'a TAB before a second slash': '/%09/evil.example',
    'a raw TAB': '/\t/evil.example',
    CR: '/settings%0D%0ASet-Cookie:%20x=1',
    LF: '/settings%0Aevil',
    'a space': '/%20/evil.example',
    'a no-break space': '/%C2%A0/evil.example',
    'a backslash': '/%5C/evil.example',
    'another origin': 'https://evil.example/',
    'a protocol-relative URL': '//evil.example/',
    'a path that normalises to //host': '/.//evil.example/',
    'another scheme': 'javascript:alert(1)',
  };

  for (const [name, query] of Object.entries(refused)) {
    it(`refuses ${name} with a 400 naming the field, and stores no state`, async () => {
      const before = await states();
      const res = await env.t.app.inject({ method: 'GET', url: `/auth/google/start?returnTo=${query}` });
      expect(res.statusCode, res.body).toBe(400);
      const body = res.json<{ code: string; details: { path: string }[] }>();
      expect(body.code).toBe('FL_VALIDATION_FAILED');
      expect(body.details.map((d) => d.path)).toContain('/returnTo');
      expect(res.headers.location).toBeUndefined();
      expect(await states()).toBe(before);
    });
  }

  it('keeps a path in any script, percent-encoded, and redirects there after the callback (no 500)', async () => {
    const result = await runFlow(env.t, 'google', env.accountId, { returnTo: '/wochen/日本?notiz=grüße#ü' });
    expect(result.status, result.body).toBe(303);
    expect(result.location).toBe('/wochen/%E6%97%A5%E6%9C%AC?notiz=gr%C3%BC%C3%9Fe#%C3%BC');
  });

  it('accepts an absolute URL on its own origin and keeps only its path', async () => {
    const result = await runFlow(env.t, 'google', env.accountId, {
      returnTo: 'http://localhost:3000/settings?tab=1',
    });
    expect(result.status, result.body).toBe(303);
    expect(result.location).toBe('/settings?tab=1');
  });
});
