/**
 * A skip-week cancellation on Google whose answer is lost after Google applied it (the connection
 * drops, the job is retried): the retry finds the occurrence already cancelled, with the message
 * where its agenda was, and records it as applied. The occurrence's own fields were recorded on the
 * ledger before the write, so the undo still gives the agenda back exactly.
 */
import { repositories } from '@frontload/db';
import { ProviderError, type CalendarProvider } from '@frontload/providers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunDeps } from '../../workers/planner/src/ledger/run-plan.js';
import { runPlan } from '../../workers/planner/src/ledger/run-plan.js';
import { planUser } from '../../workers/planner/src/plan-user.js';
import { undoRun } from '../../workers/planner/src/undo-run.js';
import { startPipeline, type PipelineHarness } from './pipeline-harness.js';
import {
  agendaOf,
  googleApi,
  makeSkipWeekDue,
  writeAgendas,
  type GoogleEvent,
} from './__fixtures__/skip-week.js';

const SKIP_MESSAGE = 'Skip week: async on Slack this time.';

describe('skip week on Google: a cancellation whose answer was lost', () => {
  let p: PipelineHarness;
  /** How many cancellations still lose their answer once Google applied them. */
  let dropAnswers = 0;

  /** The ledger's dependencies, with the provider's cancellations answering as `dropAnswers` says. */
  const deps = (): RunDeps => ({
    db: p.h.t.db,
    now: () => new Date(),
    providerFor: async (connectionId) => {
      const connection = await repositories(p.h.t.db).connections.byId(connectionId);
      const provider = await p.deps.providerFor(connection!);
      return {
        ...provider,
        kind: provider.kind,
        async cancelOccurrence(input) {
          await provider.cancelOccurrence(input);
          if (dropAnswers-- > 0)
            throw new ProviderError('transient', 'google', 'connection reset after the write');
        },
      } satisfies CalendarProvider;
    },
    onConflict: async () => undefined,
    onSeriesMoved: async () => undefined,
  });

  beforeAll(async () => {
    p = await startPipeline('google', 'alex.tlm@sandbox.test');
    await makeSkipWeekDue(p, SKIP_MESSAGE);
    await writeAgendas(p);
    await p.calendar();
  }, 180_000);
  afterAll(async () => {
    await p?.close();
  });

  it('the retried run records the cancellation as applied, and its undo restores the agenda and status exactly', async () => {
    const stored = await planUser(p.userId, p.deps);
    expect(stored).toMatchObject({ outcome: 'stored' });
    const planId = (stored as { planId: string }).planId;
    const plans = repositories(p.h.t.db).plans;
    // Only the skip week's cancellations: moves and focus blocks are covered elsewhere.
    const operations = await plans.operations(planId);
    for (const op of operations.filter((o) => o.kind !== 'cancelOccurrence'))
      await plans.updateOperation(op.id, { status: 'skipped', error: 'not selected' });
    const cancelled = operations.filter((o) => o.kind === 'cancelOccurrence');
    expect(cancelled.length).toBeGreaterThan(0);
    expect(await plans.transition(planId, ['preview'], 'applying')).toBe(true);

    dropAnswers = 1;
    await expect(runPlan(planId, deps())).rejects.toThrow(/connection reset/);
    const first = cancelled[0]!.target_event_id!;
    // Google applied it (the message took the agenda's place) before the answer was lost.
    expect(await googleApi<GoogleEvent>(p, 'GET', `/events/${first}`)).toMatchObject({ status: 'cancelled' });
    expect(await runPlan(planId, deps())).toMatchObject({ state: 'applied', failed: 0 });

    expect(await undoRun(planId, deps())).toMatchObject({ state: 'applied', failed: 0 });
    for (const op of cancelled) {
      const occurrence = await googleApi<GoogleEvent>(p, 'GET', `/events/${op.target_event_id}`);
      const series = await googleApi<GoogleEvent>(
        p,
        'GET',
        `/events/${(op.desired as { seriesId: string }).seriesId}`,
      );
      expect(occurrence).toMatchObject({ status: 'confirmed', description: agendaOf(series.summary ?? '') });
    }
  }, 180_000);
});
