/**
 * Attacks with a leaked personal API token: minting a second token that outlives the first,
 * deleting the account, registering webhooks and reading secrets. Each needs a browser session.
 * And caps: a user holds at most 25 live tokens and 10 webhook endpoints, even when the creations
 * race each other.
 */
import { buildTestApp, type TestApp } from '@frontload/api/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

describe('a leaked API token cannot mint credentials or destroy the account', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await buildTestApp();
  });
  afterAll(() => t.close());

  const createToken = (headers: Record<string, string>, name = 'cli') =>
    t.app.inject({ method: 'POST', url: '/api/v1/tokens', headers, payload: { name } });
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
  const count = async (sql: string, params: unknown[]) =>
    (await t.db.query<{ n: number }>(sql, params)).rows[0]!.n;

  async function userWithToken(email: string) {
    const session = await t.signIn(email);
    const created = await createToken(session.headers);
    expect(created.statusCode).toBe(201);
    const { id, token } = created.json<{ id: string; token: string }>();
    return { ...session, tokenId: id, token };
  }

  it('a token cannot create a second token, so revoking the leaked one locks the attacker out', async () => {
    const victim = await userWithToken('minting@example.com');
    const minted = await createToken(bearer(victim.token), 'persistence');
    expect(minted.statusCode).toBe(403);
    expect(minted.json()).toMatchObject({ code: 'FL_SESSION_REQUIRED' });
    expect(await count('select count(*)::int as n from api_tokens where user_id = $1', [victim.userId])).toBe(
      1,
    );

    const revoke = await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/tokens/${victim.tokenId}`,
      headers: victim.headers,
    });
    expect(revoke.statusCode).toBe(204);
    const after = await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: bearer(victim.token) });
    expect(after.statusCode).toBe(401);
  });

  it('a token cannot revoke tokens, delete the account, create a webhook or rotate its secret', async () => {
    const victim = await userWithToken('destroy@example.com');
    const webhook = await t.app.inject({
      method: 'POST',
      url: '/api/v1/webhooks',
      headers: victim.headers,
      payload: { url: 'https://hooks.example.com/a', eventTypes: ['overload.tripped'] },
    });
    expect(webhook.statusCode).toBe(201);
    const endpointId = webhook.json<{ id: string }>().id;

    const attempts = [
      { method: 'DELETE', url: `/api/v1/tokens/${victim.tokenId}` },
      { method: 'DELETE', url: '/api/v1/me' },
      {
        method: 'POST',
        url: '/api/v1/webhooks',
        payload: { url: 'https://attacker.example.com/x', eventTypes: ['overload.tripped'] },
      },
      { method: 'POST', url: `/api/v1/webhooks/${endpointId}/rotate-secret` },
    ] as const;
    for (const attempt of attempts) {
      const res = await t.app.inject({ ...attempt, headers: bearer(victim.token) });
      expect(res.statusCode, `${attempt.method} ${attempt.url}`).toBe(403);
      expect(res.json(), `${attempt.method} ${attempt.url}`).toMatchObject({ code: 'FL_SESSION_REQUIRED' });
      expect(res.body).not.toContain('whsec_');
    }
    expect(await count('select count(*)::int as n from users where id = $1', [victim.userId])).toBe(1);
    expect(
      await count('select count(*)::int as n from webhook_endpoints where user_id = $1', [victim.userId]),
    ).toBe(1);
    expect(
      await count(
        'select count(*)::int as n from webhook_endpoints where user_id = $1 and secret_rotated_at is not null',
        [victim.userId],
      ),
    ).toBe(0);
    expect(
      await count('select count(*)::int as n from api_tokens where user_id = $1 and revoked_at is null', [
        victim.userId,
      ]),
    ).toBe(1);
  });

  it('the token keeps working for what the CLI does: who am I, the plan, the runs', async () => {
    const user = await userWithToken('cli-user@example.com');
    for (const url of ['/api/v1/me', '/api/v1/runs', '/api/v1/tokens']) {
      const res = await t.app.inject({ method: 'GET', url, headers: bearer(user.token) });
      expect(res.statusCode, url).toBe(200);
    }
  });

  it('caps live tokens at 25 per user with a coded 409, even when 30 creations race', async () => {
    const user = await t.signIn('many-tokens@example.com');
    const answers = await Promise.all(
      Array.from({ length: 30 }, (_, i) => createToken(user.headers, `token ${i}`)),
    );
    const codes = answers.map((a) => a.statusCode);
    expect(codes.filter((c) => c === 201)).toHaveLength(25);
    const refused = answers.filter((a) => a.statusCode !== 201);
    expect(refused).toHaveLength(5);
    for (const r of refused) {
      expect(r.statusCode).toBe(409);
      expect(r.json()).toMatchObject({ code: 'FL_LIMIT_REACHED' });
    }
    expect(await count('select count(*)::int as n from api_tokens where user_id = $1', [user.userId])).toBe(
      25,
    );

    // Revoking one makes room for exactly one more.
    const first = answers.find((a) => a.statusCode === 201)!.json<{ id: string }>();
    await t.app.inject({ method: 'DELETE', url: `/api/v1/tokens/${first.id}`, headers: user.headers });
    expect((await createToken(user.headers, 'replacement')).statusCode).toBe(201);
    expect((await createToken(user.headers, 'one too many')).statusCode).toBe(409);
  });

  it('caps webhook endpoints at 10 per user with a coded 409, even when 14 creations race', async () => {
    const user = await t.signIn('many-hooks@example.com');
    const answers = await Promise.all(
      Array.from({ length: 14 }, (_, i) =>
        t.app.inject({
          method: 'POST',
          url: '/api/v1/webhooks',
          headers: user.headers,
          payload: { url: `https://hooks.example.com/${i}`, eventTypes: ['overload.tripped'] },
        }),
      ),
    );
    expect(answers.filter((a) => a.statusCode === 201)).toHaveLength(10);
    for (const r of answers.filter((a) => a.statusCode !== 201)) {
      expect(r.statusCode).toBe(409);
      expect(r.json()).toMatchObject({ code: 'FL_LIMIT_REACHED' });
    }
    expect(
      await count('select count(*)::int as n from webhook_endpoints where user_id = $1', [user.userId]),
    ).toBe(10);
  });
});
