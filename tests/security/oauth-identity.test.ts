/**
 * Accounts are found by the provider account's (issuer or tenant, subject), never by an email claim:
 * a Microsoft account from another tenant whose email claim equals an existing user's email gets a
 * user of its own; a second provider is linked only from a signed-in session, and only to the user
 * who started the flow; the queue dashboard is not granted by an email claim nobody verified.
 */
import { buildTestApp, type TestApp } from '@frontload/api/testing';
import { startSandbox, type RunningSandbox } from '@frontload/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runFlow } from './oauth-flow.js';

const OTHER_TENANT = '5e0f4c8a-91d2-4b7a-8c3e-2f6a9d1b7e44';
const SHARED_EMAIL = 'pat@shared.example';
const ADMIN_EMAIL = 'ops@frontload.example';

describe('sign-in by provider identity, never by email claim', () => {
  let sandbox: RunningSandbox;
  let t: TestApp;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    sandbox = await startSandbox();
    const accounts = {
      patGoogle: { provider: 'google', email: SHARED_EMAIL, name: 'Pat Victim' },
      patMicrosoft: { provider: 'microsoft', email: 'pat@contoso.example', name: 'Pat Victim' },
      // Another directory's admin can give any account in it any email claim.
      impostor: { provider: 'microsoft', email: SHARED_EMAIL, name: 'Mallory', tenantId: OTHER_TENANT },
      adminGoogle: { provider: 'google', email: ADMIN_EMAIL, name: 'Ops' },
      adminImpostor: { provider: 'microsoft', email: ADMIN_EMAIL, name: 'Not Ops', tenantId: OTHER_TENANT },
      opsMicrosoft: { provider: 'microsoft', email: 'ops@contoso.example', name: 'Ops on Microsoft' },
    } as const;
    for (const [key, account] of Object.entries(accounts)) {
      ids[key] = (await sandbox.createAccount({ ...account, timeZone: 'Europe/Berlin' })).id;
    }
    t = await buildTestApp({
      sandboxUrl: sandbox.url,
      adminEmails: [ADMIN_EMAIL],
      // The sandbox's Microsoft object id (oid) is the account id.
      adminSubjects: [`microsoft:${ids.opsMicrosoft}`],
    });
  });
  afterAll(async () => {
    await t.close();
    await sandbox.close();
  });

  const me = async (session: string) =>
    (await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie: session } })).json<{
      id: string;
      name: string;
    }>();
  const connectionEmails = async (session: string) =>
    (await t.app.inject({ method: 'GET', url: '/api/v1/connections', headers: { cookie: session } })).json<{
      connections: { accountEmail: string; provider: string }[];
    }>().connections;

  it('a Microsoft account of another tenant with the same email claim gets a new user, not the existing one', async () => {
    const victim = await runFlow(t, 'google', ids.patGoogle!);
    expect(victim.status, victim.body).toBe(303);
    const victimUser = await me(victim.session!);

    const impostor = await runFlow(t, 'microsoft', ids.impostor!);
    expect(impostor.status, impostor.body).toBe(303);
    const impostorUser = await me(impostor.session!);
    expect(impostorUser.id).not.toBe(victimUser.id);
    // The impostor sees only their own calendar, and the victim's account is untouched.
    expect(await connectionEmails(impostor.session!)).toEqual([
      expect.objectContaining({ provider: 'microsoft', accountEmail: SHARED_EMAIL }),
    ]);
    expect(await connectionEmails(victim.session!)).toEqual([
      expect.objectContaining({ provider: 'google', accountEmail: SHARED_EMAIL }),
    ]);
    expect((await me(victim.session!)).name).toBe('Pat Victim');

    // Each account keeps finding its own user.
    const again = await runFlow(t, 'microsoft', ids.impostor!);
    expect((await me(again.session!)).id).toBe(impostorUser.id);
    const victimAgain = await runFlow(t, 'google', ids.patGoogle!);
    expect((await me(victimAgain.session!)).id).toBe(victimUser.id);
  });

  it('a second provider connected from a signed-in session is linked to that user, and signs them in', async () => {
    const victim = await runFlow(t, 'google', ids.patGoogle!);
    const victimUser = await me(victim.session!);
    const connect = await runFlow(t, 'microsoft', ids.patMicrosoft!, { cookie: victim.session! });
    expect(connect.status, connect.body).toBe(303);
    expect((await connectionEmails(victim.session!)).map((c) => c.provider).sort()).toEqual([
      'google',
      'microsoft',
    ]);
    const viaMicrosoft = await runFlow(t, 'microsoft', ids.patMicrosoft!);
    expect((await me(viaMicrosoft.session!)).id).toBe(victimUser.id);
  });

  it('a connect flow that comes back signed in as another user is refused, and nothing is connected', async () => {
    const starter = await t.signIn('starter@example.com');
    const other = await t.signIn('other@example.com');
    const result = await runFlow(t, 'google', ids.adminGoogle!, {
      cookie: starter.cookie,
      callbackSession: other.cookie,
    });
    expect(result.status).toBe(403);
    expect(JSON.parse(result.body)).toMatchObject({ code: 'FL_OAUTH_USER_MISMATCH' });
    const { rows } = await t.db.query('select id from connections where user_id = any($1)', [
      [starter.userId, other.userId],
    ]);
    expect(rows).toEqual([]);
  });

  it('the queue dashboard is not granted by an unverified email claim, only by a verified one or a listed subject', async () => {
    const impostor = await runFlow(t, 'microsoft', ids.adminImpostor!);
    expect(impostor.status, impostor.body).toBe(303);
    const denied = await t.app.inject({
      method: 'GET',
      url: '/admin/queues',
      headers: { cookie: impostor.session! },
    });
    expect(denied.statusCode).toBe(403);

    const admin = await runFlow(t, 'google', ids.adminGoogle!);
    expect(admin.status, admin.body).toBe(303);
    const granted = await t.app.inject({
      method: 'GET',
      url: '/admin/queues',
      headers: { cookie: admin.session! },
    });
    expect(granted.statusCode).toBe(200);

    const microsoftOps = await runFlow(t, 'microsoft', ids.opsMicrosoft!);
    const bySubject = await t.app.inject({
      method: 'GET',
      url: '/admin/queues',
      headers: { cookie: microsoftOps.session! },
    });
    expect(bySubject.statusCode).toBe(200);
  });
});
