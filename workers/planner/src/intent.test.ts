import type { CalendarEvent } from '@frontload/domain';
import { describe, expect, it } from 'vitest';
import { deriveIntent, type Evidence, type IntentInput } from './intent.js';

const HOUR = 3_600_000;
const now = Date.parse('2026-03-02T08:00:00Z'); // a Monday
const iso = (ms: number) => new Date(ms).toISOString();
const slot = (startMs: number, minutes = 30) => ({
  start: iso(startMs),
  end: iso(startMs + minutes * 60_000),
});

const event = (id: string, range: { start: string; end: string }, extra: Partial<CalendarEvent> = {}) =>
  ({
    id,
    kind: 'single',
    title: `event ${id}`,
    start: range.start,
    end: range.end,
    zone: 'UTC',
    status: 'confirmed',
    attendees: [],
    organizerIsSelf: true,
    transparency: 'busy',
    eventType: 'default',
    ...extra,
  }) as CalendarEvent;

const block = { start: iso(now + 50 * HOUR), end: iso(now + 52 * HOUR) };
const create: Evidence = {
  op: {
    kind: 'createFocusBlock',
    key: 'k1',
    eventId: 'fl1',
    reason: 'focus',
    emails: [],
    title: 'Focus',
    zone: 'UTC',
    after: block,
  },
  applied: true,
  at: now - 2 * HOUR,
  resultId: 'fl1',
};

const before = slot(now + 30 * HOUR); // Tuesday 14:00
const after = slot(now + 1 * HOUR); // Monday 09:00
const seriesMove = (applied: boolean, at = now - 2 * HOUR): Evidence => ({
  op: {
    kind: 'moveSeries',
    key: 'm1',
    eventId: 'occ1',
    seriesId: 's1',
    reason: 'first half',
    emails: ['bob@acme.test'],
    fromOriginalStart: before.start,
    weekday: 1,
    startTime: '09:00',
    durationMinutes: 30,
    zone: 'UTC',
    counterpart: 'bob@acme.test',
    before,
    after,
  },
  applied,
  at,
  resultId: applied ? 's1' : undefined,
  beforeEtag: applied ? 'e-before' : undefined,
  afterEtag: applied ? 'e-after' : undefined,
});
const master = (range: { start: string; end: string }, etag: string) =>
  event(
    's1',
    { start: iso(Date.parse(range.start) - 7 * 24 * HOUR), end: iso(Date.parse(range.end) - 7 * 24 * HOUR) },
    {
      kind: 'series',
      etag,
      title: '1:1 Bob',
    },
  );

const input = (over: Partial<IntentInput>): IntentInput => ({
  now,
  syncedAt: now - HOUR,
  fullSyncedAt: now - HOUR,
  events: [],
  evidence: [],
  releases: new Map(),
  active: new Set(),
  ...over,
});

describe('deleted focus blocks', () => {
  it('counts a block Frontload created that is gone from the synced mirror as deleted by the user', () => {
    expect(deriveIntent(input({ evidence: [create] })).deletedFocusBlocks).toEqual([block]);
  });

  it('a block Frontload re-placed counts at its latest slot', () => {
    const moved = { start: iso(now + 74 * HOUR), end: iso(now + 76 * HOUR) };
    const update: Evidence = {
      op: {
        kind: 'updateFocusBlock',
        key: 'u1',
        eventId: 'fl1',
        reason: 'meeting',
        emails: [],
        before: block,
        after: moved,
      },
      applied: true,
      at: now - 90 * 60_000,
    };
    expect(deriveIntent(input({ evidence: [update, create] })).deletedFocusBlocks).toEqual([moved]);
  });

  it('does not count a block still on the calendar, one Frontload deleted itself, or one no sync has looked at yet', () => {
    expect(
      deriveIntent(input({ evidence: [create], events: [event('fl1', block)] })).deletedFocusBlocks,
    ).toEqual([]);
    const ourDelete: Evidence = {
      op: {
        kind: 'deleteFocusBlock',
        key: 'undo:k1',
        eventId: 'fl1',
        reason: 'undo',
        emails: [],
        before: block,
      },
      applied: true,
      at: now - HOUR,
    };
    expect(deriveIntent(input({ evidence: [create, ourDelete] })).deletedFocusBlocks).toEqual([]);
    expect(deriveIntent(input({ evidence: [create], syncedAt: now - 3 * HOUR })).deletedFocusBlocks).toEqual(
      [],
    );
  });
});

describe('overrides of single events', () => {
  const single: Evidence = {
    op: {
      kind: 'moveOccurrence',
      key: 'o1',
      eventId: 'ev1',
      reason: 'first half',
      emails: ['bob@acme.test'],
      counterpart: 'Bob@acme.test',
      before,
      after,
    },
    applied: true,
    at: now - 2 * HOUR,
    resultId: 'ev1',
    beforeEtag: 'b',
    afterEtag: 'a',
  };
  const at = (range: { start: string; end: string }, etag: string) => [
    event('ev1', range, { etag, title: 'Bob 1:1' }),
  ];

  it('an event Frontload moved that the user then moved elsewhere is an override of that event', () => {
    expect(
      deriveIntent(input({ evidence: [single], events: at(slot(now + 26 * HOUR), 'u') })).overrides,
    ).toEqual([
      {
        targetId: 'ev1',
        targetKind: 'event',
        title: 'Bob 1:1',
        counterpart: 'bob@acme.test',
        evidenceAt: now - 2 * HOUR,
      },
    ]);
  });

  it('an event still where Frontload wrote it, or a mirror still holding the etag from before the write, is no override', () => {
    expect(deriveIntent(input({ evidence: [single], events: at(after, 'a') })).overrides).toEqual([]);
    expect(deriveIntent(input({ evidence: [single], events: at(before, 'b') })).overrides).toEqual([]);
  });
});

describe('overrides', () => {
  it('a series Frontload moved that the user moved back is an override', () => {
    const found = deriveIntent(input({ evidence: [seriesMove(true)], events: [master(before, 'e-user')] }));
    expect(found.overrides).toEqual([
      {
        targetId: 's1',
        targetKind: 'series',
        title: '1:1 Bob',
        counterpart: 'bob@acme.test',
        evidenceAt: now - 2 * HOUR,
      },
    ]);
  });

  it('a series still where Frontload put it, or a mirror not yet caught up with the move, is no override', () => {
    expect(
      deriveIntent(input({ evidence: [seriesMove(true)], events: [master(after, 'e-after')] })).overrides,
    ).toEqual([]);
    // The mirror still holds the master as it was before the write (the resync has not come yet).
    expect(
      deriveIntent(input({ evidence: [seriesMove(true)], events: [master(before, 'e-before')] })).overrides,
    ).toEqual([]);
  });

  it('a 1:1 the user moved after a preview showed a move for it is an override; one left where it was is not', () => {
    const shown = seriesMove(false);
    expect(deriveIntent(input({ evidence: [shown], events: [master(before, 'x')] })).overrides).toEqual([]);
    const elsewhere = slot(now + 32 * HOUR);
    expect(
      deriveIntent(input({ evidence: [shown], events: [master(elsewhere, 'y')] })).overrides,
    ).toHaveLength(1);
  });

  it('judges a series by its next occurrence when the mirror keeps no master, once a full sync has listed it', () => {
    const occurrence = (range: { start: string; end: string }) =>
      event(
        's1_next',
        {
          start: iso(Date.parse(range.start) + 7 * 24 * HOUR),
          end: iso(Date.parse(range.end) + 7 * 24 * HOUR),
        },
        {
          kind: 'occurrence',
          seriesId: 's1',
          title: '1:1 Bob',
        },
      );
    expect(
      deriveIntent(input({ evidence: [seriesMove(true)], events: [occurrence(before)] })).overrides,
    ).toHaveLength(1);
    expect(
      deriveIntent(input({ evidence: [seriesMove(true)], events: [occurrence(after)] })).overrides,
    ).toEqual([]);
    // No full listing since the move: the occurrences may still show the old slot.
    expect(
      deriveIntent(
        input({ evidence: [seriesMove(true)], events: [occurrence(before)], fullSyncedAt: now - 3 * HOUR }),
      ).overrides,
    ).toEqual([]);
  });

  it('a preview made from a mirror that had not caught up with Frontload’s own move does not hide the user moving it back', () => {
    const stalePreview = { ...seriesMove(false, now - HOUR), applied: false };
    const found = deriveIntent(
      input({ evidence: [seriesMove(true), stalePreview], events: [master(before, 'e-user')] }),
    );
    expect(found.overrides.map((o) => o.targetId)).toEqual(['s1']);
  });

  it('a newer applied move decides over an older preview of the same series', () => {
    const events = [master(after, 'e-after')];
    expect(
      deriveIntent(input({ evidence: [seriesMove(false, now - 5 * HOUR), seriesMove(true)], events }))
        .overrides,
    ).toEqual([]);
  });

  it('handed back: older evidence no longer counts, a newer move or preview does', () => {
    const events = [master(before, 'e-user')];
    const releases = new Map([['s1', now - HOUR]]);
    expect(deriveIntent(input({ evidence: [seriesMove(true)], events, releases })).overrides).toEqual([]);
    const later = seriesMove(false, now - HOUR / 2);
    const moved = [master(slot(now + 33 * HOUR), 'e-again')];
    expect(
      deriveIntent(input({ evidence: [seriesMove(true), later], events: moved, releases })).overrides,
    ).toHaveLength(1);
  });

  it('an override already in force is not reported again', () => {
    const events = [master(before, 'e-user')];
    expect(
      deriveIntent(input({ evidence: [seriesMove(true)], events, active: new Set(['s1']) })).overrides,
    ).toEqual([]);
  });
});
