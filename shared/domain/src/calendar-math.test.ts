import fc from 'fast-check';
import { Temporal } from 'temporal-polyfill';
import { describe, expect, it } from 'vitest';
import {
  civilFromEpochDay,
  daysInMonth,
  epochDayFromCivil,
  formatEpochDay,
  formatLocalTime,
  isoWeekdayOfEpochDay,
  parseEpochDay,
  parseLocalTime,
} from './calendar-math.js';

const SEED = 20_240_325;
const EPOCH = Temporal.PlainDate.from('1970-01-01');

describe('calendar maths', () => {
  it('agrees with Temporal on dates, weekdays and day numbers from 1600 to 2400', () => {
    fc.assert(
      fc.property(fc.integer({ min: -135_000, max: 157_000 }), (epochDay) => {
        const expected = EPOCH.add({ days: epochDay });
        expect(civilFromEpochDay(epochDay)).toEqual({
          year: expected.year,
          month: expected.month,
          day: expected.day,
        });
        expect(epochDayFromCivil(expected.year, expected.month, expected.day)).toBe(epochDay);
        expect(isoWeekdayOfEpochDay(epochDay)).toBe(expected.dayOfWeek);
        expect(formatEpochDay(epochDay)).toBe(expected.toString());
        expect(parseEpochDay(expected.toString())).toBe(epochDay);
        expect(daysInMonth(expected.year, expected.month)).toBe(expected.daysInMonth);
      }),
      { seed: SEED, numRuns: 1000 },
    );
  });

  it('rejects dates that do not exist', () => {
    expect(() => parseEpochDay('2023-02-29')).toThrow(RangeError);
    expect(() => parseEpochDay('2024-13-01')).toThrow(RangeError);
    expect(() => parseEpochDay('24-01-01')).toThrow(RangeError);
    expect(parseEpochDay('2024-02-29')).toBe(epochDayFromCivil(2024, 2, 29));
  });

  it('reads and writes HH:MM', () => {
    expect(parseLocalTime('09:30')).toBe(570);
    expect(formatLocalTime(570)).toBe('09:30');
    expect(formatLocalTime(0)).toBe('00:00');
  });
});
