import type { CalendarEvent } from '@frontload/domain';
import { describe, expect, it } from 'vitest';
import { guardRefusal, slotRefusal, type GuardFacts } from './apply-guard.js';
import type { LedgerOperation } from './ledger-operation.js';

const HOUR = 3_600_000;
const now = Date.parse('2024-04-08T08:00:00Z');
const slot = (hours: number, minutes = 30) => ({
  start: new Date(now + hours * HOUR).toISOString(),
  end: new Date(now + hours * HOUR + minutes * 60_000).toISOString(),
});
const facts = (change: Partial<GuardFacts> = {}): GuardFacts => ({
  now,
  freezeWindowHours: 24,
  people: new Map(),
  counterpartBusy: new Map(),
  planRun: true,
  ...change,
});
const move = (before = slot(48), after = slot(72)): LedgerOperation => ({
  kind: 'moveOccurrence',
  key: 'k',
  eventId: 'e1',
  reason: 'Front-load it.',
  emails: ['bob@acme.test'],
  counterpart: 'Bob@acme.test',
  before,
  after,
});
const cancel: LedgerOperation = {
  kind: 'cancelOccurrence',
  key: 'c',
  eventId: 'e2',
  seriesId: 's2',
  reason: 'Skip week.',
  emails: ['ann@acme.test'],
  counterpart: 'ann@acme.test',
  message: 'Skip week',
  skipWeek: '2024-04-15',
  before: slot(60),
};
const block = (after = slot(30, 90)): Extract<LedgerOperation, { kind: 'createFocusBlock' }> => ({
  kind: 'createFocusBlock',
  key: 'f',
  eventId: 'flabc',
  reason: 'Focus.',
  emails: [],
  title: 'Focus time',
  zone: 'UTC',
  after,
});
const meeting = (id: string, range: { start: string; end: string }, extra: Partial<CalendarEvent> = {}) =>
  ({
    id,
    kind: 'single',
    title: id,
    ...range,
    zone: 'UTC',
    status: 'confirmed',
    attendees: [],
    organizerIsSelf: false,
    transparency: 'busy',
    eventType: 'default',
    ...extra,
  }) as CalendarEvent;

describe('apply-time guard', () => {
  it('lets an operation through when nothing it was planned on changed', () => {
    expect(guardRefusal(move(), facts())).toBeUndefined();
    expect(guardRefusal(cancel, facts())).toBeUndefined();
  });

  it('refuses a cancellation of a person now protected and a move of a person now fixed', () => {
    const people = new Map([
      ['ann@acme.test', { protected: true, fixed: false }],
      ['bob@acme.test', { protected: false, fixed: true }],
    ]);
    expect(guardRefusal(cancel, facts({ people }))).toContain('now protected');
    expect(guardRefusal(move(), facts({ people }))).toContain('now fixed');
  });

  it("refuses a move onto the counterpart's new commitment, not onto the 1:1's own time", () => {
    const before = slot(48);
    const after = slot(72);
    const own = new Map([['bob@acme.test', [before]]]);
    expect(guardRefusal(move(before, after), facts({ counterpartBusy: own }))).toBeUndefined();
    const taken = new Map([['bob@acme.test', [before, slot(71.75, 60)]]]);
    expect(guardRefusal(move(before, after), facts({ counterpartBusy: taken }))).toContain('no longer free');
  });

  it('checks the clock for an undo but leaves people settings and availability to plans', () => {
    const people = new Map([['bob@acme.test', { protected: false, fixed: true }]]);
    expect(guardRefusal(move(), facts({ people, planRun: false }))).toBeUndefined();
    expect(guardRefusal(move(slot(2)), facts({ planRun: false }))).toContain('freeze window');
  });

  it('refuses a focus block on a slot the user now holds, but not over what the run moved away or ours', () => {
    const op = block();
    const inTheWay = meeting('escalation', slot(30.5, 30));
    expect(slotRefusal(op, [inTheWay], new Set())).toContain('"escalation" is there now');
    expect(slotRefusal(op, [inTheWay], new Set(['escalation']))).toBeUndefined();
    const occurrence = meeting('occ', slot(31, 30), { kind: 'occurrence', seriesId: 'series-1' });
    expect(slotRefusal(op, [occurrence], new Set(['series-1']))).toBeUndefined();
    expect(
      slotRefusal(op, [meeting('free', slot(30.5), { transparency: 'free' })], new Set()),
    ).toBeUndefined();
    expect(
      slotRefusal(op, [meeting('ours', slot(30.5), { tag: { kind: 'focusBlock' } })], new Set()),
    ).toBeUndefined();
    expect(
      slotRefusal(op, [meeting('gone', slot(30.5), { status: 'cancelled' })], new Set()),
    ).toBeUndefined();
  });
  it("refuses a 1:1's move onto a meeting the user now holds, but not because of the 1:1 itself", () => {
    const op = move(slot(48), slot(72, 60)) as Extract<LedgerOperation, { kind: 'moveOccurrence' }>;
    expect(slotRefusal(op, [meeting('escalation', slot(72.5, 30))], new Set())).toContain(
      'the new time is no longer free in your calendar: "escalation" is there now',
    );
    // Moved by half an hour, the 1:1 overlaps its own new time where it is now.
    const itself = meeting('e1', slot(71.5, 60));
    expect(slotRefusal(op, [itself], new Set())).toBeUndefined();
  });
});
