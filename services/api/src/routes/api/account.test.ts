import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../../test/test-app.js';

describe('account API: sessions and personal API tokens', () => {
  let t: TestApp;
  let alice: { userId: string; cookie: string; headers: Record<string, string> };
  let bob: { userId: string; cookie: string; headers: Record<string, string> };

  beforeAll(async () => {
    t = await buildTestApp();
    alice = await t.signIn('alice@example.com');
    bob = await t.signIn('bob@example.com');
  });
  afterAll(() => t.close());

  const createToken = async (headers: Record<string, string>, name: string) =>
    (await t.app.inject({ method: 'POST', url: '/api/v1/tokens', headers, payload: { name } })).json<{
      id: string;
      token: string;
      prefix: string;
    }>();

  it('refuses /api/v1 without a session or token with a coded 401', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/me' });
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ code: 'FL_UNAUTHENTICATED' });
  });

  it('shows a created API token once, stores only its hash, and accepts it as a Bearer token', async () => {
    const created = await createToken(alice.headers, 'cli');
    expect(created.token).toMatch(/^flp_[A-Za-z0-9_-]{40,}$/);
    const stored = await t.db.query<{ token_hash: string }>(
      'select token_hash from api_tokens where id = $1',
      [created.id],
    );
    expect(stored.rows[0]?.token_hash).not.toContain(created.token);

    const list = await t.app.inject({
      method: 'GET',
      url: '/api/v1/tokens',
      headers: alice.headers,
    });
    expect(JSON.stringify(list.json())).not.toContain(created.token);

    const me = await t.app.inject({
      method: 'GET',
      url: '/api/v1/me',
      headers: { authorization: `Bearer ${created.token}` },
    });
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({ id: alice.userId, email: 'alice@example.com' });
  });

  it('stops accepting a token the moment it is revoked', async () => {
    const created = await createToken(alice.headers, 'short-lived');
    const del = await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/tokens/${created.id}`,
      headers: alice.headers,
    });
    expect(del.statusCode).toBe(204);
    const me = await t.app.inject({
      method: 'GET',
      url: '/api/v1/me',
      headers: { authorization: `Bearer ${created.token}` },
    });
    expect(me.statusCode).toBe(401);
  });

  it('never lets one user list or revoke another user’s tokens, by cookie or by API token', async () => {
    const alicesToken = await createToken(alice.headers, 'alice-only');
    const bobsToken = await createToken(bob.headers, 'bob-cli');
    for (const headers of [bob.headers, { authorization: `Bearer ${bobsToken.token}` }]) {
      const list = await t.app.inject({ method: 'GET', url: '/api/v1/tokens', headers });
      expect(list.json<{ tokens: { id: string }[] }>().tokens.map((x) => x.id)).not.toContain(alicesToken.id);
      const del = await t.app.inject({ method: 'DELETE', url: `/api/v1/tokens/${alicesToken.id}`, headers });
      // A session is told there is no such token; an API token may not revoke tokens at all.
      expect(del.statusCode).toBe('authorization' in headers ? 403 : 404);
    }
    const me = await t.app.inject({
      method: 'GET',
      url: '/api/v1/me',
      headers: { authorization: `Bearer ${alicesToken.token}` },
    });
    expect(me.json()).toMatchObject({ id: alice.userId });
  });

  it('refuses a token body with unknown fields or an empty name, storing nothing', async () => {
    const before = await t.db.query<{ n: number }>('select count(*)::int as n from api_tokens');
    for (const payload of [{ name: '' }, { name: 'x', scope: 'admin' }, { nom: 'x' }]) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v1/tokens',
        headers: alice.headers,
        payload,
      });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ code: 'FL_VALIDATION_FAILED' });
    }
    const after = await t.db.query<{ n: number }>('select count(*)::int as n from api_tokens');
    expect(after.rows[0]?.n).toBe(before.rows[0]?.n);
  });

  it('signs out by forgetting the session server-side', async () => {
    const carol = await t.signIn('carol@example.com');
    const out = await t.app.inject({
      method: 'POST',
      url: '/api/v1/logout',
      headers: carol.headers,
    });
    expect(out.statusCode).toBe(204);
    const me = await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: carol.headers });
    expect(me.statusCode).toBe(401);
  });

  it('deleting the account removes the user and every row that belongs to them', async () => {
    const dave = await t.signIn('dave@example.com');
    await createToken(dave.headers, 'dave-cli');
    const res = await t.app.inject({ method: 'DELETE', url: '/api/v1/me', headers: dave.headers });
    expect(res.statusCode).toBe(204);
    for (const table of ['users', 'sessions', 'api_tokens', 'audit']) {
      const col = table === 'users' ? 'id' : 'user_id';
      const { rows } = await t.db.query<{ n: number }>(
        `select count(*)::int as n from ${table} where ${col} = $1`,
        [dave.userId],
      );
      expect(rows[0]?.n, table).toBe(0);
    }
  });
});
