import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { daysBetween, notSeen, seenGap, type SeenInput } from './not-seen.js';

const now = new Date('2026-03-11T09:00:00Z');
const ctx = { now, zone: 'Europe/Berlin', thresholdDays: 14 };
const person = (email: string, over: Partial<SeenInput>): SeenInput => ({
  email,
  name: '',
  role: 'report',
  lastOneOnOneAt: null,
  lastMetAt: null,
  ...over,
});

describe('daysBetween', () => {
  it('counts calendar days in the zone: yesterday evening to this morning is one day', () => {
    expect(daysBetween(new Date('2026-03-10T17:00:00Z'), now, 'Europe/Berlin')).toBe(1);
    expect(daysBetween(new Date('2026-03-11T07:00:00Z'), now, 'Europe/Berlin')).toBe(0);
    // 23:30 UTC on the 10th is already the 11th in Berlin.
    expect(daysBetween(new Date('2026-03-10T23:30:00Z'), now, 'Europe/Berlin')).toBe(0);
    expect(daysBetween(new Date('2026-03-10T23:30:00Z'), now, 'UTC')).toBe(1);
  });
});

describe('seenGap', () => {
  it('counts from the later of the last 1:1 and the last meeting together, and marks the threshold itself as past', () => {
    const at = (days: number) => new Date(now.getTime() - days * 86_400_000);
    expect(seenGap({ lastOneOnOneAt: at(20), lastMetAt: at(3) }, ctx)).toEqual({
      daysNotSeen: 3,
      pastThreshold: false,
    });
    expect(seenGap({ lastOneOnOneAt: at(14), lastMetAt: null }, ctx)).toEqual({
      daysNotSeen: 14,
      pastThreshold: true,
    });
    expect(seenGap({ lastOneOnOneAt: null, lastMetAt: at(13) }, ctx).pastThreshold).toBe(false);
  });

  it('treats nobody met within the lookback as past the threshold, with no day count', () => {
    expect(seenGap({ lastOneOnOneAt: null, lastMetAt: null }, ctx)).toEqual({
      daysNotSeen: null,
      pastThreshold: true,
    });
  });
});

describe('notSeen', () => {
  it('lists reports and partners only, never met first, then the longest gap, then by name', () => {
    const at = (days: number) => new Date(now.getTime() - days * 86_400_000);
    const result = notSeen(
      [
        person('a@x.test', { name: 'Ann', lastMetAt: at(5) }),
        person('b@x.test', { name: 'Bo', role: 'partner', lastOneOnOneAt: at(23), lastMetAt: at(23) }),
        person('c@x.test', { name: 'Cy', role: 'other', lastMetAt: at(40) }),
        person('d@x.test', { name: 'Di' }),
        person('e@x.test', { name: 'Ed', lastMetAt: at(23) }),
      ],
      ctx,
    );
    expect(result.map((e) => [e.name, e.daysNotSeen, e.pastThreshold])).toEqual([
      ['Di', null, true],
      ['Bo', 23, true],
      ['Ed', 23, true],
      ['Ann', 5, false],
    ]);
  });
});

describe('notSeen (property)', () => {
  const DAY = 86_400_000;
  const arbDate = fc.option(
    fc.integer({ min: 0, max: 56 * DAY }).map((back) => new Date(now.getTime() - back)),
    { nil: null },
  );
  const arbPerson = fc.record({
    email: fc.emailAddress(),
    name: fc.string({ maxLength: 12 }),
    role: fc.constantFrom('report' as const, 'partner' as const, 'other' as const),
    lastOneOnOneAt: arbDate,
    lastMetAt: arbDate,
  });

  it('keeps reports and partners only, longest gap first, past the threshold exactly when the gap reaches it', () => {
    fc.assert(
      fc.property(
        fc.array(arbPerson, { maxLength: 20 }),
        fc.integer({ min: 1, max: 56 }),
        fc.constantFrom('UTC', 'Europe/Berlin', 'America/Los_Angeles', 'Pacific/Auckland'),
        (people, thresholdDays, zone) => {
          const result = notSeen(people, { now, zone, thresholdDays });
          expect(result).toHaveLength(people.filter((p) => p.role !== 'other').length);
          const gaps = result.map((e) => e.daysNotSeen ?? Infinity);
          expect(gaps).toEqual([...gaps].sort((a, b) => b - a));
          for (const e of result) {
            expect(e.role).not.toBe('other');
            expect(e.pastThreshold).toBe(e.daysNotSeen === null || e.daysNotSeen >= thresholdDays);
            expect(e.daysNotSeen === null).toBe(e.lastOneOnOneAt === null && e.lastMetAt === null);
            if (e.daysNotSeen !== null) expect(e.daysNotSeen).toBeLessThanOrEqual(57);
          }
        },
      ),
    );
  });
});
