import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { google, type calendar_v3 } from 'googleapis';
import { CodeChallengeMethod, type OAuth2Client } from 'google-auth-library';
import { conformanceFailures } from './conformance.js';
import {
  calendarFor,
  consent,
  createGoogleAccount,
  failure,
  oauthClient,
  REDIRECT_URI,
  SCOPE_READONLY,
  signIn,
  startSandbox,
  type Sandbox,
} from './helpers.js';

let sandbox: Sandbox;
let alex: calendar_v3.Calendar;
let alexAuth: OAuth2Client;

const slot = {
  start: { dateTime: '2026-11-17T10:00:00+01:00' },
  end: { dateTime: '2026-11-17T10:30:00+01:00' },
};

beforeAll(async () => {
  sandbox = await startSandbox({ startAtMs: Date.parse('2026-11-16T07:00:00Z') });
  createGoogleAccount(sandbox, 'alex');
  createGoogleAccount(sandbox, 'priya');
  const signedIn = await signIn(sandbox, 'alex@sandbox.test');
  alex = signedIn.calendar;
  alexAuth = signedIn.client;
});
afterAll(async () => {
  expect(conformanceFailures(sandbox.captured)).toEqual([]);
  // Nothing the suite sent, however wrong, made the sandbox fail.
  expect(sandbox.core.log.entries().filter((e) => e.status >= 500)).toEqual([]);
  await sandbox.close();
});

const eventsUrl = () => `${sandbox.url}/calendar/v3/calendars/primary/events`;

describe('bad input is answered as Google answers it', () => {
  it('malformed JSON → 400 parseError', async () => {
    const result = await failure(
      alexAuth.request({
        url: eventsUrl(),
        method: 'POST',
        data: '{"summary": ',
        headers: { 'content-type': 'application/json' },
      }),
    );
    expect(result).toEqual({
      status: 400,
      body: {
        error: {
          errors: [{ domain: 'global', reason: 'parseError', message: 'Parse Error' }],
          code: 400,
          message: 'Parse Error',
        },
      },
    });
  });

  it('wrong types → 400 invalid; unknown members are ignored', async () => {
    const wrong = await failure(
      alex.events.insert({
        calendarId: 'primary',
        requestBody: { ...slot, summary: 42 } as unknown as calendar_v3.Schema$Event,
      }),
    );
    expect(wrong).toMatchObject({ status: 400, body: { error: { errors: [{ reason: 'invalid' }] } } });
    const { data } = await alex.events.insert({
      calendarId: 'primary',
      requestBody: { ...slot, summary: 'ok', madeUp: true } as calendar_v3.Schema$Event,
    });
    expect(data).not.toHaveProperty('madeUp');
    expect(await failure(alexAuth.request({ url: eventsUrl(), method: 'POST', data: [1, 2] }))).toMatchObject(
      { status: 400 },
    );
  });

  it('missing or inverted times → 400 required / timeRangeEmpty; missing zone on a series → 400', async () => {
    expect(
      await failure(alex.events.insert({ calendarId: 'primary', requestBody: { start: slot.start } })),
    ).toMatchObject({
      status: 400,
      body: { error: { errors: [{ reason: 'required', message: 'Missing end time.' }] } },
    });
    expect(
      await failure(
        alex.events.insert({ calendarId: 'primary', requestBody: { start: slot.end, end: slot.start } }),
      ),
    ).toMatchObject({
      status: 400,
      body: { error: { errors: [{ reason: 'timeRangeEmpty' }] } },
    });
    expect(
      await failure(
        alex.events.insert({
          calendarId: 'primary',
          requestBody: { ...slot, recurrence: ['RRULE:FREQ=WEEKLY'] },
        }),
      ),
    ).toMatchObject({ status: 400 });
    expect(
      await failure(
        alex.events.insert({ calendarId: 'primary', requestBody: { ...slot, recurrence: ['RRULE:NOPE'] } }),
      ),
    ).toMatchObject({ status: 400 });
  });

  it('missing auth → 401 required; garbage token → 401 authError', async () => {
    const anonymous = google.calendar({ version: 'v3', rootUrl: `${sandbox.url}/`, retry: false });
    expect(await failure(anonymous.events.list({ calendarId: 'primary' }))).toEqual({
      status: 401,
      body: {
        error: {
          errors: [
            {
              domain: 'global',
              reason: 'required',
              message: 'Login Required',
              locationType: 'header',
              location: 'Authorization',
            },
          ],
          code: 401,
          message: 'Login Required',
        },
      },
    });
    const forged = oauthClient(sandbox);
    forged.setCredentials({ access_token: 'ya29.forged' });
    expect(await failure(calendarFor(sandbox, forged).events.list({ calendarId: 'primary' }))).toMatchObject({
      status: 401,
      body: { error: { errors: [{ reason: 'authError', message: 'Invalid Credentials' }] } },
    });
  });

  it('an expired access token is 401; the real client refreshes it transparently', async () => {
    const { client, tokens } = await signIn(sandbox, 'alex@sandbox.test');
    sandbox.core.clock.advance(2 * 3600 * 1000);
    const accessOnly = oauthClient(sandbox);
    accessOnly.setCredentials({ access_token: tokens.access_token ?? null });
    expect(
      await failure(calendarFor(sandbox, accessOnly).events.list({ calendarId: 'primary' })),
    ).toMatchObject({ status: 401 });
    const listed = await calendarFor(sandbox, client).events.list({ calendarId: 'primary' });
    expect(listed.status).toBe(200);
    expect(client.credentials.access_token).not.toBe(tokens.access_token);
  });

  it('a read-only token cannot write → 403 insufficientPermissions', async () => {
    const { calendar } = await signIn(sandbox, 'alex@sandbox.test', [SCOPE_READONLY]);
    expect((await calendar.events.list({ calendarId: 'primary' })).status).toBe(200);
    expect(await failure(calendar.events.insert({ calendarId: 'primary', requestBody: slot }))).toMatchObject(
      {
        status: 403,
        body: { error: { errors: [{ reason: 'insufficientPermissions' }] } },
      },
    );
    expect(await failure(calendar.settings.get({ setting: 'timezone' }))).toMatchObject({ status: 403 });
  });

  it('oversized pages are served at 2500; zero, non-numbers and bad timestamps are 400', async () => {
    const big = await alex.events.list({ calendarId: 'primary', maxResults: 100_000 });
    expect(big.status).toBe(200);
    expect(await failure(alex.events.list({ calendarId: 'primary', maxResults: 0 }))).toMatchObject({
      status: 400,
    });
    expect(await failure(alexAuth.request({ url: `${eventsUrl()}?maxResults=ten` }))).toMatchObject({
      status: 400,
    });
    expect(await failure(alex.events.list({ calendarId: 'primary', timeMin: '2026-11-16' }))).toMatchObject({
      status: 400,
    });
    expect(await failure(alex.events.list({ calendarId: 'primary', pageToken: 'nope' }))).toMatchObject({
      status: 400,
    });
  });

  it('unknown events and other users’ calendars → 404 notFound', async () => {
    expect(await failure(alex.events.get({ calendarId: 'primary', eventId: 'doesnotexist1' }))).toMatchObject(
      {
        status: 404,
        body: { error: { errors: [{ reason: 'notFound' }] } },
      },
    );
    expect(await failure(alex.events.list({ calendarId: 'priya@sandbox.test' }))).toMatchObject({
      status: 404,
    });
    expect(await failure(alex.settings.get({ setting: 'nope' }))).toMatchObject({ status: 404 });
  });

  it('freebusy without bounds → 400 required', async () => {
    expect(await failure(alex.freebusy.query({ requestBody: { items: [{ id: 'primary' }] } }))).toMatchObject(
      {
        status: 400,
        body: { error: { errors: [{ reason: 'required', message: 'Missing timeMin parameter.' }] } },
      },
    );
  });

  it('repeated or malformed OAuth parameters end as OAuth errors, never a crash', async () => {
    const client = oauthClient(sandbox);
    const url = client.generateAuthUrl({
      scope: ['openid'],
      code_challenge: 'abc',
      code_challenge_method: CodeChallengeMethod.S256,
    });
    const code = (await consent(url, 'alex@sandbox.test')).searchParams.get('code') ?? '';
    const form = `grant_type=authorization_code&client_id=frontload-local&client_secret=frontload-local-secret&redirect_uri=${encodeURIComponent(REDIRECT_URI)}&code=${encodeURIComponent(code)}&code_verifier=a&code_verifier=b`;
    const result = await failure(
      client.transporter.request({
        url: `${sandbox.url}/token`,
        method: 'POST',
        data: form,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      }),
    );
    expect(result).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    const page = await fetch(`${url}&scope=profile&client_id=other`);
    expect(page.status).toBeLessThan(500);
    const json = await failure(
      client.transporter.request({
        url: `${sandbox.url}/token`,
        method: 'POST',
        data: { grant_type: ['refresh_token'], client_id: 7 },
      }),
    );
    expect(json.status).toBe(401);
  });
});
