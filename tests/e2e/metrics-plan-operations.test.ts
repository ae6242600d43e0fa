/**
 * The planner's operation counter against a real pipeline: a stored plan counts its operations as
 * `planned`, and the run that applies them counts each by its ledger outcome.
 */
import { repositories } from '@frontload/db';
import { processMetrics, sampleValue } from '@frontload/metrics';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planUser } from '../../workers/planner/src/plan-user.js';
import { startPipeline, type PipelineHarness } from './pipeline-harness.js';

describe('plan operation metrics', () => {
  let p: PipelineHarness;

  beforeAll(async () => {
    p = await startPipeline('google', 'alex.tlm@sandbox.test');
  }, 180_000);
  afterAll(async () => {
    await p?.close();
  });

  const counted = (text: string, kind: string, stage: string) =>
    sampleValue(text, 'frontload_plan_operations_total', { kind, stage }) ?? 0;

  it('counts operations by kind as planned, then as applied, skipped or failed', async () => {
    const { h, deps, userId } = p;
    const plans = repositories(h.t.db).plans;
    const before = await processMetrics().registry.metrics();
    const delta = async (kind: string, stage: string) =>
      counted(await processMetrics().registry.metrics(), kind, stage) - counted(before, kind, stage);

    expect(await planUser(userId, deps)).toMatchObject({ outcome: 'stored' });
    const plan = (await plans.currentPreview(userId))!;
    const ops = await plans.operations(plan.id);
    expect(ops.length).toBeGreaterThan(0);
    for (const kind of new Set(ops.map((o) => o.kind))) {
      expect(await delta(kind, 'planned'), kind).toBe(ops.filter((o) => o.kind === kind).length);
    }

    const res = await h.t.app.inject({
      method: 'POST',
      url: `/api/v1/plans/${plan.id}/apply`,
      headers: p.writes,
      payload: { confirm: true },
    });
    expect(res.statusCode, res.body).toBe(202);
    await p.finished('plan');
    const outcomes = await plans.operations(plan.id);
    for (const kind of new Set(ops.map((o) => o.kind))) {
      for (const stage of ['applied', 'skipped', 'failed']) {
        const expected = outcomes.filter((o) => o.kind === kind && o.status === stage).length;
        expect(await delta(kind, stage), `${kind} ${stage}`).toBe(expected);
      }
    }
  }, 180_000);
});
