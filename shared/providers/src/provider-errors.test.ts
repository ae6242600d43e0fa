import { describe, expect, it } from 'vitest';
import { sharedJson } from './__fixtures__/fixtures.js';
import { googleError } from './google/google-errors.js';
import { graphError } from './microsoft/graph-errors.js';
import {
  ProviderError,
  isProviderError,
  kindForStatus,
  parseRetryAfter,
  providerErrorKind,
} from './provider-error.js';

const now = Date.parse('2026-11-23T09:00:00Z');

describe('Google errors map to kinds the workers act on (real error bodies)', () => {
  it.each([
    ['google-error-410-fullSyncRequired.json', 410, 'cursor_expired'],
    ['google-error-410-updatedMinTooLongAgo.json', 410, 'cursor_expired'],
    ['google-error-410-deleted.json', 410, 'not_found'],
    ['google-error-412-conditionNotMet.json', 412, 'conflict'],
    ['google-error-403-rateLimitExceeded.json', 403, 'rate_limited'],
    ['google-error-403-userRateLimitExceeded.json', 403, 'rate_limited'],
    ['google-error-429-rateLimitExceeded.json', 429, 'rate_limited'],
  ])('%s → %s', (file, status, kind) => {
    const error = googleError(status, sharedJson(file), null, now);
    expect(error.kind).toBe(kind);
    expect(error.details.status).toBe(status);
  });

  it('treats a 403 forbiddenForNonOrganizer as a permanent refusal, not a rate limit', () => {
    const body = {
      error: { code: 403, message: 'Forbidden', errors: [{ reason: 'forbiddenForNonOrganizer' }] },
    };
    expect(googleError(403, body, null, now).kind).toBe('permanent');
  });

  it('treats invalid_grant from the token endpoint as a revoked connection', () => {
    const error = googleError(
      400,
      { error: 'invalid_grant', error_description: 'Token has been expired or revoked.' },
      null,
      now,
    );
    expect(error.kind).toBe('auth_revoked');
    expect(error.retryable).toBe(false);
  });
});

describe('Microsoft errors map to kinds the workers act on', () => {
  it('429 TooManyRequests (real body) is rate_limited and honours a fractional Retry-After', () => {
    const error = graphError(429, sharedJson('graph-error-429-TooManyRequests.json'), '2.128', now);
    expect(error.kind).toBe('rate_limited');
    expect(error.retryAfterMs).toBe(2128);
  });

  it('410 SyncStateNotFound asks for a full resync', () => {
    const body = { error: { code: 'SyncStateNotFound', message: 'The sync state generation is not found.' } };
    expect(graphError(410, body, null, now).kind).toBe('cursor_expired');
  });

  it('invalid_grant with an AADSTS code is a revoked connection', () => {
    const body = {
      error: 'invalid_grant',
      error_description: 'AADSTS50173: The provided grant has expired.',
      error_codes: [50173],
    };
    expect(graphError(400, body, null, now).kind).toBe('auth_revoked');
  });

  it('Graph throttling by 509, or by 503 with Retry-After, is a rate limit that says how long to wait', () => {
    expect(graphError(509, {}, null, now).kind).toBe('rate_limited');
    const busy = graphError(503, { error: { code: 'ServiceNotAvailable' } }, '3', now);
    expect([busy.kind, busy.retryAfterMs]).toEqual(['rate_limited', 3000]);
  });

  it('a 503 is transient and retryable', () => {
    expect(graphError(503, { error: { code: 'ServiceNotAvailable' } }, null, now).retryable).toBe(true);
  });
});

describe('one taxonomy for both providers', () => {
  it('gives a bare HTTP status the same kind whichever provider answered it', () => {
    for (const status of [400, 401, 403, 404, 408, 409, 410, 412, 429, 500, 502, 503]) {
      const google = googleError(status, {}, null, now).kind;
      const microsoft = graphError(status, {}, null, now).kind;
      expect([status, google, microsoft]).toEqual([status, kindForStatus(status), kindForStatus(status)]);
    }
  });
});

describe('recognising a provider error', () => {
  it('goes by its code and kind, so an error from another copy of the module is recognised alike', () => {
    const own = new ProviderError('not_found', 'google', 'gone', { status: 404 });
    // What a ProviderError of the built package looks like to the source copy (and the reverse).
    const otherCopy = Object.assign(new Error('gone'), { code: 'FL_PROVIDER_ERROR', kind: 'cursor_expired' });
    expect([isProviderError(own), providerErrorKind(own)]).toEqual([true, 'not_found']);
    expect([isProviderError(otherCopy), providerErrorKind(otherCopy)]).toEqual([true, 'cursor_expired']);
  });

  it('refuses lookalikes: another code, an unknown kind, or no error at all', () => {
    const lookalikes = [
      Object.assign(new Error('x'), { code: 'FL_JOB_PAYLOAD_INVALID', kind: 'not_found' }),
      Object.assign(new Error('x'), { code: 'FL_PROVIDER_ERROR', kind: 'teapot' }),
      { kind: 'rate_limited' },
      'FL_PROVIDER_ERROR',
      undefined,
    ];
    expect(lookalikes.map(providerErrorKind)).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds, fractional seconds and HTTP dates; ignores garbage', () => {
    expect(parseRetryAfter('10', now)).toBe(10_000);
    expect(parseRetryAfter('2.128', now)).toBe(2128);
    expect(parseRetryAfter(new Date(now + 5000).toUTCString(), now)).toBe(5000);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
  });
});
