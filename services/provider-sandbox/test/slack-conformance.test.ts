/**
 * The sandbox's Slack answers against Slack's documented samples (tests/fixtures/provider-docs/slack-*,
 * provenance in SOURCES.md): same members at every level and the same JSON types, apart from the
 * differences listed here, each explained.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES } from './conformance.js';
import { startSandbox, type Sandbox } from './helpers.js';
import { consent, SLACK_CLIENT_ID, SLACK_CLIENT_SECRET, slackSignIn } from './slack-helpers.js';

let sandbox: Sandbox;
let token: string;

const fixture = (name: string) => JSON.parse(readFileSync(join(FIXTURES, name), 'utf8')) as unknown;

/** Raw answer of a Web API method (the body Slack would send, before the client adds anything). */
async function call(method: string, params: Record<string, string> = {}): Promise<unknown> {
  const response = await fetch(`${sandbox.url}/slack/api/${method}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(params).toString(),
  });
  expect(response.status).toBe(200);
  return response.json();
}

const kind = (value: unknown) => (value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value);

/** Where two JSON values differ in members or types: `path: only in sample` and so on. */
function shapeDifferences(sample: unknown, ours: unknown, path = '$'): string[] {
  if (kind(sample) !== kind(ours)) return [`${path}: ${kind(sample)} in the sample, ${kind(ours)} here`];
  if (Array.isArray(sample) && Array.isArray(ours)) {
    return sample.length > 0 && ours.length > 0 ? shapeDifferences(sample[0], ours[0], `${path}[0]`) : [];
  }
  if (kind(sample) !== 'object') return [];
  const a = sample as Record<string, unknown>;
  const b = ours as Record<string, unknown>;
  return [
    ...Object.keys(a)
      .filter((k) => !(k in b))
      .map((k) => `${path}.${k}: only in the sample`),
    ...Object.keys(b)
      .filter((k) => !(k in a))
      .map((k) => `${path}.${k}: only here`),
    ...Object.keys(a)
      .filter((k) => k in b)
      .flatMap((k) => shapeDifferences(a[k], b[k], `${path}.${k}`)),
  ];
}

beforeAll(async () => {
  sandbox = await startSandbox({ seedDemo: true, startAtMs: Date.parse('2026-11-18T09:00:00Z') });
  token = (await slackSignIn(sandbox)).token;
});
afterAll(() => sandbox.close());

describe("Slack answers have the shape of Slack's documented samples", () => {
  it('oauth.v2.access (user token install): the same, plus team.name', async () => {
    // The raw body, as the exchange answers it (no client in between).
    const { location } = await consent(sandbox);
    const response = await fetch(`${sandbox.url}/slack/api/oauth.v2.access`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        client_id: SLACK_CLIENT_ID,
        client_secret: SLACK_CLIENT_SECRET,
        code: location.searchParams.get('code') ?? '',
      }).toString(),
    });
    // The user-token sample's team has only an id; Slack's other samples (and the contract) name it too.
    expect(shapeDifferences(fixture('slack-oauth-v2-access-user-token.json'), await response.json())).toEqual(
      ['$.team.name: only here'],
    );
  });

  it('auth.test, auth.revoke (test mode), users.lookupByEmail, conversations.open: the same', async () => {
    expect(shapeDifferences(fixture('slack-auth-test.json'), await call('auth.test'))).toEqual([]);
    expect(
      shapeDifferences(
        fixture('slack-users-lookupByEmail.json'),
        await call('users.lookupByEmail', { email: 'priya.natarajan@sandbox.test' }),
      ),
    ).toEqual([]);
    expect(
      shapeDifferences(
        fixture('slack-conversations-open.json'),
        await call('conversations.open', { users: 'U0PRIYA' }),
      ),
    ).toEqual([]);
    expect(
      shapeDifferences(fixture('slack-auth-revoke.json'), await call('auth.revoke', { test: 'true' })),
    ).toEqual([]);
  });

  it('chat.scheduleMessage and chat.scheduledMessages.list: the same, apart from documented differences', async () => {
    const channel = ((await call('conversations.open', { users: 'U0PRIYA' })) as { channel: { id: string } })
      .channel.id;
    const postAt = String(Math.floor(sandbox.core.clock.nowMs() / 1000) + 3600);
    const scheduled = await call('chat.scheduleMessage', { channel, text: 'Check-in', post_at: postAt });
    expect(shapeDifferences(fixture('slack-chat-scheduleMessage.json'), scheduled)).toEqual([
      // The sample prints post_at as a string; @slack/web-api declares it a number, as the sandbox sends it.
      '$.post_at: string in the sample, number here',
      // The sample is a bot's message; a user token's message names its user and team instead.
      '$.message.username: only in the sample',
      '$.message.bot_id: only in the sample',
      '$.message.attachments: only in the sample',
      '$.message.subtype: only in the sample',
      '$.message.user: only here',
      '$.message.team: only here',
    ]);
    expect(
      shapeDifferences(
        fixture('slack-chat-scheduledMessages-list.json'),
        await call('chat.scheduledMessages.list'),
      ),
    ).toEqual([
      // The sample's id is a number; chat.scheduleMessage's scheduled_message_id (which
      // chat.deleteScheduledMessage takes) is a string, and @slack/web-api declares this id a string.
      '$.scheduled_messages[0].id: number in the sample, string here',
    ]);
  });

  it('documented errors have the documented body', async () => {
    const channel = ((await call('conversations.open', { users: 'U0PRIYA' })) as { channel: { id: string } })
      .channel.id;
    expect(await call('users.lookupByEmail', { email: 'nobody@sandbox.test' })).toEqual(
      fixture('slack-error-users_not_found.json'),
    );
    expect(await call('chat.scheduleMessage', { channel, text: 'x', post_at: '1562180400' })).toEqual(
      fixture('slack-error-time_in_past.json'),
    );
    expect(await call('chat.deleteScheduledMessage', { channel, scheduled_message_id: 'Q0NOPE' })).toEqual(
      fixture('slack-error-invalid_scheduled_message_id.json'),
    );
  });
});
