/**
 * Plan → apply → undo → plan → apply on the sandbox, for Google and for Microsoft. The undo deletes the
 * focus blocks the first run created; the next plan places blocks in the same slots again. Google
 * refuses the id of a deleted event (409 duplicate), so a block re-created under the old id never
 * lands: the second run must still apply every operation, each run within a stated number of
 * provider requests per operation (counted from the sandbox's request log), and the mirror must show
 * the undo's deletions at once, so a preview asked for right after it describes the real calendar.
 */
import { repositories } from '@frontload/db';
import { startWorker } from '@frontload/jobs';
import { createLogger } from '@frontload/logging';
import { waitUntil } from '@frontload/testing';
import { planProcessors } from '@frontload/worker-planner';
import { describe, expect, it } from 'vitest';
import { planUser } from '../../workers/planner/src/plan-user.js';
import { usePipeline, type Op } from './pipeline-harness.js';
import type { Provider } from './sync-harness.js';

/** The most provider requests a run may make per operation, whatever happens on the way. */
const MAX_REQUESTS_PER_OPERATION = 6;
const FINISHED = ['applied', 'partially_applied', 'stopped', 'failed'];
const logger = createLogger({ LOG_LEVEL: 'silent', LOG_PRETTY: false }, 'e2e-undo-replan');

type RunView = { id: string; state: string; operations: Op[] };

describe.each<[Provider, string]>([
  ['google', 'alex.tlm@sandbox.test'],
  ['microsoft', 'alex.tlm@contoso.sandbox.test'],
])('plan, apply, undo, plan, apply on %s', (provider, email) => {
  const p = usePipeline(provider, email);
  let firstRun: RunView;

  const run = async (id: string): Promise<RunView> =>
    (
      await p.h.t.app.inject({ method: 'GET', url: `/api/v1/runs/${id}`, headers: { cookie: p.cookie } })
    ).json();

  /** Waits for run `id` to finish; returns it and the provider requests the account saw meanwhile. */
  async function finish(id: string, logFrom: number): Promise<{ run: RunView; requests: number }> {
    const done = await waitUntil(
      async () => {
        const view = await run(id);
        return FINISHED.includes(view.state) ? view : undefined;
      },
      { timeoutMs: 90_000, what: `run ${id} to finish` },
    );
    return { run: done, requests: (await p.requests(logFrom)).length };
  }

  async function planAndApply(): Promise<{ run: RunView; requests: number }> {
    // A series moved by the last run comes back in the mirror through the resync that run queued.
    await p.h.idle(60_000);
    expect(await planUser(p.userId, p.deps)).toMatchObject({ outcome: 'stored' });
    const plan = (
      await p.h.t.app.inject({ method: 'GET', url: '/api/v1/plan', headers: { cookie: p.cookie } })
    ).json<RunView>();
    expect(plan.operations.filter((o) => o.kind === 'createFocusBlock').length).toBeGreaterThan(0);
    const logFrom = (await p.requests()).length;
    const res = await p.h.t.app.inject({
      method: 'POST',
      url: `/api/v1/plans/${plan.id}/apply`,
      headers: p.writes,
      payload: { confirm: true },
    });
    expect(res.statusCode, res.body).toBe(202);
    return finish(plan.id, logFrom);
  }

  const unapplied = (view: RunView) =>
    view.operations.filter((o) => o.status !== 'applied').map((o) => `${o.kind} ${o.status}: ${o.error}`);

  it('the first run applies every operation within the request bound', async () => {
    const { run: done, requests } = await planAndApply();
    firstRun = done;
    expect(unapplied(done)).toEqual([]);
    expect(done.state).toBe('applied');
    expect(requests).toBeLessThanOrEqual(MAX_REQUESTS_PER_OPERATION * done.operations.length);
  }, 180_000);

  it('the undo removes the blocks from the mirror at once, so the next preview places them again', async () => {
    const logFrom = (await p.requests()).length;
    const res = await p.h.t.app.inject({
      method: 'POST',
      url: `/api/v1/runs/${firstRun.id}/undo`,
      headers: p.writes,
    });
    expect(res.statusCode, res.body).toBe(202);
    const undo = await waitUntil(
      async () => {
        const { rows } = await p.h.t.db.query<{ id: string; state: string }>(
          "select id, state from plans where undo_of = $1 and kind = 'undo'",
          [firstRun.id],
        );
        return rows[0] && FINISHED.includes(rows[0].state) ? rows[0] : undefined;
      },
      { timeoutMs: 90_000, what: 'the undo to finish' },
    );
    const { run: undone, requests } = await finish(undo.id, logFrom);
    expect(unapplied(undone)).toEqual([]);
    expect(requests).toBeLessThanOrEqual(MAX_REQUESTS_PER_OPERATION * undone.operations.length);
    // No resync in between: the mirror as the undo's own writes left it.
    const mirror = await repositories(p.h.t.db).mirror.eventsInWindow(
      p.connectionId,
      new Date(0),
      new Date(Date.now() + 60 * 86_400_000),
    );
    expect(mirror.filter((e) => e.tag?.kind === 'focusBlock' && e.status !== 'cancelled')).toEqual([]);
  }, 180_000);

  it('the plan after the undo applies every operation, within the request bound, with no block reusing a deleted id', async () => {
    const { run: done, requests } = await planAndApply();
    expect(unapplied(done)).toEqual([]);
    expect(done.state).toBe('applied');
    expect(requests).toBeLessThanOrEqual(MAX_REQUESTS_PER_OPERATION * done.operations.length);
    const deleted = new Set(
      firstRun.operations.filter((o) => o.kind === 'createFocusBlock').map((o) => o.eventId),
    );
    const calendar = await p.calendar();
    const blocks = calendar.filter((e) => e.tag?.kind === 'focusBlock');
    expect(blocks.length).toBe(done.operations.filter((o) => o.kind === 'createFocusBlock').length);
    for (const block of blocks) expect(deleted.has(block.id)).toBe(false);
  }, 180_000);
});

describe('a run the provider will not let progress, on google', () => {
  const p = usePipeline('google', 'alex.tlm@sandbox.test');

  it('ends failed with its reason, each refused create tried under two ids once, within the request bound', async () => {
    expect(await planUser(p.userId, p.deps)).toMatchObject({ outcome: 'stored' });
    const plan = (
      await p.h.t.app.inject({ method: 'GET', url: '/api/v1/plan', headers: { cookie: p.cookie } })
    ).json<RunView>();
    const creates = plan.operations.filter((o) => o.kind === 'createFocusBlock');
    expect(creates.length).toBeGreaterThanOrEqual(3);
    // Every insert is refused as a duplicate id, as Google does for ids of deleted events.
    const refuse = await p.h.sandbox.control<{ id: string }>('POST', '/faults', {
      provider: 'google',
      route: 'POST /calendar/v3/calendars/:calendarId/events',
      accountId: p.accountId,
      status: 409,
    });
    const logFrom = (await p.requests()).length;
    const res = await p.h.t.app.inject({
      method: 'POST',
      url: `/api/v1/plans/${plan.id}/apply`,
      headers: p.writes,
      payload: { confirm: true },
    });
    expect(res.statusCode, res.body).toBe(202);
    const done = await waitUntil(
      async () => {
        const view = (
          await p.h.t.app.inject({
            method: 'GET',
            url: `/api/v1/runs/${plan.id}`,
            headers: { cookie: p.cookie },
          })
        ).json<RunView & { failureReason: string | null }>();
        return view.state === 'applying' ? undefined : view;
      },
      { timeoutMs: 60_000, what: 'the run to end' },
    );
    await p.h.sandbox.control('DELETE', `/faults/${refuse.id}`);
    expect(done.state).toBe('failed');
    expect(done.failureReason).toMatch(/\d+ of \d+ operations failed, so the run stopped/);
    const failed = done.operations.filter((o) => o.status === 'failed');
    expect(failed.length).toBeGreaterThan(0);
    for (const op of failed) expect(op.error).toContain(`${op.eventId} or ${op.eventId}n`);
    // Nothing is left without an outcome: what the run did not get to says why.
    for (const op of done.operations.filter((o) => !['applied', 'failed'].includes(o.status)))
      expect(op).toMatchObject({ status: 'skipped', error: expect.stringContaining('not tried') });
    const inserts = (await p.requests(logFrom)).filter(
      (e) => (e as { route?: string }).route === 'POST /calendar/v3/calendars/:calendarId/events',
    );
    expect(inserts.length).toBe(2 * failed.length);
    expect((await p.requests(logFrom)).length).toBeLessThanOrEqual(
      MAX_REQUESTS_PER_OPERATION * done.operations.length,
    );
  }, 180_000);
});

describe('after an undo in autopilot, with the plan worker running, on google', () => {
  let stopPlanner: () => Promise<void>;
  const p = usePipeline('google', 'alex.tlm@sandbox.test', {
    ready: async (pipeline) => {
      const planner = startWorker({
        queue: 'plan',
        processors: planProcessors(pipeline.deps),
        connectionUrl: 'redis://127.0.0.1:6379',
        prefix: pipeline.h.t.prefix,
        concurrency: 1,
        logger,
      });
      stopPlanner = () => planner.close();
      await pipeline.h.t.db.query(
        `update users set mode = 'autopilot', preview_confirmed_at = now() where id = $1`,
        [pipeline.userId],
      );
    },
    beforeClose: async () => {
      await stopPlanner?.();
    },
  });

  const runsOf = async (kind: 'plan' | 'undo') =>
    (
      await p.h.t.db.query<{ id: string; state: string }>(
        'select id, state from plans where user_id = $1 and kind = $2 order by created_at',
        [p.userId, kind],
      )
    ).rows.filter((r) => kind === 'undo' || !['preview', 'confirm_required', 'superseded'].includes(r.state));

  it('the next plan is applied in full and the calendar settles, with no run looping on the provider', async () => {
    await p.h.t.app.inject({ method: 'POST', url: '/api/v1/plan', headers: p.writes });
    const first = await waitUntil(
      async () => (await runsOf('plan')).find((r) => FINISHED.includes(r.state)),
      { timeoutMs: 90_000, what: 'the autopilot run' },
    );
    expect(first.state).toBe('applied');
    await p.h.t.app.inject({ method: 'POST', url: `/api/v1/runs/${first.id}/undo`, headers: p.writes });
    await waitUntil(async () => (await runsOf('undo')).find((r) => FINISHED.includes(r.state)), {
      timeoutMs: 90_000,
      what: 'the undo',
    });
    // The undo's writes come back through the sync, which plans again; autopilot applies that plan.
    await p.h.t.app.inject({ method: 'POST', url: '/api/v1/plan', headers: p.writes });
    const second = await waitUntil(
      async () => (await runsOf('plan')).find((r) => r.id !== first.id && FINISHED.includes(r.state)),
      { timeoutMs: 90_000, what: 'the autopilot run after the undo' },
    );
    const ops = await repositories(p.h.t.db).plans.operations(second.id);
    expect(ops.filter((o) => o.status !== 'applied').map((o) => `${o.kind} ${o.status}: ${o.error}`)).toEqual(
      [],
    );
    expect(second.state).toBe('applied');
    // Quiet: nothing left to do, so neither new runs nor a stream of provider requests.
    await p.h.idle(60_000);
    const from = (await p.requests()).length;
    const runs = (await runsOf('plan')).length;
    await new Promise((r) => setTimeout(r, 8_000));
    await p.h.idle(60_000);
    expect((await p.requests(from)).length).toBeLessThanOrEqual(10);
    expect((await runsOf('plan')).length).toBe(runs);
    expect((await runsOf('plan')).filter((r) => r.state === 'applying')).toEqual([]);
  }, 300_000);
});
