/**
 * Every connected calendar counts as busy: a user with Google (where Frontload writes) and Microsoft
 * 365 connected gets no focus block and no 1:1 move over a busy event of the Microsoft calendar, and
 * nothing is written to it.
 */
import { repositories } from '@frontload/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planUser } from '../../workers/planner/src/plan-user.js';
import { startPipeline, type PipelineHarness } from './pipeline-harness.js';

type Slot = { start: string; end: string };
const overlaps = (a: Slot, b: Slot) =>
  Date.parse(a.start) < Date.parse(b.end) && Date.parse(b.start) < Date.parse(a.end);
const utc = (iso: string) => ({ dateTime: iso.slice(0, 19), timeZone: 'UTC' });

describe('all connected calendars count as busy', () => {
  let p: PipelineHarness;

  beforeAll(async () => {
    p = await startPipeline('google', 'alex.tlm@sandbox.test');
  }, 180_000);
  afterAll(async () => {
    await p?.close();
  });

  /** The slots a stored plan puts focus blocks and moved 1:1s into, with the connection each writes to. */
  async function slotsOf(planId: string) {
    const ops = await repositories(p.h.t.db).plans.operations(planId);
    return ops.flatMap((op) => {
      const desired = op.desired as { after?: Slot };
      const placing = ['createFocusBlock', 'updateFocusBlock', 'moveOccurrence', 'moveSeries'].includes(
        op.kind,
      );
      return placing && desired.after
        ? [{ kind: op.kind, after: desired.after, connectionId: op.connection_id }]
        : [];
    });
  }

  it('keeps focus blocks and 1:1 moves off busy time on the second calendar, and writes only to the first', async () => {
    const { h, deps, userId, cookie, connectionId } = p;
    const first = await planUser(userId, deps);
    if (first.outcome !== 'stored') throw new Error(`expected a stored plan, got ${first.outcome}`);
    const before = await slotsOf(first.planId);
    expect(before.some((s) => s.kind === 'createFocusBlock')).toBe(true);
    expect(before.some((s) => s.kind === 'moveOccurrence' || s.kind === 'moveSeries')).toBe(true);

    // A second calendar (Microsoft 365), busy exactly where the first plan put everything.
    const account = await h.sandbox.createAccount({
      provider: 'microsoft',
      email: 'alex.home@sandbox.test',
      name: 'Alex Rivera',
      timeZone: 'Europe/Berlin',
    });
    await h.sandbox.control('POST', `/accounts/${account.id}/events`, {
      events: before.map((s, i) => ({
        subject: `Busy ${i}`,
        start: utc(s.after.start),
        end: utc(s.after.end),
      })),
    });
    const second = await h.connect('microsoft', account.id, cookie);
    expect(second.userId).toBe(userId);
    await h.idle(60_000);
    const busy = before.map((s) => s.after);
    const mirrored = await repositories(h.t.db).mirror.eventsInWindow(
      second.connectionId,
      new Date(Date.now() - 30 * 86_400_000),
      new Date(Date.now() + 60 * 86_400_000),
    );
    expect(mirrored.length).toBe(busy.length);

    const replanned = await planUser(userId, deps);
    if (replanned.outcome !== 'stored') throw new Error(`expected a stored plan, got ${replanned.outcome}`);
    const after = await slotsOf(replanned.planId);
    expect(after.some((s) => s.kind === 'createFocusBlock')).toBe(true);
    for (const slot of after) {
      expect(slot.connectionId).toBe(connectionId);
      for (const b of busy)
        expect(overlaps(slot.after, b), `${slot.kind} ${slot.after.start} over ${b.start}`).toBe(false);
    }
  }, 180_000);
});
