import { describe, expect, it } from 'vitest';
import { JOBS, JOB_NAMES, jobNamesOf } from './catalogue.js';
import { JobPayloadError } from './errors.js';
import { QUEUES } from './queues.js';
import { validatePayload } from './validate.js';

describe('validatePayload', () => {
  it('returns a valid payload unchanged', () => {
    const payload = { connectionId: 'c-1', reason: 'push' };
    expect(validatePayload('sync', payload)).toBe(payload);
    expect(
      validatePayload('plan', { userId: 'u1', reason: 'sync', requestedAt: '2026-11-21T05:00:00Z' }),
    ).toBeTruthy();
    expect(validatePayload('catch-up-sweep', {})).toEqual({});
  });

  it('names every bad field in one coded error', () => {
    let error: unknown;
    try {
      validatePayload('sync', { connectionId: 'has:colon', reason: 'whim', accessToken: 'ya29.secret' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(JobPayloadError);
    const payloadError = error as JobPayloadError;
    expect(payloadError.code).toBe('FL_JOB_PAYLOAD_INVALID');
    expect(payloadError.issues.map((i) => i.field).sort()).toEqual(['accessToken', 'connectionId', 'reason']);
    expect(payloadError.message).toContain('reason must be one of initial, push, catch_up, resync');
    expect(payloadError.message).toContain('accessToken is not allowed');
    // The offending value is never echoed (it could be a token).
    expect(payloadError.message).not.toContain('ya29.secret');
  });

  it('reports missing fields and non-objects', () => {
    expect(() => validatePayload('apply', {})).toThrow(/runId is required/);
    expect(() => validatePayload('undo', 'run-1')).toThrow(/\(payload\) must be object/);
    expect(() => validatePayload('plan', { userId: 'u', reason: 'sync', requestedAt: 'yesterday' })).toThrow(
      /requestedAt must match format "date-time"/,
    );
  });
});

describe('catalogue', () => {
  it('puts every job on a known queue with retries, jittered backoff and bounded retention', () => {
    const queues = new Set<string>(Object.values(QUEUES));
    for (const name of JOB_NAMES) {
      const { queue, defaults } = JOBS[name];
      expect(queues.has(queue), name).toBe(true);
      expect(defaults.attempts).toBeGreaterThan(1);
      expect(defaults.backoff).toMatchObject({ type: 'exponential', jitter: expect.any(Number) });
      expect(defaults.removeOnComplete).toMatchObject({ age: expect.any(Number), count: expect.any(Number) });
      expect(defaults.removeOnFail).toMatchObject({ age: expect.any(Number), count: expect.any(Number) });
    }
    expect(jobNamesOf('apply')).toEqual(['apply', 'undo']);
    expect(jobNamesOf('maintenance')).toEqual(['renew-push', 'disconnect', 'catch-up-sweep']);
  });

  it('derives identities from content only, never with ":" (BullMQ refuses it in custom ids)', () => {
    expect(JOBS.sync.identity({ connectionId: 'c1', reason: 'push' })).toEqual(
      JOBS.sync.identity({ connectionId: 'c1', reason: 'initial' }),
    );
    expect(JOBS.apply.identity({ runId: 'r1' })).toEqual({ jobId: 'apply-r1' });
    expect(JOBS.undo.identity({ runId: 'r1' })).toEqual({ jobId: 'undo-r1' });
    const delivery = JOBS['deliver-webhook'].identity({ deliveryId: 'd1' });
    expect(delivery).toEqual(JOBS['deliver-webhook'].identity({ deliveryId: 'd1' }));
    expect('jobId' in delivery && delivery.jobId).toMatch(/^deliver-webhook-d1\b[^:]*$/);
  });

  it('keeps the queue names that are stored in Redis', () => {
    expect(QUEUES).toEqual({
      sync: 'sync',
      plan: 'plan',
      apply: 'apply',
      notify: 'notify',
      maintenance: 'maintenance',
    });
  });
});
