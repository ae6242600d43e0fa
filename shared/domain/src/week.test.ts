import fc from 'fast-check';
import { Temporal } from 'temporal-polyfill';
import { describe, expect, it } from 'vitest';
import { DEFAULT_PREFERENCES } from './preferences.js';
import { halves, weekOf, workingIntervals } from './week.js';

const SEED = 20_240_328;
const ZONES = ['Europe/Berlin', 'America/New_York', 'Asia/Kolkata', 'Australia/Adelaide', 'Pacific/Chatham'];
const HOUR = 3_600_000;

const at = (iso: string) => Temporal.Instant.from(iso);

describe('weekOf', () => {
  it('starts the week on Monday at local midnight by default', () => {
    const week = weekOf(at('2024-03-28T10:00:00Z'), 'Europe/Berlin');
    expect(week.startDate.toString()).toBe('2024-03-25');
    expect(week.start.toString()).toBe('2024-03-25T00:00:00+01:00[Europe/Berlin]');
    expect(week.end.toString()).toBe('2024-04-01T00:00:00+02:00[Europe/Berlin]');
  });

  it('makes the spring-forward week in Berlin 167 hours long', () => {
    const week = weekOf(at('2024-03-31T12:00:00Z'), 'Europe/Berlin');
    expect(week.end.epochMilliseconds - week.start.epochMilliseconds).toBe(167 * HOUR);
  });

  it('uses the local date, not the UTC date (Sunday evening UTC is already Monday in Chatham)', () => {
    const week = weekOf(at('2024-06-09T20:00:00Z'), 'Pacific/Chatham');
    expect(week.startDate.toString()).toBe('2024-06-10');
  });

  it('can start weeks on Sunday', () => {
    expect(weekOf(at('2024-03-27T12:00:00Z'), 'America/New_York', 7).startDate.toString()).toBe('2024-03-24');
  });

  it('agrees with plain Temporal arithmetic in every zone, DST weeks included', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...ZONES),
        fc.integer({ min: Date.UTC(2024, 0, 1), max: Date.UTC(2027, 11, 31) }),
        fc.integer({ min: 1, max: 7 }),
        (zone, ms, weekStartsOn) => {
          const instant = Temporal.Instant.fromEpochMilliseconds(ms);
          const local = instant.toZonedDateTimeISO(zone);
          const first = local.toPlainDate().subtract({ days: (local.dayOfWeek - weekStartsOn + 7) % 7 });
          const week = weekOf(instant, zone, weekStartsOn);
          expect(week.startDate.equals(first)).toBe(true);
          expect(week.start.epochMilliseconds).toBe(first.toZonedDateTime(zone).epochMilliseconds);
          expect(week.end.epochMilliseconds).toBe(
            first.add({ days: 7 }).toZonedDateTime(zone).epochMilliseconds,
          );
        },
      ),
      { seed: SEED, numRuns: 1000 },
    );
  });
});

describe('halves', () => {
  it('splits the default week at Wednesday 12:00 local time', () => {
    const { first, second } = halves(weekOf(at('2024-10-30T12:00:00Z'), 'Australia/Adelaide'));
    expect(first.end.toString()).toBe('2024-10-30T12:00:00+10:30[Australia/Adelaide]');
    expect(second.start.equals(first.end)).toBe(true);
  });

  it('follows a custom split', () => {
    const week = weekOf(at('2024-10-30T12:00:00Z'), 'Asia/Kolkata');
    const { first } = halves(week, { endWeekday: 2, endTime: '17:30' });
    expect(first.end.toString()).toBe('2024-10-29T17:30:00+05:30[Asia/Kolkata]');
  });
});

describe('workingIntervals', () => {
  it('gives 09:00–17:00 on weekdays, in local time across the autumn change', () => {
    const week = weekOf(at('2024-11-01T12:00:00Z'), 'America/New_York');
    const intervals = workingIntervals(week);
    expect(
      intervals.map((i) => `${i.start.toPlainDateTime().toString()}/${i.end.toPlainTime().toString()}`),
    ).toEqual([
      '2024-10-28T09:00:00/17:00:00',
      '2024-10-29T09:00:00/17:00:00',
      '2024-10-30T09:00:00/17:00:00',
      '2024-10-31T09:00:00/17:00:00',
      '2024-11-01T09:00:00/17:00:00',
    ]);
  });

  it("shows a counterpart's hours in their zone, clipped to the user's week", () => {
    const week = weekOf(at('2024-04-03T12:00:00Z'), 'Europe/Berlin');
    const hours = { ...DEFAULT_PREFERENCES.workingHours, days: [1] };
    const [monday] = workingIntervals(week, hours, 'America/New_York');
    expect(monday?.start.toString()).toBe('2024-04-01T15:00:00+02:00[Europe/Berlin]');
    expect(monday?.end.toString()).toBe('2024-04-01T23:00:00+02:00[Europe/Berlin]');
  });
});
