import { describe, expect, it } from 'vitest';
import { googleEventId } from './google-event-id.js';
import { parseGoogleNotification } from './parse-google-notification.js';

/** Headers as Google sends them (G-PUSH), in Node's lower-cased IncomingHttpHeaders form. */
const headers = {
  'x-goog-channel-id': 'chan-1',
  'x-goog-message-number': '18771',
  'x-goog-resource-id': 'ret08u3rv24htgh289g',
  'x-goog-resource-state': 'exists',
  'x-goog-resource-uri': 'https://www.googleapis.com/calendar/v3/calendars/primary/events?alt=json',
  'x-goog-channel-token': 's3cret',
  'x-goog-channel-expiration': 'Tue, 19 Nov 2026 01:13:52 GMT',
};

describe('parseGoogleNotification', () => {
  it('reads a well-formed exists message', () => {
    expect(parseGoogleNotification(headers)).toEqual({
      ok: true,
      notification: {
        channelId: 'chan-1',
        resourceId: 'ret08u3rv24htgh289g',
        resourceState: 'exists',
        messageNumber: 18771,
        token: 's3cret',
        expiresAt: Date.parse('Tue, 19 Nov 2026 01:13:52 GMT'),
      },
    });
  });

  it('reads Fetch Headers case-insensitively, and a sync message without token', () => {
    const h = new Headers({
      'X-Goog-Channel-ID': 'c',
      'X-Goog-Resource-ID': 'r',
      'X-Goog-Resource-State': 'sync',
      'X-Goog-Message-Number': '1',
    });
    expect(parseGoogleNotification(h)).toEqual({
      ok: true,
      notification: { channelId: 'c', resourceId: 'r', resourceState: 'sync', messageNumber: 1 },
    });
  });

  it.each([
    ['x-goog-channel-id', undefined, 'missing X-Goog-Channel-ID'],
    ['x-goog-resource-id', undefined, 'missing X-Goog-Resource-ID'],
    ['x-goog-resource-state', 'add', 'invalid X-Goog-Resource-State'],
    ['x-goog-message-number', 'one', 'invalid X-Goog-Message-Number'],
    ['x-goog-channel-token', 'x'.repeat(257), 'X-Goog-Channel-Token too long'],
  ])('refuses %s = %s', (name, value, reason) => {
    expect(parseGoogleNotification({ ...headers, [name]: value })).toEqual({ ok: false, reason });
  });

  it('refuses a repeated channel header', () => {
    expect(parseGoogleNotification({ ...headers, 'x-goog-channel-id': ['a', 'b'] }).ok).toBe(false);
  });
});

describe('googleEventId', () => {
  it('keeps a valid base32hex id and hashes anything else deterministically', () => {
    expect(googleEventId('focusblock2026k48')).toBe('focusblock2026k48');
    const derived = googleEventId('user-1:focus:2026-W48:thu');
    expect(derived).toMatch(/^[a-v0-9]{52}$/);
    expect(googleEventId('user-1:focus:2026-W48:thu')).toBe(derived);
    expect(googleEventId('user-1:focus:2026-W48:fri')).not.toBe(derived);
    expect(googleEventId('abcd')).toMatch(/^[a-v0-9]{52}$/); // too short to be an id
  });
});
