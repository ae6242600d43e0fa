import { Value } from 'typebox/value';
import { describe, expect, it } from 'vitest';
import { emptyHistory, PlannerHistorySchema } from './history.js';
import { DEFAULT_PREFERENCES, PreferencesSchema, storedPreferences } from './preferences.js';

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

describe('storedPreferences', () => {
  it('reads a document stored before the check-in template existed with the default template, keeping every other choice', () => {
    const { checkIn: _dropped, ...olderSkipWeeks } = DEFAULT_PREFERENCES.skipWeeks;
    const older = {
      ...structuredClone(DEFAULT_PREFERENCES),
      skipWeeks: { ...olderSkipWeeks, message: 'Mine' },
    };
    const read = storedPreferences(older);
    expect(read.skipWeeks.message).toBe('Mine');
    expect(read.skipWeeks.checkIn).toBe(DEFAULT_PREFERENCES.skipWeeks.checkIn);
  });

  it('keeps the user’s own check-in template', () => {
    const own = structuredClone(DEFAULT_PREFERENCES);
    own.skipWeeks.checkIn = 'Hey {name}, skipping {meeting} this week.';
    expect(storedPreferences(own).skipWeeks.checkIn).toBe('Hey {name}, skipping {meeting} this week.');
  });

  it('reads a document stored before the focus behaviour settings with their defaults (decline nothing, available), keeping the rest of focus', () => {
    const { autoDecline: _a, chatStatus: _c, ...olderFocus } = DEFAULT_PREFERENCES.focus;
    const older = { ...structuredClone(DEFAULT_PREFERENCES), focus: { ...olderFocus, title: 'Deep work' } };
    expect(Value.Check(PreferencesSchema, older)).toBe(true);
    expect(storedPreferences(older).focus).toEqual({
      ...olderFocus,
      title: 'Deep work',
      autoDecline: 'none',
      chatStatus: 'available',
    });
  });

  it('keeps the user’s focus behaviour choice and refuses values outside the lists', () => {
    const own = structuredClone(DEFAULT_PREFERENCES);
    own.focus.autoDecline = 'new';
    own.focus.chatStatus = 'doNotDisturb';
    expect(storedPreferences(own).focus).toMatchObject({ autoDecline: 'new', chatStatus: 'doNotDisturb' });
    for (const focus of [
      { ...own.focus, autoDecline: 'declineAllConflictingInvitations' },
      { ...own.focus, chatStatus: 'busy' },
    ])
      expect(Value.Check(PreferencesSchema, { ...own, focus })).toBe(false);
  });

  it('refuses an empty check-in template', () => {
    const empty = structuredClone(DEFAULT_PREFERENCES);
    empty.skipWeeks.checkIn = '';
    expect(Value.Check(PreferencesSchema, empty)).toBe(false);
  });
});
