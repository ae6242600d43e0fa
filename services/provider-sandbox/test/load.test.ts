/**
 * The per-account load the sandbox measures (GET /_sandbox/load): requests in flight at once and
 * starts per second, which a client-side limiter is checked against.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccount, startSandbox, type Sandbox } from './microsoft-helpers.js';

type Load = Record<
  string,
  { inFlight: number; maxInFlight: number; started: number; maxStartedPerSecond: number }
>;

describe('sandbox per-account load', () => {
  let sandbox: Sandbox;
  let token: string;
  let accountId: string;

  beforeAll(async () => {
    sandbox = await startSandbox();
    const account = createAccount(sandbox.core, 'Pat', 'pat@sandbox.test');
    accountId = account.id;
    const grant = {
      accountId,
      provider: 'microsoft' as const,
      clientId: 'frontload-local',
      scopes: ['User.Read'],
    };
    token = sandbox.core.tokens.issueAccessToken(grant, 3600).token;
  });
  afterAll(() => sandbox.close());

  const me = () => fetch(`${sandbox.base}/v1.0/me`, { headers: { authorization: `Bearer ${token}` } });
  const load = async () => (await (await fetch(`${sandbox.base}/_sandbox/load`)).json()) as Load;

  it('counts the most requests of one account in flight at once, injected latency included', async () => {
    await fetch(`${sandbox.base}/_sandbox/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ provider: 'microsoft', route: 'GET /v1.0/me', accountId, latencyMs: 200 }),
    });
    const answers = await Promise.all(Array.from({ length: 6 }, me));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200, 200]);
    expect((await load())[accountId]).toEqual({
      inFlight: 0,
      maxInFlight: 6,
      started: 6,
      maxStartedPerSecond: 6,
    });
  });

  it('starts afresh on DELETE; requests one after another are one in flight', async () => {
    expect((await fetch(`${sandbox.base}/_sandbox/load`, { method: 'DELETE' })).status).toBe(204);
    expect(await load()).toEqual({});
    await me();
    await me();
    expect((await load())[accountId]).toMatchObject({ inFlight: 0, maxInFlight: 1, started: 2 });
  });

  it('is documented in the control OpenAPI', async () => {
    const openapi = (await (await fetch(`${sandbox.base}/_sandbox/openapi.json`)).json()) as {
      paths: Record<string, Record<string, unknown>>;
    };
    expect(Object.keys(openapi.paths['/_sandbox/load'] ?? {})).toEqual(
      expect.arrayContaining(['get', 'delete']),
    );
  });
});
