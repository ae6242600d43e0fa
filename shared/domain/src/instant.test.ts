import fc from 'fast-check';
import { Temporal } from 'temporal-polyfill';
import { describe, expect, it } from 'vitest';
import { formatInstant, parseInstant } from './instant.js';

const SEED = 20_240_326;

describe('instants', () => {
  it('parses and prints instants exactly as Temporal does', () => {
    const offsets = fc.constantFrom('Z', '+00:00', '+05:30', '-03:00', '+12:45', '-09:30');
    fc.assert(
      fc.property(
        fc.integer({ min: -2_000_000_000_000, max: 8_000_000_000_000 }),
        offsets,
        fc.boolean(),
        (ms, offset, withMillis) => {
          const epochMs = withMillis ? ms : ms - (((ms % 1000) + 1000) % 1000);
          const instant = Temporal.Instant.fromEpochMilliseconds(epochMs);
          expect(formatInstant(epochMs)).toBe(instant.toString());
          const text = instant.toString({ timeZone: offset === 'Z' ? 'UTC' : offset }).replace(/\[.*\]$/, '');
          const written = offset === 'Z' ? instant.toString() : text;
          expect(parseInstant(written)).toBe(Temporal.Instant.from(written).epochMilliseconds);
        },
      ),
      { seed: SEED, numRuns: 1000 },
    );
  });

  it('rejects text that is not an instant, with Temporal wording', () => {
    expect(() => parseInstant('2024-02-30T10:00:00Z')).toThrow(RangeError);
    expect(() => parseInstant('2024-03-25T10:00:00')).toThrow(RangeError);
    expect(() => parseInstant('yesterday')).toThrow(RangeError);
  });

  it('keeps sub-second precision to the millisecond', () => {
    expect(parseInstant('2024-03-25T10:00:00.123456Z')).toBe(Date.UTC(2024, 2, 25, 10, 0, 0, 123));
    expect(formatInstant(Date.UTC(2024, 2, 25, 10, 0, 0, 500))).toBe('2024-03-25T10:00:00.5Z');
  });
});
