/**
 * A 1:1 series the user moves themselves after the plan was made is left alone when the plan is
 * applied (skipped with a reason, the calendar re-synced), while the rest of the plan applies.
 */
import { repositories } from '@frontload/db';
import { JobDeferredError } from '@frontload/jobs';
import { waitUntil } from '@frontload/testing';
import { describe, expect, it } from 'vitest';
import { planUser } from '../../workers/planner/src/plan-user.js';
import { usePipeline } from './pipeline-harness.js';

describe('applying a plan after the user changed one of its 1:1s', () => {
  const p = usePipeline('google', 'alex.tlm@sandbox.test');

  it('skips the changed series with a reason, applies the rest, and queues a re-sync', async () => {
    const { h, deps, userId, connectionId } = p;
    expect(await planUser(userId, deps)).toMatchObject({ outcome: 'stored' });
    const plans = repositories(h.t.db).plans;
    const plan = (await plans.currentPreview(userId))!;
    const ops = await plans.operations(plan.id);
    const series = ops.find((o) => o.kind === 'moveSeries')!;
    const seriesId = (series.desired as { seriesId: string }).seriesId;

    // The user moves that 1:1 an hour later themselves, after the plan was made.
    const connection = (await repositories(h.t.db).connections.byId(connectionId))!;
    const provider = await deps.providerFor(connection);
    const master = (await provider.getEvent(seriesId))!;
    const hour = 3_600_000;
    await provider.moveEvent({
      id: seriesId,
      start: new Date(Date.parse(master.start) + hour).toISOString(),
      end: new Date(Date.parse(master.end) + hour).toISOString(),
      zone: master.zone,
      notifyAttendees: false,
    });

    const res = await h.t.app.inject({
      method: 'POST',
      url: `/api/v1/plans/${plan.id}/apply`,
      headers: p.writes,
      payload: { confirm: true },
    });
    expect(res.statusCode, res.body).toBe(202);
    await waitUntil(
      async () => ['applied', 'partially_applied'].includes((await plans.byId(plan.id))!.state) || undefined,
      {
        timeoutMs: 60_000,
        what: 'the run to finish',
      },
    );
    const after = await plans.operations(plan.id);
    const skipped = after.find((o) => o.id === series.id)!;
    expect(skipped).toMatchObject({ status: 'skipped', error: 'the series changed after the plan was made' });
    // The rest applies, except a focus block planned into the slot that series was to vacate: the
    // series did not move, so the apply-time guard finds the slot taken and leaves it free.
    for (const op of after.filter((o) => o.id !== series.id)) {
      if (op.status === 'applied') continue;
      expect(op).toMatchObject({
        kind: 'createFocusBlock',
        status: 'skipped',
        error: expect.stringContaining('the slot is no longer free'),
      });
    }
    expect(after.filter((o) => o.status === 'applied').length).toBeGreaterThan(0);
    // The user's own change stands.
    expect((await provider.getEvent(seriesId))!.start).toBe(
      new Date(Date.parse(master.start) + hour).toISOString().replace('.000Z', 'Z'),
    );
    const syncs = await h.jobs('sync');
    expect(syncs.some((j) => (j.data as { connectionId: string }).connectionId === connectionId)).toBe(true);
  }, 180_000);

  it('a plan asked for while one of the user’s runs is being applied waits for the run, and gets the run applied if its job was lost', async () => {
    const { h, deps, userId } = p;
    const plans = repositories(h.t.db).plans;
    // The resync the previous run asked for lands first (until then a plan waits for that listing).
    await h.idle(60_000);
    await planUser(userId, deps);
    const preview = (await plans.currentPreview(userId))!;
    // As if the planner died between marking the run applying and enqueuing its apply job.
    expect(await plans.transition(preview.id, ['preview'], 'applying')).toBe(true);
    await expect(planUser(userId, deps)).rejects.toBeInstanceOf(JobDeferredError);
    await waitUntil(async () => (await plans.byId(preview.id))?.state !== 'applying', {
      timeoutMs: 60_000,
      what: 'the waiting plan to get the run applied',
    });
    expect((await plans.byId(preview.id))?.state).toMatch(/^(applied|partially_applied)$/);
    expect((await planUser(userId, deps)).outcome).not.toBe('skipped');
  }, 120_000);
});
