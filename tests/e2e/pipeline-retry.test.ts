/**
 * A plan job in autopilot that dies after storing its plan and before starting it leaves a preview
 * that nothing else would apply; the job's retry finds the same plan stored and must start it.
 */
import { repositories } from '@frontload/db';
import { waitUntil } from '@frontload/testing';
import { describe, expect, it } from 'vitest';
import { planUser } from '../../workers/planner/src/plan-user.js';
import { usePipeline } from './pipeline-harness.js';

describe('autopilot: the retry of a plan job that died after storing its plan', () => {
  const p = usePipeline('google', 'alex.tlm@sandbox.test');

  it('starts the stored plan and gets it applied, once', async () => {
    const { h, deps, userId } = p;
    const plans = repositories(h.t.db).plans;
    await h.t.db.query(`update users set mode = 'autopilot', preview_confirmed_at = now() where id = $1`, [
      userId,
    ]);
    // The job dies at its first step after the plan was stored (as a SIGKILL there would).
    const dying = {
      ...deps,
      producers: {
        ...deps.producers,
        enqueueEvaluateAlerts: () => Promise.reject(new Error('worker killed')),
      },
    };
    await expect(planUser(userId, dying)).rejects.toThrow('worker killed');
    const stored = (await plans.currentPreview(userId))!;
    expect(stored.state).toBe('preview');
    expect((await plans.operations(stored.id)).length).toBeGreaterThan(0);

    expect(await planUser(userId, deps)).toEqual({ outcome: 'unchanged', planId: stored.id });
    await waitUntil(
      async () => ['applied', 'partially_applied'].includes((await plans.byId(stored.id))!.state),
      { timeoutMs: 60_000, what: 'the stored plan to be applied' },
    );
    const ops = await plans.operations(stored.id);
    expect(ops.every((o) => o.status === 'applied')).toBe(true);
    const { rows } = await h.t.db.query<{ n: number }>(
      `select count(*)::int as n from audit where user_id = $1 and action = 'run.started'`,
      [userId],
    );
    expect(rows[0]!.n).toBe(1);
    expect((await h.jobs('notify')).map((j) => j.name)).toContain('evaluate-alerts');
  }, 120_000);
});
