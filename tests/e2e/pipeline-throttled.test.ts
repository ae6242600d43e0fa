/**
 * Throttling in the middle of applying a plan: the sandbox answers a seeded share of the account's
 * requests with 429 and a Retry-After while the ledger writes. Each rate limit must travel up to the
 * apply job, which is deferred (no attempt spent) and resumes through the ledger: no operation is
 * recorded as failed, the connection stays healthy, and the calendar ends as without throttling.
 */
import { repositories } from '@frontload/db';
import { Queue } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { planUser } from '../../workers/planner/src/plan-user.js';
import { usePipeline, type Op } from './pipeline-harness.js';

describe('applying a plan while Graph throttles the mailbox', () => {
  const p = usePipeline('microsoft', 'alex.tlm@contoso.sandbox.test');

  it('a rate limit mid-apply defers the job; every operation is applied, none failed', async () => {
    expect(await planUser(p.userId, p.deps)).toMatchObject({ outcome: 'stored' });
    const plan = (
      await p.h.t.app.inject({ method: 'GET', url: '/api/v1/plan', headers: { cookie: p.cookie } })
    ).json<{ id: string; operations: Op[] }>();
    expect(plan.operations.length).toBeGreaterThan(3);
    const storm = await p.h.sandbox.control<{ id: string }>('POST', '/faults', {
      provider: 'microsoft',
      route: '*',
      accountId: p.accountId,
      status: 429,
      rate: 0.3,
      retryAfterSeconds: 1,
    });
    const res = await p.h.t.app.inject({
      method: 'POST',
      url: `/api/v1/plans/${plan.id}/apply`,
      headers: p.writes,
      payload: { confirm: true },
    });
    expect(res.statusCode, res.body).toBe(202);
    const run = await p.finished('plan');
    await p.h.sandbox.control('DELETE', `/faults/${storm.id}`);

    const throttled = (
      await p.h.sandbox.control<{ faultId?: string }[]>('GET', `/requests?accountId=${p.accountId}`)
    ).filter((e) => e.faultId === storm.id);
    expect(throttled.length).toBeGreaterThan(0);
    expect(run.state).toBe('applied');
    const operations = await repositories(p.h.t.db).plans.operations(run.id);
    expect(operations.filter((o) => o.status === 'failed')).toEqual([]);
    expect(operations.every((o) => o.status === 'applied' || o.status === 'skipped')).toBe(true);
    expect((await repositories(p.h.t.db).connections.byId(p.connectionId))?.status).toBe('healthy');
    const queue = new Queue('apply', { connection: p.h.redis, prefix: p.h.t.prefix });
    try {
      const job = (await queue.getJobs(['completed', 'failed'])).find((j) => j.data.runId === run.id);
      expect(await job?.getState()).toBe('completed');
      // Deferred, never failed: the one attempt that counts is the one that finished.
      expect(job?.attemptsMade).toBe(1);
      expect(job?.attemptsStarted).toBeGreaterThan(1);
    } finally {
      await queue.close();
    }
  }, 180_000);
});
