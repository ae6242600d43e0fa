import { Value } from 'typebox/value';
import { describe, expect, it } from 'vitest';
import { emptyHistory, PlannerHistorySchema } from './history.js';
import { DEFAULT_PREFERENCES, PreferencesSchema } from './preferences.js';

describe('DEFAULT_PREFERENCES', () => {
  it('matches ARCHITECTURE "Planner defaults" and its own schema', () => {
    expect(Value.Check(PreferencesSchema, DEFAULT_PREFERENCES)).toBe(true);
    expect(DEFAULT_PREFERENCES).toMatchObject({
      weekStartsOn: 1,
      workingHours: { start: '09:00', end: '17:00', days: [1, 2, 3, 4, 5] },
      firstHalf: { endWeekday: 3, endTime: '12:00' },
      focus: { targetHours: 10, minBlockMinutes: 90, maxBlockMinutes: 240 },
      freezeWindowHours: 24,
      skipWeeks: { minWeeks: 5, maxWeeks: 6, maxGapDays: 21 },
      blastRadius: 20,
      overload: { maxPeopleWithOneOnOnes: 5 },
    });
  });

  it('cannot be changed by accident', () => {
    expect(Object.isFrozen(DEFAULT_PREFERENCES.focus)).toBe(true);
    expect(Object.isFrozen(DEFAULT_PREFERENCES.workingHours.days)).toBe(true);
  });

  it('rejects an unknown preference name (a typo must not be ignored silently)', () => {
    expect(Value.Check(PreferencesSchema, { ...DEFAULT_PREFERENCES, focusTarget: 10 })).toBe(false);
  });

  it('starts a new user with empty, valid history', () => {
    expect(Value.Check(PlannerHistorySchema, emptyHistory())).toBe(true);
  });
});
