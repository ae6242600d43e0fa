import { describe, expect, it } from 'vitest';
import {
  counterpart,
  focusBlock,
  input,
  local,
  meeting,
  mustPlan,
  oneOnOne,
  prefs,
  wall,
} from './__fixtures__/builders.js';
import { applyOperations } from './apply-operations.js';

const BOB = 'bob@acme.test';

describe('applyOperations', () => {
  it('moves every later occurrence of a moved series to the new weekday and time, and Bob’s free/busy with it', () => {
    const before = input({
      now: local('2024-03-23T09:00'),
      horizonWeeks: 3,
      events: [
        oneOnOne('w1', BOB, '2024-03-28T15:00'),
        oneOnOne('w2', BOB, '2024-04-04T15:00'),
        oneOnOne('w3', BOB, '2024-04-11T15:00'),
      ],
      counterparts: [counterpart(BOB)],
    });
    const after = applyOperations(before, mustPlan(before).operations);
    expect(after.events.map((e) => `${e.id} ${wall(e.start)}`)).toEqual([
      'w1 Tue 2024-03-26 15:00',
      'w2 Tue 2024-04-02 15:00',
      'w3 Tue 2024-04-09 15:00',
    ]);
    expect(after.events.every((e) => e.originalStart === e.start)).toBe(true);
    expect(after.counterparts[0]?.busy.map((b) => wall(b.start))).toEqual(
      after.events.map((e) => wall(e.start)),
    );
  });

  it('cancels occurrences, records the skip week, and creates, moves and deletes focus blocks', () => {
    const before = input({
      preferences: prefs((p) => (p.focus.targetHours = 2)),
      events: [
        focusBlock('fl-old', '2024-04-11T09:00', 120),
        meeting('review', '2024-04-11T09:00', 60, ['a@acme.test', 'b@acme.test']),
        focusBlock('fl-extra', '2024-04-12T09:00', 120),
      ],
    });
    const ops = mustPlan(before).operations;
    // The meeting displaced fl-old, and fl-extra alone meets the 2 h target: fl-old goes.
    expect(ops.map((op) => `${op.kind} ${op.eventId}`)).toEqual(['deleteFocusBlock fl-old']);
    const after = applyOperations(before, [
      ...ops,
      {
        kind: 'updateFocusBlock',
        key: 'u',
        eventId: 'fl-extra',
        before: { start: local('2024-04-12T09:00'), end: local('2024-04-12T11:00') },
        after: { start: local('2024-04-12T13:00'), end: local('2024-04-12T15:00') },
        reason: 'test',
        emails: [],
      },
      {
        kind: 'cancelOccurrence',
        key: 'k',
        eventId: 'review',
        seriesId: 's',
        counterpart: 'a@acme.test',
        message: 'skip',
        skipWeek: '2024-04-08',
        before: { start: local('2024-04-11T09:00'), end: local('2024-04-11T10:00') },
        reason: 'test',
        emails: [],
      },
    ]);
    expect(after.events.map((e) => `${e.id} ${wall(e.start)} ${e.status}`)).toEqual([
      'review Thu 2024-04-11 09:00 cancelled',
      'fl-extra Fri 2024-04-12 13:00 confirmed',
    ]);
    expect(after.history.lastSkipWeek).toBe('2024-04-08');
    expect(before.events).toHaveLength(3);
  });

  it('adds created blocks as tagged focus-time events with the chosen id', () => {
    const before = input({ preferences: prefs((p) => (p.focus.targetHours = 2)) });
    const [create] = mustPlan(before).operations;
    const after = applyOperations(before, create ? [create] : []);
    expect(after.events).toEqual([
      expect.objectContaining({
        id: create?.eventId,
        tag: { kind: 'focusBlock' },
        eventType: 'focusTime',
        organizerIsSelf: true,
      }),
    ]);
  });
});
