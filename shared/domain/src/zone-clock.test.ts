import fc from 'fast-check';
import { Temporal } from 'temporal-polyfill';
import { describe, expect, it } from 'vitest';
import { DAY_MS } from './calendar-math.js';
import { ZoneClock } from './zone-clock.js';

const SEED = 20_240_327;
const ZONES = [
  'Europe/Berlin',
  'America/New_York',
  'Asia/Kolkata',
  'Australia/Adelaide',
  'Pacific/Chatham',
  'America/Santiago',
  'Europe/London',
  'UTC',
];
const START = Date.UTC(2023, 0, 1);
const END = Date.UTC(2028, 0, 1);

// Every transition in the test span, so DST days are generated as often as ordinary ones.
const transitions = ZONES.flatMap((zone) => {
  const found: number[] = [];
  let cursor = Temporal.Instant.fromEpochMilliseconds(START).toZonedDateTimeISO(zone);
  for (;;) {
    const next = cursor.getTimeZoneTransition('next');
    if (!next || next.epochMilliseconds > END) break;
    found.push(next.epochMilliseconds);
    cursor = next;
  }
  return found.map((at) => ({ zone, at }));
});

const instantNearTransition = fc
  .tuple(fc.constantFrom(...transitions), fc.integer({ min: -2 * DAY_MS, max: 2 * DAY_MS }))
  .map(([t, delta]) => ({ zone: t.zone, at: t.at + delta - (delta % 60_000) }));
const anyInstant = fc
  .tuple(fc.constantFrom(...ZONES), fc.integer({ min: START, max: END }))
  .map(([zone, at]) => ({ zone, at: at - (at % 60_000) }));
const case_ = fc.oneof(instantNearTransition, anyInstant);

describe('ZoneClock', () => {
  it('reads the wall clock exactly as Temporal does, around DST changes too', () => {
    fc.assert(
      fc.property(case_, ({ zone, at }) => {
        const clock = ZoneClock.create(zone, at - 3 * DAY_MS, at + 3 * DAY_MS);
        const expected = Temporal.Instant.fromEpochMilliseconds(at).toZonedDateTimeISO(zone);
        const wall = expected.toPlainDateTime().toZonedDateTime('UTC').epochMilliseconds;
        expect(clock.toLocal(at)).toBe(wall);
      }),
      { seed: SEED, numRuns: 1000 },
    );
  });

  it("resolves wall-clock readings like Temporal's compatible disambiguation, in gaps and overlaps", () => {
    fc.assert(
      fc.property(case_, ({ zone, at }) => {
        const clock = ZoneClock.create(zone, at - 3 * DAY_MS, at + 3 * DAY_MS);
        // Read `at` as a wall-clock value, which lands in gaps and repeated hours near transitions.
        const wall = Temporal.Instant.fromEpochMilliseconds(at).toZonedDateTimeISO('UTC').toPlainDateTime();
        const expected = wall.toZonedDateTime(zone, { disambiguation: 'compatible' }).epochMilliseconds;
        expect(clock.fromLocal(at)).toBe(expected);
      }),
      { seed: SEED, numRuns: 1000 },
    );
  });

  it('stays right outside its fast span', () => {
    const clock = ZoneClock.create('Europe/Berlin', Date.UTC(2024, 0, 1), Date.UTC(2024, 0, 8));
    expect(clock.offsetAt(Date.UTC(2024, 6, 1))).toBe(2 * 3_600_000);
    expect(clock.fromLocal(Date.UTC(2024, 6, 1, 12))).toBe(Date.UTC(2024, 6, 1, 10));
  });

  it('rejects unknown zones', () => {
    expect(() => ZoneClock.create('Mars/Olympus_Mons', 0, DAY_MS)).toThrow(RangeError);
  });
});
