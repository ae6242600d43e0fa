/**
 * Autopilot as the switch promises: once it is switched on, the next plan is applied without a
 * preview having been applied by hand first, and the run is recorded and can be undone like any other.
 */
import { repositories } from '@frontload/db';
import { describe, expect, it } from 'vitest';
import { planUser } from '../../workers/planner/src/plan-user.js';
import { usePipeline } from './pipeline-harness.js';

describe('autopilot', () => {
  const p = usePipeline('google', 'alex.tlm@sandbox.test');

  it('applies the next plan once switched on, with no preview ever applied by hand, and the run can be undone', async () => {
    const { h, deps, userId, cookie, writes } = p;
    const switched = await h.t.app.inject({
      method: 'PATCH',
      url: '/api/v1/mode',
      headers: writes,
      payload: { mode: 'autopilot' },
    });
    expect(switched.statusCode).toBe(200);
    expect((await repositories(h.t.db).users.byId(userId))?.preview_confirmed_at).toBeNull();

    const outcome = await planUser(userId, deps);
    expect(outcome).toMatchObject({ outcome: 'stored', autopilot: true });
    const run = await p.finished('plan');
    expect(run.state).toBe('applied');
    const plans = repositories(h.t.db).plans;
    const ops = await plans.operations(run.id);
    expect(ops.length).toBeGreaterThan(0);
    expect(ops.every((o) => o.status === 'applied')).toBe(true);

    const undo = await h.t.app.inject({
      method: 'POST',
      url: `/api/v1/runs/${run.id}/undo`,
      headers: writes,
    });
    expect(undo.statusCode).toBeLessThan(300);
    expect((await p.finished('undo')).state).toBe('applied');
    const runs = (await h.t.app.inject({ method: 'GET', url: '/api/v1/runs', headers: { cookie } })).json<{
      runs: { id: string; kind: string }[];
    }>().runs;
    expect(runs.map((r) => r.kind).sort()).toEqual(['plan', 'undo']);
  }, 180_000);
});
