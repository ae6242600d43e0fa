/**
 * Working hours from the provider: a Microsoft mailbox's own working hours (mailboxSettings) become
 * the user's until the user edits theirs in Preferences; a later sync never overwrites an edit. Google
 * has no working-hours setting: the user's stay as they are.
 */
import { repositories } from '@frontload/db';
import { DEFAULT_PREFERENCES, type Preferences } from '@frontload/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSyncHarness, type SyncHarness } from './sync-harness.js';

describe('working hours from the provider', () => {
  let h: SyncHarness;

  beforeAll(async () => {
    h = await startSyncHarness({ push: false });
  }, 120_000);
  afterAll(async () => {
    await h?.close();
  });

  const preferencesOf = async (userId: string) => {
    const user = await repositories(h.t.db).users.byId(userId);
    const cookie = (await h.t.signIn(user!.email)).cookie;
    const res = await h.t.app.inject({ method: 'GET', url: '/api/v1/preferences', headers: { cookie } });
    return { cookie, prefs: res.json<Preferences>() };
  };

  it("takes a Microsoft mailbox's working hours as the user's, and never overwrites the user's own edit", async () => {
    const account = await h.sandbox.createAccount({
      provider: 'microsoft',
      email: 'riley@sandbox.test',
      name: 'Riley Park',
      timeZone: 'Europe/Berlin',
      workingHours: { days: [1, 2, 3, 4], start: '07:30', end: '15:30' },
    });
    const { connectionId, userId } = await h.connect('microsoft', account.id);
    await h.idle(60_000);
    const first = await preferencesOf(userId);
    expect(first.prefs.workingHours).toEqual({ days: [1, 2, 3, 4], start: '07:30', end: '15:30' });

    // Saving other preferences keeps the hours the mailbox's: a change there is still taken.
    const writes = await h.t.csrfHeaders(first.cookie);
    const focusOnly = { ...first.prefs, focus: { ...first.prefs.focus, targetHours: 8 } };
    expect(
      (
        await h.t.app.inject({
          method: 'PUT',
          url: '/api/v1/preferences',
          headers: writes,
          payload: focusOnly,
        })
      ).statusCode,
    ).toBe(200);
    await h.sandbox.control('PATCH', `/accounts/${account.id}`, {
      workingHours: { days: [1, 2, 3, 4, 5], start: '08:00', end: '16:00' },
    });
    await h.deps.producers.enqueueSync({ connectionId, reason: 'initial' });
    await h.idle(60_000);
    const second = await preferencesOf(userId);
    expect(second.prefs.workingHours).toEqual({ days: [1, 2, 3, 4, 5], start: '08:00', end: '16:00' });
    expect(second.prefs.focus.targetHours).toBe(8);

    // The user's own hours win over every later sync.
    const mine = { days: [1, 2, 3, 4, 5], start: '10:00', end: '18:00' };
    expect(
      (
        await h.t.app.inject({
          method: 'PUT',
          url: '/api/v1/preferences',
          headers: writes,
          payload: { ...second.prefs, workingHours: mine },
        })
      ).statusCode,
    ).toBe(200);
    await h.sandbox.control('PATCH', `/accounts/${account.id}`, {
      workingHours: { days: [1, 2, 3], start: '06:00', end: '14:00' },
    });
    await h.deps.producers.enqueueSync({ connectionId, reason: 'initial' });
    await h.idle(60_000);
    expect((await preferencesOf(userId)).prefs.workingHours).toEqual(mine);
  }, 120_000);

  it("keeps the user's working hours on Google, which has no working-hours setting", async () => {
    const account = await h.sandbox.createAccount({
      provider: 'google',
      email: 'quinn@sandbox.test',
      name: 'Quinn Avery',
      timeZone: 'Europe/Berlin',
      workingHours: { days: [1, 2, 3], start: '06:00', end: '12:00' },
    });
    const { userId } = await h.connect('google', account.id);
    await h.idle(60_000);
    expect((await preferencesOf(userId)).prefs.workingHours).toEqual(DEFAULT_PREFERENCES.workingHours);
  }, 120_000);
});
