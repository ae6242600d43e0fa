import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ErrorCode, type WebAPIPlatformError, type WebAPIRateLimitedError } from '@slack/web-api';
import { startSandbox, type Sandbox } from './helpers.js';
import {
  consent,
  SLACK_CLIENT_ID,
  SLACK_CLIENT_SECRET,
  SLACK_REDIRECT_URI,
  slackClient,
  slackSignIn,
} from './slack-helpers.js';

let sandbox: Sandbox;
const START = Date.parse('2026-11-18T09:00:00Z');
const nowSeconds = () => Math.floor(sandbox.core.clock.nowMs() / 1000);

/** The Slack error code of a rejected WebClient call. */
async function slackError(call: Promise<unknown>): Promise<WebAPIPlatformError['data']> {
  const error = (await call.then(
    () => undefined,
    (e: unknown) => e,
  )) as WebAPIPlatformError | undefined;
  expect(error?.code).toBe(ErrorCode.PlatformError);
  return error?.data ?? { ok: false, error: 'no platform error' };
}

async function control<T>(
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: T }> {
  const response = await fetch(`${sandbox.url}${path}`, {
    method,
    ...(body === undefined
      ? {}
      : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as T };
}

interface ControlMessage {
  id: string;
  channel: string;
  from: { id: string; email: string };
  to: { id: string; email: string } | null;
  text: string;
  post_at: number;
  state: 'scheduled' | 'sent' | 'deleted';
}

beforeAll(async () => {
  sandbox = await startSandbox({ seedDemo: true, startAtMs: START });
});
afterAll(() => sandbox.close());
beforeEach(async () => {
  await control('POST', '/_sandbox/reset', { seedDemo: true });
});

describe('Slack workspace', () => {
  it('has one user per demo person (Alex included) with the Google demo emails, and takes more through the control API', async () => {
    const { body: users } = await control<{ id: string; email: string; real_name: string; name: string }[]>(
      'GET',
      '/_sandbox/slack/users',
    );
    const emails = users.map((u) => u.email);
    expect(emails).toEqual(
      expect.arrayContaining([
        'alex.tlm@sandbox.test',
        'priya.natarajan@sandbox.test',
        'morgan.lee@sandbox.test',
      ]),
    );
    expect(emails).not.toContain('chris@partner.example');
    const google = sandbox.core.accounts.list('google').map((a) => a.email);
    expect([...emails].sort()).toEqual([...google].sort());
    expect(users.every((u) => /^U[A-Z0-9]+$/.test(u.id) && u.name !== '' && u.real_name !== '')).toBe(true);
    expect(users.find((u) => u.email === 'alex.tlm@sandbox.test')?.real_name).toBe('Alex Rivera');

    const added = await control<{ id: string }>('POST', '/_sandbox/slack/users', {
      email: 'new.report@sandbox.test',
      realName: 'New Report',
    });
    expect(added.status).toBe(201);
    expect(added.body.id).toMatch(/^U[A-Z0-9]+$/);
    expect(
      (await control('POST', '/_sandbox/slack/users', { email: 'new.report@sandbox.test', realName: 'X' }))
        .status,
    ).toBe(409);
    expect((await control('POST', '/_sandbox/slack/users', { email: 'x@sandbox.test' })).status).toBe(400);
  });
});

describe('Slack OAuth v2 with user scopes', () => {
  it('consent page → code → oauth.v2.access → auth.test names the user who signed in', async () => {
    const { page, location } = await consent(sandbox, {
      email: 'priya.natarajan@sandbox.test',
      state: 'xyz',
    });
    expect(page).not.toMatch(/<script/i);
    expect(page).toContain('Priya Natarajan');
    expect(page).toContain('users:read.email');
    expect(`${location.origin}${location.pathname}`).toBe(SLACK_REDIRECT_URI);
    expect(location.searchParams.get('state')).toBe('xyz');
    const code = location.searchParams.get('code') ?? '';
    const access = await slackClient(sandbox).oauth.v2.access({
      client_id: SLACK_CLIENT_ID,
      client_secret: SLACK_CLIENT_SECRET,
      code,
      redirect_uri: SLACK_REDIRECT_URI,
    });
    expect(access).toMatchObject({
      ok: true,
      authed_user: { id: 'U0PRIYA', scope: 'users:read.email,im:write,chat:write', token_type: 'user' },
      team: { id: 'T0FRONTLD', name: 'Frontload Demo' },
      enterprise: null,
      is_enterprise_install: false,
    });
    expect(access.authed_user?.access_token).toMatch(/^xoxp-/);
    const who = await slackClient(sandbox, access.authed_user?.access_token).auth.test();
    expect(who).toMatchObject({ ok: true, user_id: 'U0PRIYA', team_id: 'T0FRONTLD', team: 'Frontload Demo' });

    // A code is good once.
    const again = await slackError(
      slackClient(sandbox).oauth.v2.access({
        client_id: SLACK_CLIENT_ID,
        client_secret: SLACK_CLIENT_SECRET,
        code,
      }),
    );
    expect(again.error).toBe('invalid_code');
  });

  it('Cancel sends the browser back with error=access_denied and the state', async () => {
    const { location } = await consent(sandbox, { decision: 'cancel', state: 'st-9' });
    expect(location.searchParams.get('error')).toBe('access_denied');
    expect(location.searchParams.get('state')).toBe('st-9');
    expect(location.searchParams.get('code')).toBeNull();
  });

  it('a wrong client secret is bad_client_secret; an unknown app gets an error page, not a redirect', async () => {
    const { location } = await consent(sandbox);
    const error = await slackError(
      slackClient(sandbox).oauth.v2.access({
        client_id: SLACK_CLIENT_ID,
        client_secret: 'wrong',
        code: location.searchParams.get('code') ?? '',
      }),
    );
    expect(error.error).toBe('bad_client_secret');
    const page = await fetch(
      `${sandbox.url}/slack/oauth/v2/authorize?client_id=other&user_scope=chat:write&redirect_uri=${encodeURIComponent(SLACK_REDIRECT_URI)}`,
    );
    expect(page.status).toBe(400);
    expect(await page.text()).toContain('invalid_client_id');
  });

  it('auth.revoke kills the token: every later call answers token_revoked', async () => {
    const { client } = await slackSignIn(sandbox);
    expect(await client.auth.revoke()).toMatchObject({ ok: true, revoked: true });
    expect((await slackError(client.auth.test())).error).toBe('token_revoked');
    expect(
      (await slackError(client.users.lookupByEmail({ email: 'priya.natarajan@sandbox.test' }))).error,
    ).toBe('token_revoked');
    expect((await slackError(slackClient(sandbox, 'xoxp-unknown').auth.test())).error).toBe('invalid_auth');
    expect((await slackError(slackClient(sandbox).auth.test())).error).toBe('not_authed');
  });
});

describe('Slack check-in messages', () => {
  it('lookupByEmail → conversations.open → scheduleMessage → list → deleteScheduledMessage', async () => {
    const { client } = await slackSignIn(sandbox);
    const { user } = await client.users.lookupByEmail({ email: 'priya.natarajan@sandbox.test' });
    expect(user).toMatchObject({
      id: 'U0PRIYA',
      real_name: 'Priya Natarajan',
      profile: { email: 'priya.natarajan@sandbox.test' },
    });
    const opened = await client.conversations.open({ users: user?.id ?? '' });
    const channel = opened.channel?.id ?? '';
    expect(channel).toMatch(/^D[A-Z0-9]+$/);
    expect((await client.conversations.open({ users: user?.id ?? '' })).channel?.id).toBe(channel);

    const postAt = nowSeconds() + 3600;
    const scheduled = await client.chat.scheduleMessage({
      channel,
      text: 'How is your week going?',
      post_at: postAt,
    });
    expect(scheduled).toMatchObject({ ok: true, channel, post_at: postAt });
    expect(scheduled.scheduled_message_id).toMatch(/^Q[A-Z0-9]+$/);
    const second = await client.chat.scheduleMessage({ channel, text: 'Second', post_at: postAt + 60 });

    const page1 = await client.chat.scheduledMessages.list({ channel, limit: 1 });
    expect(page1.scheduled_messages).toEqual([
      expect.objectContaining({
        id: scheduled.scheduled_message_id,
        channel_id: channel,
        post_at: postAt,
        text: 'How is your week going?',
      }),
    ]);
    const cursor = page1.response_metadata?.next_cursor ?? '';
    expect(cursor).not.toBe('');
    const page2 = await client.chat.scheduledMessages.list({ channel, limit: 1, cursor });
    expect(page2.scheduled_messages?.map((m) => m.id)).toEqual([second.scheduled_message_id]);
    expect(page2.response_metadata?.next_cursor).toBe('');

    expect(
      await client.chat.deleteScheduledMessage({
        channel,
        scheduled_message_id: second.scheduled_message_id ?? '',
      }),
    ).toMatchObject({ ok: true });
    const after = await client.chat.scheduledMessages.list({});
    expect(after.scheduled_messages?.map((m) => m.id)).toEqual([scheduled.scheduled_message_id]);
    const again = await slackError(
      client.chat.deleteScheduledMessage({
        channel,
        scheduled_message_id: second.scheduled_message_id ?? '',
      }),
    );
    expect(again.error).toBe('invalid_scheduled_message_id');

    const log = sandbox.core.log.entries({ provider: 'slack' }).map((e) => e.route);
    expect(log.filter((r) => r === 'POST /slack/api/chat.scheduleMessage')).toHaveLength(2);
    expect(log.filter((r) => r === 'POST /slack/api/chat.scheduledMessages.list')).toHaveLength(3);
    expect(
      sandbox.core.log.entries({ provider: 'slack', accountId: 'U0ALEX' }).length,
    ).toBeGreaterThanOrEqual(8);
  });

  it('a scheduled message is sent when the clock passes post_at; one deleted before it never is', async () => {
    const { client } = await slackSignIn(sandbox);
    const channel = (await client.conversations.open({ users: 'U0MARCO' })).channel?.id ?? '';
    const keep = await client.chat.scheduleMessage({
      channel,
      text: 'Check-in: anything blocking you?',
      post_at: nowSeconds() + 600,
    });
    const drop = await client.chat.scheduleMessage({
      channel,
      text: 'Cancelled check-in',
      post_at: nowSeconds() + 900,
    });
    await client.chat.deleteScheduledMessage({
      channel,
      scheduled_message_id: drop.scheduled_message_id ?? '',
    });

    const before = await control<ControlMessage[]>('GET', '/_sandbox/slack/messages');
    expect(before.body.map((m) => [m.text, m.state])).toEqual([
      ['Check-in: anything blocking you?', 'scheduled'],
      ['Cancelled check-in', 'deleted'],
    ]);
    await control('POST', '/_sandbox/clock/advance', { ms: 3600_000 });
    const { body: messages } = await control<ControlMessage[]>('GET', '/_sandbox/slack/messages');
    expect(messages).toEqual([
      expect.objectContaining({
        id: keep.scheduled_message_id,
        channel,
        from: { id: 'U0ALEX', email: 'alex.tlm@sandbox.test' },
        to: { id: 'U0MARCO', email: 'marco.rossi@sandbox.test' },
        text: 'Check-in: anything blocking you?',
        post_at: keep.post_at,
        state: 'sent',
      }),
      expect.objectContaining({ text: 'Cancelled check-in', state: 'deleted' }),
    ]);
    expect((await control<ControlMessage[]>('GET', '/_sandbox/slack/messages?state=sent')).body).toHaveLength(
      1,
    );
    // A sent message is no longer pending and can no longer be deleted.
    expect((await client.chat.scheduledMessages.list({})).scheduled_messages).toEqual([]);
    const late = await slackError(
      client.chat.deleteScheduledMessage({ channel, scheduled_message_id: keep.scheduled_message_id ?? '' }),
    );
    expect(late.error).toBe('invalid_scheduled_message_id');
  });

  it('chat.postMessage sends at once, with the arguments as JSON as well as a form', async () => {
    const { client, token } = await slackSignIn(sandbox);
    const channel = (await client.conversations.open({ users: 'U0LENA' })).channel?.id ?? '';
    const posted = await client.chat.postMessage({ channel, text: 'Form-encoded hello' });
    expect(posted).toMatchObject({
      ok: true,
      channel,
      message: { text: 'Form-encoded hello', user: 'U0ALEX' },
    });
    const json = await fetch(`${sandbox.url}/slack/api/chat.postMessage`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify({ channel, text: 'JSON hello' }),
    });
    expect(await json.json()).toMatchObject({ ok: true, channel, message: { text: 'JSON hello' } });
    const { body } = await control<ControlMessage[]>('GET', `/_sandbox/slack/messages?channel=${channel}`);
    expect(body.map((m) => [m.text, m.state, m.to?.email])).toEqual([
      ['Form-encoded hello', 'sent', 'lena.hoffmann@sandbox.test'],
      ['JSON hello', 'sent', 'lena.hoffmann@sandbox.test'],
    ]);
  });
});

describe('Slack documented errors', () => {
  it('users_not_found for an unknown email', async () => {
    const { client } = await slackSignIn(sandbox);
    expect(await slackError(client.users.lookupByEmail({ email: 'nobody@sandbox.test' }))).toEqual({
      ok: false,
      error: 'users_not_found',
      response_metadata: {},
    });
  });

  it('missing_scope names the scope needed and the scopes provided', async () => {
    const { client } = await slackSignIn(sandbox, 'alex.tlm@sandbox.test', 'im:write,chat:write');
    const error = await slackError(client.users.lookupByEmail({ email: 'priya.natarajan@sandbox.test' }));
    expect(error).toMatchObject({
      ok: false,
      error: 'missing_scope',
      needed: 'users:read.email',
      provided: 'im:write,chat:write',
    });
  });

  it('time_in_past and time_too_far (more than 120 days ahead)', async () => {
    const { client } = await slackSignIn(sandbox);
    const channel = (await client.conversations.open({ users: 'U0PRIYA' })).channel?.id ?? '';
    const past = await slackError(
      client.chat.scheduleMessage({ channel, text: 'x', post_at: nowSeconds() - 1 }),
    );
    expect(past.error).toBe('time_in_past');
    const far = await slackError(
      client.chat.scheduleMessage({ channel, text: 'x', post_at: nowSeconds() + 120 * 86400 + 1 }),
    );
    expect(far.error).toBe('time_too_far');
    const ok = await client.chat.scheduleMessage({ channel, text: 'x', post_at: nowSeconds() + 120 * 86400 });
    expect(ok.ok).toBe(true);
    const stranger = await slackError(
      client.chat.scheduleMessage({ channel: 'D0NOTMINE', text: 'x', post_at: nowSeconds() + 60 }),
    );
    expect(stranger.error).toBe('channel_not_found');
  });

  it('an injected fault answers HTTP 429 ratelimited with Retry-After, logged with its fault id', async () => {
    const { client } = await slackSignIn(sandbox);
    const channel = (await client.conversations.open({ users: 'U0PRIYA' })).channel?.id ?? '';
    const fault = await control<{ id: string }>('POST', '/_sandbox/faults', {
      route: 'POST /slack/api/chat.scheduleMessage',
      status: 429,
      retryAfterSeconds: 30,
      count: 1,
    });
    const raw = await fetch(`${sandbox.url}/slack/api/chat.scheduleMessage`, { method: 'POST' });
    expect(raw.status).toBe(429);
    expect(raw.headers.get('retry-after')).toBe('30');
    expect(await raw.json()).toEqual({ ok: false, error: 'ratelimited' });

    await control('POST', '/_sandbox/faults', {
      route: 'POST /slack/api/chat.scheduleMessage',
      status: 429,
      retryAfterSeconds: 30,
      count: 1,
    });
    const error = (await client.chat.scheduleMessage({ channel, text: 'x', post_at: nowSeconds() + 60 }).then(
      () => undefined,
      (e: unknown) => e,
    )) as WebAPIRateLimitedError | undefined;
    expect(error?.code).toBe(ErrorCode.RateLimitedError);
    expect(error?.retryAfter).toBe(30);
    // The fault is used up: the next call goes through.
    expect((await client.chat.scheduleMessage({ channel, text: 'x', post_at: nowSeconds() + 60 })).ok).toBe(
      true,
    );
    const faulted = sandbox.core.log.entries({ provider: 'slack' }).filter((e) => e.status === 429);
    expect(faulted.map((e) => e.faultId)).toContain(fault.body.id);
  });
});
