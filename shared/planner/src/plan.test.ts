import { OperationSchema, PlanNoteSchema, WeekMetricsSchema } from '@frontload/domain';
import fc from 'fast-check';
import { Compile } from 'typebox/compile';
import { describe, expect, it } from 'vitest';
import { scenarioArb } from './__fixtures__/arbitraries.js';
import { PROPERTY_SEED, buildInput } from './__fixtures__/scenario.js';
import { counterpart, input, mustPlan, oneOnOne, prefs } from './__fixtures__/builders.js';
import { contentHash, operationKey } from './operation-key.js';

const people = Array.from({ length: 12 }, (_, i) => `p${i}@acme.test`);
const busyWeek = () =>
  input({
    preferences: prefs(),
    events: people.map((p, i) =>
      oneOnOne(`o${i}`, p, `2024-04-${i % 2 ? '11' : '12'}T${String(9 + (i % 7)).padStart(2, '0')}:00`),
    ),
    counterparts: people.map((p) => counterpart(p)),
  });

describe('plan', () => {
  it('flags a run that would change more events than the blast radius, and still lists them all', () => {
    const out = mustPlan({ ...busyWeek(), preferences: prefs((p) => (p.blastRadius = 5)) });
    expect(out.operations.length).toBeGreaterThan(5);
    expect(out.requiresConfirmation).toBe(true);
    expect(out.notes.at(-1)).toMatchObject({ code: 'blastRadius' });
    expect(mustPlan(input()).requiresConfirmation).toBe(false);
  });

  it('derives operation keys from the target and the desired state only', () => {
    const a = mustPlan(busyWeek()).operations;
    const b = mustPlan(busyWeek()).operations;
    expect(b.map((op) => op.key)).toEqual(a.map((op) => op.key));
    expect(new Set(a.map((op) => op.key)).size).toBe(a.length);
    // A different etag is the same intended change: same key.
    const withEtags = busyWeek();
    withEtags.events = withEtags.events.map((e) => ({ ...e, etag: `"v2-${e.id}"` }));
    expect(mustPlan(withEtags).operations.map((op) => op.key)).toEqual(a.map((op) => op.key));
    expect(operationKey('moveOccurrence', ['e1', 'a'])).not.toBe(operationKey('moveOccurrence', ['e1', 'b']));
    expect(contentHash(['a', 'b'])).not.toBe(contentHash(['ab']));
  });

  it('emits operations, notes and metrics the ledger can store as they are (they match the domain schemas)', () => {
    const [operation, note, metrics] = [
      Compile(OperationSchema),
      Compile(PlanNoteSchema),
      Compile(WeekMetricsSchema),
    ];
    fc.assert(
      fc.property(scenarioArb, (spec) => {
        const out = mustPlan(buildInput(spec));
        for (const op of out.operations) expect(operation.Errors(op)).toEqual([]);
        for (const n of out.notes) expect(note.Errors(n)).toEqual([]);
        for (const m of out.metrics) expect(metrics.Errors(m)).toEqual([]);
      }),
      { seed: PROPERTY_SEED, numRuns: 300 },
    );
  });

  it('gives every operation a reason and the people who would be emailed', () => {
    const out = mustPlan(busyWeek());
    for (const op of out.operations) {
      expect(op.reason.length).toBeGreaterThan(20);
      // A split series move ends the old series and invites to its continuation: two emails.
      const expected =
        op.kind === 'moveSeries' && op.split
          ? [op.counterpart, op.counterpart]
          : op.kind === 'moveSeries' || op.kind === 'moveOccurrence' || op.kind === 'cancelOccurrence'
            ? [op.counterpart]
            : [];
      expect(op.emails).toEqual(expected);
    }
  });
});

describe('metrics of the calendar as it is', () => {
  it('reports the week without the plan (no new focus, 1:1s where they are) beside the planned week', () => {
    const out = mustPlan(
      input({
        preferences: prefs((p) => (p.focus.targetHours = 6)),
        events: [oneOnOne('o1', 'p1@acme.test', '2024-04-11T10:00')],
        counterparts: [counterpart('p1@acme.test')],
      }),
    );
    expect(out.operations.some((op) => op.kind === 'createFocusBlock')).toBe(true);
    expect(out.metrics[0]?.focusHours).toBeGreaterThanOrEqual(6);
    expect(out.calendarMetrics[0]).toMatchObject({
      week: out.metrics[0]?.week,
      focusHours: 0,
      meetingHours: 0.5,
    });
    expect(out.calendarMetrics[0]?.overload).toContain('focusShortfall');
    expect(out.metrics[0]?.overload).not.toContain('focusShortfall');
  });
});
