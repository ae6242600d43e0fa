import { describe, expect, it } from 'vitest';
import {
  event,
  focusBlock,
  input,
  local,
  localPlus,
  meeting,
  mustPlan,
  prefs,
  self,
  wall,
} from './__fixtures__/builders.js';

const focusOn = prefs();
const blocks = (out: ReturnType<typeof mustPlan>) =>
  out.operations.flatMap((op) =>
    op.kind === 'createFocusBlock' || op.kind === 'updateFocusBlock'
      ? [`${op.kind} ${wall(op.after.start)}–${wall(op.after.end).slice(-5)}`]
      : [],
  );

describe('focus blocks', () => {
  it('places 10 h of focus in free second-half time: as few blocks as possible, one per free stretch', () => {
    const out = mustPlan(input({ preferences: focusOn }));
    expect(blocks(out)).toEqual([
      'createFocusBlock Wed 2024-04-10 12:00–16:00',
      'createFocusBlock Thu 2024-04-11 09:00–13:00',
      'createFocusBlock Fri 2024-04-12 09:00–11:00',
    ]);
    expect(out.operations.every((op) => op.emails.length === 0)).toBe(true);
    expect(out.metrics[0]).toMatchObject({ week: '2024-04-08', focusHours: 10, focusTargetHours: 10 });
  });

  it('works around meetings and never makes a block shorter than 90 minutes', () => {
    const out = mustPlan(
      input({
        preferences: prefs((p) => (p.focus.targetHours = 4)),
        events: [
          // Wednesday afternoon broken into 60-minute gaps; Thursday free from 14:00.
          event('a', '2024-04-10T13:00', 60),
          event('b', '2024-04-10T15:00', 60),
          event('c', '2024-04-11T09:00', 300),
          event('d', '2024-04-12T09:00', 480),
        ],
      }),
    );
    expect(blocks(out)).toEqual(['createFocusBlock Thu 2024-04-11 14:00–17:00']);
    expect(out.notes.map((n) => n.code)).toEqual(['focusShortfall']);
  });

  it('re-places a focus block that an accepted meeting now overlaps (an update, not a new event)', () => {
    const out = mustPlan(
      input({
        preferences: prefs((p) => (p.focus.targetHours = 2)),
        events: [
          focusBlock('fl-1', '2024-04-11T09:00', 120),
          meeting('review', '2024-04-11T10:00', 60, ['a@acme.test', 'b@acme.test'], {
            organizerIsSelf: false,
            attendees: [self(), { email: 'a@acme.test', responseStatus: 'accepted' }],
          }),
        ],
      }),
    );
    expect(out.operations).toHaveLength(1);
    expect(out.operations[0]).toMatchObject({
      kind: 'updateFocusBlock',
      eventId: 'fl-1',
      before: { start: local('2024-04-11T09:00') },
    });
    expect(blocks(out)).toEqual(['updateFocusBlock Wed 2024-04-10 12:00–14:00']);
  });

  it('leaves a focus block alone when only an unanswered or tentative invite overlaps it', () => {
    const invite = (id: string, responseStatus: 'needsAction' | 'tentative') =>
      meeting(id, '2024-04-11T10:00', 30, ['a@acme.test'], {
        organizerIsSelf: false,
        attendees: [self({ responseStatus }), { email: 'a@acme.test', responseStatus: 'accepted' }],
      });
    const out = mustPlan(
      input({
        preferences: prefs((p) => (p.focus.targetHours = 2)),
        events: [
          focusBlock('fl-1', '2024-04-11T09:00', 120),
          invite('x', 'needsAction'),
          invite('y', 'tentative'),
        ],
      }),
    );
    expect(out.operations).toEqual([]);
  });

  it('leaves a focus block alone when an invite over it was declined (as focus time’s auto-decline leaves it)', () => {
    const out = mustPlan(
      input({
        preferences: prefs((p) => ((p.focus.targetHours = 2), (p.focus.autoDecline = 'new'))),
        events: [
          focusBlock('fl-1', '2024-04-11T09:00', 120),
          meeting('x', '2024-04-11T10:00', 30, ['a@acme.test'], {
            organizerIsSelf: false,
            attendees: [
              self({ responseStatus: 'declined' }),
              { email: 'a@acme.test', responseStatus: 'accepted' },
            ],
          }),
        ],
      }),
    );
    expect(out.operations).toEqual([]);
  });

  it('gives each new block the user’s auto-decline and chat status, and neither when they are the defaults', () => {
    const creates = (out: ReturnType<typeof mustPlan>) =>
      out.operations.filter((op) => op.kind === 'createFocusBlock');
    const chosen = creates(
      mustPlan(
        input({
          preferences: prefs((p) => ((p.focus.autoDecline = 'all'), (p.focus.chatStatus = 'doNotDisturb'))),
        }),
      ),
    );
    expect(chosen.length).toBeGreaterThan(0);
    for (const op of chosen) expect(op).toMatchObject({ autoDecline: 'all', chatStatus: 'doNotDisturb' });
    for (const op of creates(mustPlan(input({ preferences: focusOn })))) {
      expect(op).not.toHaveProperty('autoDecline');
      expect(op).not.toHaveProperty('chatStatus');
    }
  });

  it('does not recreate focus blocks the user deleted that week', () => {
    const out = mustPlan(
      input({
        preferences: prefs((p) => (p.focus.targetHours = 4)),
        history: {
          lastSkipWeek: null,
          lastHeldOneOnOnes: [],
          deletedFocusBlocks: [{ start: local('2024-04-10T12:00'), end: localPlus('2024-04-10T12:00', 240) }],
          userOverrides: [],
        },
      }),
    );
    expect(out.operations).toEqual([]);
    expect(out.notes.map((n) => n.code)).toEqual(['focusDeletedByUser']);
  });

  it('deletes surplus blocks when the target drops, keeping the earlier ones', () => {
    const out = mustPlan(
      input({
        preferences: prefs((p) => (p.focus.targetHours = 4)),
        events: [focusBlock('fl-1', '2024-04-10T13:00', 240), focusBlock('fl-2', '2024-04-12T09:00', 120)],
      }),
    );
    expect(out.operations.map((op) => `${op.kind} ${op.eventId}`)).toEqual(['deleteFocusBlock fl-2']);
  });

  it('creates blocks with deterministic client ids and operation keys', () => {
    const first = mustPlan(input({ preferences: focusOn }));
    const again = mustPlan(input({ preferences: focusOn }));
    expect(again.operations).toEqual(first.operations);
    const [op] = first.operations;
    expect(op?.eventId).toMatch(/^fl[0-9a-f]{32}$/);
    expect(op?.key).toMatch(/^createFocusBlock:[0-9a-f]{32}$/);
  });

  it('keeps blocks inside 09:00–17:00 local time in the week Berlin springs forward', () => {
    const out = mustPlan(input({ preferences: focusOn, now: local('2024-03-23T09:00'), horizonWeeks: 2 }));
    const all = out.operations.flatMap((op) => (op.kind === 'createFocusBlock' ? [op.after] : []));
    expect(all.length).toBeGreaterThan(0);
    for (const block of all) {
      expect(Number(wall(block.start).slice(-5, -3))).toBeGreaterThanOrEqual(9);
      expect(wall(block.end).slice(-5) <= '17:00').toBe(true);
    }
  });
});

describe('the horizon', () => {
  const weeksPlanned = (now: string) =>
    mustPlan(input({ preferences: focusOn, now: local(now), horizonWeeks: 2 })).metrics.map((m) => m.week);

  it('starts with the current week while it still has working time', () => {
    expect(weeksPlanned('2024-04-05T16:00')).toEqual(['2024-04-01', '2024-04-08']);
  });

  it('starts with the coming week once the current week’s working hours are over (Friday evening, the weekend)', () => {
    expect(weeksPlanned('2024-04-05T17:00')).toEqual(['2024-04-08', '2024-04-15']);
    expect(weeksPlanned('2024-04-07T18:00')).toEqual(['2024-04-08', '2024-04-15']);
  });

  it('gives a week the same first plan whether the weekly plan or a Monday plan brings it in', () => {
    const sunday = mustPlan(input({ preferences: focusOn, now: local('2024-04-07T18:00'), horizonWeeks: 2 }));
    const monday = mustPlan(input({ preferences: focusOn, now: local('2024-04-08T00:30'), horizonWeeks: 2 }));
    expect(monday.operations.map((op) => op.key)).toEqual(sunday.operations.map((op) => op.key));
  });
});

describe("busy time on the user's other calendars", () => {
  it('keeps new focus blocks off it, moves an existing block off it, and is never an operation itself', () => {
    const base = input({
      preferences: prefs((p) => {
        p.focus.targetHours = 4;
      }),
    });
    const free = mustPlan(base);
    const creates = free.operations.filter((op) => op.kind === 'createFocusBlock');
    expect(creates.length).toBeGreaterThan(0);
    // The other calendar is busy over every slot the first plan chose.
    const otherCalendarsBusy = creates.flatMap((op) => (op.kind === 'createFocusBlock' ? [op.after] : []));
    const out = mustPlan({ ...base, otherCalendarsBusy });
    const placed = out.operations.flatMap((op) => (op.kind === 'createFocusBlock' ? [op.after] : []));
    expect(placed.length).toBeGreaterThan(0);
    for (const slot of placed)
      for (const busy of otherCalendarsBusy)
        expect(
          Date.parse(slot.start) < Date.parse(busy.end) && Date.parse(busy.start) < Date.parse(slot.end),
        ).toBe(false);

    const existing = focusBlock('fb1', '2024-04-11T13:00', 120);
    const moved = mustPlan({
      ...base,
      events: [existing],
      otherCalendarsBusy: [{ start: local('2024-04-11T13:30'), end: localPlus('2024-04-11T13:30', 30) }],
    });
    expect(moved.operations.find((op) => op.eventId === 'fb1')?.kind).toMatch(
      /updateFocusBlock|deleteFocusBlock/,
    );
  });
});
