/**
 * "Never fight the person", end to end on the sandbox for Google and for Microsoft, with the real plan
 * worker (settings changes queue plans it runs), the ledger and the real adapters:
 *  - a focus block the user deleted after Frontload created it is never re-created that week;
 *  - a 1:1 series Frontload moved and the user moved back is never moved again, and its counterpart
 *    gets no new email; handed back ("let Frontload manage this 1:1 again"), Frontload may move it again;
 *  - marking a person protected replans at once: the new preview no longer cancels their 1:1, and the
 *    old preview, applied anyway, answers 409 and cancels nothing.
 */
import { repositories } from '@frontload/db';
import type { CalendarEvent } from '@frontload/domain';
import { startWorker, type RunningWorker } from '@frontload/jobs';
import { createLogger } from '@frontload/logging';
import type { CalendarProvider } from '@frontload/providers';
import { waitUntil } from '@frontload/testing';
import { planProcessors } from '@frontload/worker-planner';
import { Temporal } from 'temporal-polyfill';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planUser } from '../../workers/planner/src/plan-user.js';
import {
  moveSeriesAsUser,
  startPipeline,
  type Op,
  type PipelineHarness,
  type Plan,
} from './pipeline-harness.js';
import type { Provider } from './sync-harness.js';

const ZONE = 'Europe/Berlin';
const logger = createLogger({ LOG_LEVEL: 'silent', LOG_PRETTY: false }, 'e2e');

type SeriesOp = Op & {
  desired: Op['desired'] & {
    seriesId: string;
    before: { start: string; end: string };
    after: { start: string; end: string };
    counterpart: string;
    zone: string;
  };
};
type Slot = { start: string; end: string };
const overlaps = (a: Slot, b: Slot) =>
  Date.parse(a.start) < Date.parse(b.end) && Date.parse(b.start) < Date.parse(a.end);

describe.each<[Provider, string]>([
  ['google', 'alex.tlm@sandbox.test'],
  ['microsoft', 'alex.tlm@contoso.sandbox.test'],
])('the user’s own edits win on %s', (provider, email) => {
  let p: PipelineHarness;
  let planWorker: RunningWorker<'plan'>;
  let userCalendar: CalendarProvider;
  /** The series Frontload moved in the applied run, and the block the user deletes. */
  let moved: SeriesOp;
  let deletedBlock: Slot;

  const api = () => p.h.t.app;
  const currentPlan = async (): Promise<Plan | undefined> => {
    const res = await api().inject({ method: 'GET', url: '/api/v1/plan', headers: { cookie: p.cookie } });
    return res.statusCode === 200 ? res.json<Plan>() : undefined;
  };
  const applyPlan = (planId: string) =>
    api().inject({
      method: 'POST',
      url: `/api/v1/plans/${planId}/apply`,
      headers: p.writes,
      payload: { confirm: true, confirmIrreversible: true },
    });
  /** Plans now, and answers the preview (none when nothing is left to do). */
  const planNow = async (): Promise<Plan | undefined> => {
    await planUser(p.userId, p.deps);
    return currentPlan();
  };
  /** Applies a plan and waits until its run finished. */
  const applyAndWait = async (plan: Plan) => {
    const res = await applyPlan(plan.id);
    expect(res.statusCode, res.body).toBe(202);
    await waitUntil(
      async () =>
        ['applied', 'partially_applied', 'stopped'].includes(
          (await repositories(p.h.t.db).plans.byId(plan.id))!.state,
        ) || undefined,
      { timeoutMs: 90_000, what: 'the run to finish' },
    );
  };
  const movesOf = (plan: Plan | undefined, seriesId: string) =>
    (plan?.operations ?? []).filter(
      (o) => (o.kind === 'moveSeries' || o.kind === 'moveOccurrence') && o.desired.seriesId === seriesId,
    );

  beforeAll(async () => {
    p = await startPipeline(provider, email);
    planWorker = startWorker({
      queue: 'plan',
      processors: planProcessors(p.deps),
      connectionUrl: 'redis://127.0.0.1:6379',
      prefix: p.h.t.prefix,
      concurrency: 1,
      logger,
      drainDelaySeconds: 1,
    });
    const connection = (await repositories(p.h.t.db).connections.byId(p.connectionId))!;
    userCalendar = await p.deps.providerFor(connection);
  }, 180_000);
  afterAll(async () => {
    await planWorker?.close();
    await p?.close();
  });

  it('a focus block the user deleted after Frontload created it is not re-created that week, nor another block put on its slot', async () => {
    const plan = (await planNow())!;
    expect(plan.operations.some((o) => o.kind === 'moveSeries')).toBe(true);
    await applyAndWait(plan);
    const applied = (await repositories(p.h.t.db).plans.operations(plan.id)).find(
      (o) => o.kind === 'moveSeries' && o.status === 'applied',
    );
    expect(applied).toBeDefined();
    moved = plan.operations.find((o) => o.id === applied!.id) as SeriesOp;
    const ours = (await p.calendar()).filter(
      (e: CalendarEvent) => e.tag?.kind === 'focusBlock' && Date.parse(e.start) > Date.now(),
    );
    expect(ours.length).toBeGreaterThan(0);
    const block = ours[0]!;
    deletedBlock = { start: block.start, end: block.end };
    await userCalendar.deleteEvent({ id: block.id });
    await p.calendar();

    for (let round = 0; round < 2; round++) {
      const next = await planNow();
      const creates = (next?.operations ?? []).filter(
        (o) => o.kind === 'createFocusBlock' || o.kind === 'updateFocusBlock',
      );
      for (const op of creates)
        expect(overlaps(op.desired.after as unknown as Slot, deletedBlock)).toBe(false);
      if (next && next.operations.length > 0) await applyAndWait(next);
      const blocks = (await p.calendar()).filter((e) => e.tag?.kind === 'focusBlock');
      expect(blocks.filter((b) => overlaps(b, deletedBlock))).toEqual([]);
    }
  }, 360_000);

  it('a 1:1 series Frontload moved and the user moved back is never moved again, and nobody gets another email', async () => {
    const { seriesId, before, after, counterpart } = moved.desired;
    await moveSeriesAsUser(userCalendar, seriesId, after, before, ZONE);
    await p.calendar();
    const logFrom = (await p.requests()).length;

    for (let round = 0; round < 2; round++) {
      const next = await planNow();
      expect(movesOf(next, seriesId).map((o) => o.reason)).toEqual([]);
      if (next && next.operations.length > 0) await applyAndWait(next);
      await p.calendar();
    }
    const emails = (await p.requests(logFrom)).flatMap((e) => e.emailsSent ?? []);
    expect(emails.filter((m) => m.to.toLowerCase() === counterpart.toLowerCase())).toEqual([]);
    const now = (await userCalendar.getEvent(seriesId))!;
    expect(Temporal.Instant.from(now.start).toZonedDateTimeISO(ZONE).toPlainTime()).toEqual(
      Temporal.Instant.from(before.start).toZonedDateTimeISO(ZONE).toPlainTime(),
    );
    const { overrides } = (
      await api().inject({ method: 'GET', url: '/api/v1/overrides', headers: { cookie: p.cookie } })
    ).json<{ overrides: { id: string; counterpart: string }[] }>();
    expect(overrides.map((o) => o.counterpart)).toEqual([counterpart.toLowerCase()]);
  }, 360_000);

  it('handed back with “let Frontload manage this 1:1 again”, the series may be moved again', async () => {
    const { overrides } = (
      await api().inject({ method: 'GET', url: '/api/v1/overrides', headers: { cookie: p.cookie } })
    ).json<{ overrides: { id: string }[] }>();
    const res = await api().inject({
      method: 'DELETE',
      url: `/api/v1/overrides/${overrides[0]!.id}`,
      headers: p.writes,
    });
    expect(res.statusCode, res.body).toBe(200);
    const next = await planNow();
    expect(movesOf(next, moved.desired.seriesId).length).toBeGreaterThan(0);
  }, 180_000);

  it('marking a person protected replans: the new preview keeps their 1:1, and the old preview answers 409 FL_PLAN_STALE and cancels nothing', async () => {
    // A user who already runs skip weeks: next week (the demo week) is the one due.
    const prefs = (
      await api().inject({ method: 'GET', url: '/api/v1/preferences', headers: { cookie: p.cookie } })
    ).json<{ skipWeeks: Record<string, unknown> }>();
    const today = Temporal.Now.zonedDateTimeISO(ZONE).toPlainDate();
    const monday = today.subtract({ days: today.dayOfWeek - 1 });
    const saved = await api().inject({
      method: 'PUT',
      url: '/api/v1/preferences',
      headers: p.writes,
      payload: {
        ...prefs,
        skipWeeks: { ...prefs.skipWeeks, lastSkipWeek: monday.subtract({ weeks: 5 }).toString() },
      },
    });
    expect(saved.statusCode, saved.body).toBe(200);
    // Saving the preferences queued a plan, which the plan worker makes: it cancels 1:1 occurrences.
    const old = await waitUntil(
      async () => {
        const plan = await currentPlan();
        return plan?.operations.some((o) => o.kind === 'cancelOccurrence') ? plan : undefined;
      },
      { timeoutMs: 90_000, what: 'a preview with the skip week' },
    );
    const person = old.operations.find((o) => o.kind === 'cancelOccurrence')!.emails[0]!;

    const marked = await api().inject({
      method: 'PATCH',
      url: `/api/v1/people/${person}`,
      headers: p.writes,
      payload: { protected: true },
    });
    expect(marked.statusCode, marked.body).toBe(200);
    // The preview once the plans queued since (the worker's, after the change) are all made.
    const replanned = await waitUntil(
      async () => {
        const pending = await p.h.jobs('plan', ['waiting', 'active', 'delayed', 'prioritized']);
        const plan = await currentPlan();
        return pending.length === 0 && plan && plan.id !== old.id ? plan : undefined;
      },
      { timeoutMs: 90_000, what: 'the plan made after the person was protected' },
    );
    const cancels = replanned.operations.filter((o) => o.kind === 'cancelOccurrence');
    expect(cancels.length).toBeGreaterThan(0);
    expect(cancels.flatMap((o) => o.emails)).not.toContain(person);

    const refused = await applyPlan(old.id);
    expect(refused.statusCode).toBe(409);
    expect(refused.json()).toMatchObject({ code: 'FL_PLAN_STALE' });
    const ops = await repositories(p.h.t.db).plans.operations(old.id);
    expect(ops.map((o) => o.status)).toEqual(ops.map(() => 'planned'));
  }, 240_000);
});
