import { DEFAULT_PREFERENCES } from '@frontload/domain';
import { repositories } from '@frontload/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../../test/test-app.js';

describe('plans API: applying and undoing is bounded, scoped and idempotent', () => {
  let t: TestApp;
  let alice: { userId: string; cookie: string; headers: Record<string, string> };
  let bob: { userId: string; cookie: string; headers: Record<string, string> };
  let connectionId: string;

  const storePlan = async (userId: string, operations = 3) =>
    repositories(t.db).plans.create({
      userId,
      inputsHash: `h${Math.random()}`,
      horizon: { start: new Date(), end: new Date(Date.now() + 14 * 86_400_000) },
      notes: [],
      metrics: { weeks: [] },
      state: 'preview',
      operations: Array.from({ length: operations }, (_, i) => ({
        kind: 'createFocusBlock',
        connectionId,
        targetEventId: `fl${i}`,
        desired: { kind: 'createFocusBlock', key: `k${i}`, eventId: `fl${i}` },
        reason: `focus block ${i}`,
        emails: [],
        key: `k${i}`,
      })),
    });
  const apply = (who: typeof alice, planId: string, payload: object = {}) =>
    t.app.inject({ method: 'POST', url: `/api/v1/plans/${planId}/apply`, headers: who.headers, payload });
  const state = async (planId: string) => (await repositories(t.db).plans.byId(planId))?.state;

  beforeAll(async () => {
    t = await buildTestApp();
    alice = await t.signIn('alice@example.com');
    bob = await t.signIn('bob@example.com');
    const { row } = await repositories(t.db).connections.upsert({
      userId: alice.userId,
      provider: 'google',
      accountSubject: 'a',
      accountEmail: 'alice@example.com',
      sealedTokens: 'sealed',
      scopes: [],
    });
    connectionId = row.id;
    await t.db.query('insert into preferences (user_id, data) values ($1, $2::jsonb)', [
      alice.userId,
      JSON.stringify({ ...DEFAULT_PREFERENCES, blastRadius: 2 }),
    ]);
  });
  afterAll(() => t.close());

  it('a run over the blast-radius limit stops and asks for confirmation, changing nothing', async () => {
    const plan = await storePlan(alice.userId, 3);
    const res = await apply(alice, plan.id);
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ code: 'FL_CONFIRMATION_REQUIRED' });
    expect(await state(plan.id)).toBe('preview');
    const confirmed = await apply(alice, plan.id, { confirm: true });
    expect(confirmed.statusCode).toBe(202);
    expect(await state(plan.id)).toBe('applying');
  });

  it('applying chosen operations marks the others skipped; operations from elsewhere are refused', async () => {
    const plan = await storePlan(alice.userId, 3);
    const ops = await repositories(t.db).plans.operations(plan.id);
    const foreign = await apply(alice, plan.id, {
      operationIds: [ops[0]!.id, '00000000-0000-4000-8000-000000000000'],
    });
    expect(foreign.statusCode).toBe(400);
    expect(foreign.json()).toMatchObject({ code: 'FL_OPERATION_NOT_IN_PLAN' });
    expect(await state(plan.id)).toBe('preview');
    const chosen = await apply(alice, plan.id, { operationIds: [ops[0]!.id] });
    expect(chosen.statusCode).toBe(202);
    const after = await repositories(t.db).plans.operations(plan.id);
    expect(after.map((o) => o.status)).toEqual(['planned', 'skipped', 'skipped']);
  });

  it('applying twice, or a plan a newer one replaced, answers 409 with a stable code', async () => {
    const old = await storePlan(alice.userId, 1);
    await storePlan(alice.userId, 1); // supersedes `old`
    expect((await apply(alice, old.id)).json()).toMatchObject({ code: 'FL_PLAN_STALE' });
    const current = await storePlan(alice.userId, 1);
    expect((await apply(alice, current.id)).statusCode).toBe(202);
    expect((await apply(alice, current.id)).json()).toMatchObject({ code: 'FL_PLAN_ALREADY_APPLIED' });
  });

  it('another user can neither read, apply nor undo a run', async () => {
    const plan = await storePlan(alice.userId, 1);
    expect((await apply(bob, plan.id)).statusCode).toBe(404);
    const read = await t.app.inject({
      method: 'GET',
      url: `/api/v1/runs/${plan.id}`,
      headers: { cookie: bob.cookie },
    });
    expect(read.statusCode).toBe(404);
    const undo = await t.app.inject({
      method: 'POST',
      url: `/api/v1/runs/${plan.id}/undo`,
      headers: bob.headers,
    });
    expect(undo.statusCode).toBe(404);
    expect(await state(plan.id)).toBe('preview');
  });

  it('lists each run with how many of its operations are applied and not undone', async () => {
    const plans = repositories(t.db).plans;
    const run = await storePlan(alice.userId, 3);
    await plans.transition(run.id, ['preview'], 'applying');
    const [first, second, third] = await plans.operations(run.id);
    await plans.updateOperation(first!.id, { status: 'applied' });
    await plans.updateOperation(second!.id, { status: 'applied' });
    await plans.updateOperation(third!.id, { status: 'failed', error: 'refused' });
    await plans.transition(run.id, ['applying'], 'partially_applied');
    const nothing = await storePlan(alice.userId, 1);
    await plans.transition(nothing.id, ['preview'], 'applying');
    await plans.fail(nothing.id, 'the calendar could not be reached');
    const runs = async () =>
      (await t.app.inject({ method: 'GET', url: '/api/v1/runs', headers: alice.headers })).json<{
        runs: { id: string; appliedOperations: number }[];
      }>().runs;
    expect((await runs()).find((r) => r.id === run.id)?.appliedOperations).toBe(2);
    expect((await runs()).find((r) => r.id === nothing.id)?.appliedOperations).toBe(0);
    // An undo marks what it took back as reverted: nothing is left for a second undo.
    await plans.updateOperation(first!.id, { status: 'reverted' });
    await plans.updateOperation(second!.id, { status: 'reverted' });
    expect((await runs()).find((r) => r.id === run.id)?.appliedOperations).toBe(0);
  });

  it('only a finished run can be undone, and only once', async () => {
    const plan = await storePlan(alice.userId, 1);
    const early = await t.app.inject({
      method: 'POST',
      url: `/api/v1/runs/${plan.id}/undo`,
      headers: alice.headers,
    });
    expect(early.statusCode).toBe(409);
    await repositories(t.db).plans.transition(plan.id, ['preview'], 'applied');
    const first = await t.app.inject({
      method: 'POST',
      url: `/api/v1/runs/${plan.id}/undo`,
      headers: alice.headers,
    });
    expect(first.statusCode).toBe(202);
    await repositories(t.db).plans.create({
      userId: alice.userId,
      kind: 'undo',
      undoOf: plan.id,
      inputsHash: 'u',
      horizon: { start: new Date(), end: new Date() },
      notes: [],
      metrics: {},
      state: 'applying',
      operations: [],
    });
    const twice = await t.app.inject({
      method: 'POST',
      url: `/api/v1/runs/${plan.id}/undo`,
      headers: alice.headers,
    });
    expect(twice.json()).toMatchObject({ code: 'FL_ALREADY_UNDONE' });
  });
});
