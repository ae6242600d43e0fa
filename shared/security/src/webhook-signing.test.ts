import { inspect } from 'node:util';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { SecurityError } from './errors.js';
import { generateWebhookSecret, isWebhookSecret, signWebhook } from './webhook-signing.js';

const body = JSON.stringify({ type: 'overload.tripped', data: { week: '2026-W48', meetingHours: 31 } });

describe('generateWebhookSecret', () => {
  it('makes whsec_ secrets of 24–32 random bytes', () => {
    const secret = generateWebhookSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]+={0,2}$/);
    expect(Buffer.from(secret.slice(6), 'base64')).toHaveLength(32);
    expect(Buffer.from(generateWebhookSecret(24).slice(6), 'base64')).toHaveLength(24);
    expect(generateWebhookSecret()).not.toBe(secret);
    expect(isWebhookSecret(secret)).toBe(true);
    expect(() => generateWebhookSecret(16)).toThrow(RangeError);
  });

  it('recognizes malformed secrets', () => {
    expect(isWebhookSecret('whsec_short')).toBe(false);
    expect(isWebhookSecret(generateWebhookSecret().slice(6))).toBe(false);
    expect(isWebhookSecret('whsec_not base64 at all but long enough to pass ok')).toBe(false);
  });
});

describe('signWebhook', () => {
  it('produces headers that the standardwebhooks verifier accepts', () => {
    const secret = generateWebhookSecret();
    const headers = signWebhook({ secrets: [secret], messageId: 'msg_2x9', timestamp: new Date(), body });
    expect(headers['webhook-id']).toBe('msg_2x9');
    expect(headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+={0,2}$/);
    expect(new Webhook(secret).verify(body, { ...headers })).toEqual(JSON.parse(body));
  });

  it('signs with both secrets during a rotation, so either one verifies', () => {
    const [oldSecret, newSecret] = [generateWebhookSecret(), generateWebhookSecret()];
    const headers = signWebhook({
      secrets: [newSecret, oldSecret],
      messageId: 'msg_rotate',
      timestamp: new Date(),
      body,
    });
    expect(headers['webhook-signature'].split(' ')).toHaveLength(2);
    expect(new Webhook(oldSecret).verify(body, { ...headers })).toEqual(JSON.parse(body));
    expect(new Webhook(newSecret).verify(body, { ...headers })).toEqual(JSON.parse(body));
    expect(() => new Webhook(generateWebhookSecret()).verify(body, { ...headers })).toThrow(
      WebhookVerificationError,
    );
    expect(() => new Webhook(oldSecret).verify(`${body} `, { ...headers })).toThrow(WebhookVerificationError);
  });

  it('uses the injected clock and is deterministic for the same input', () => {
    const secret = generateWebhookSecret();
    const timestamp = new Date('2026-11-21T05:00:00.900Z');
    const input = { secrets: [secret, secret], messageId: 'msg_1', timestamp, body };
    const headers = signWebhook(input);
    expect(headers['webhook-timestamp']).toBe(String(Date.UTC(2026, 10, 21, 5) / 1000));
    expect(signWebhook(input)).toEqual(headers);
    // Duplicate secrets are signed once.
    expect(headers['webhook-signature'].split(' ')).toHaveLength(1);
    // Compared with the library's sign(): verify() would apply its ±5 min tolerance to this fixed date.
    expect(new Webhook(secret).sign('msg_1', timestamp, body)).toBe(headers['webhook-signature']);
  });

  it('refuses bad input with coded errors that never echo the secret', () => {
    const secret = generateWebhookSecret();
    const ok = { secrets: [secret], messageId: 'msg_1', timestamp: new Date(), body };
    const cases: [Parameters<typeof signWebhook>[0], string][] = [
      [{ ...ok, secrets: [] }, 'FL_WEBHOOK_SECRET_INVALID'],
      [{ ...ok, secrets: [secret, secret.slice(0, 20)] }, 'FL_WEBHOOK_SECRET_INVALID'],
      [{ ...ok, messageId: 'has space' }, 'FL_WEBHOOK_SIGN_FAILED'],
      [{ ...ok, messageId: '' }, 'FL_WEBHOOK_SIGN_FAILED'],
      [{ ...ok, timestamp: new Date(Number.NaN) }, 'FL_WEBHOOK_SIGN_FAILED'],
    ];
    for (const [input, code] of cases) {
      let caught: unknown;
      try {
        signWebhook(input);
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(SecurityError);
      expect((caught as SecurityError).code).toBe(code);
      expect(inspect(caught)).not.toContain(secret.slice(6, 20));
    }
  });
});
