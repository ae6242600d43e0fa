/**
 * Focus time's auto-decline as Google documents it (`focusTimeProperties.autoDeclineMode`, PROVIDERS.md
 * §4): an invitation that reaches a calendar over focus time set to decline is declined in the
 * attendee's name with the focus time's `declineMessage` as their comment; `declineAllConflicting…`
 * also declines the invitations already there; `declineNone` declines nothing. Over googleapis.
 */
import type { calendar_v3 } from 'googleapis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conformanceFailures } from './conformance.js';
import { createGoogleAccount, signIn, startSandbox, type Sandbox } from './helpers.js';

let sandbox: Sandbox;
let alex: calendar_v3.Calendar;
let dana: calendar_v3.Calendar;

const berlin = (local: string) => ({ dateTime: local, timeZone: 'Europe/Berlin' });
const MESSAGE = 'Declined automatically: this is focus time. Reply to find another time.';

beforeAll(async () => {
  sandbox = await startSandbox({ startAtMs: Date.parse('2026-10-12T07:00:00Z') });
  createGoogleAccount(sandbox, 'alex');
  createGoogleAccount(sandbox, 'dana', { focusTimeSupported: false });
  alex = (await signIn(sandbox, 'alex@sandbox.test')).calendar;
  dana = (await signIn(sandbox, 'dana@sandbox.test')).calendar;
});
afterAll(async () => {
  expect(conformanceFailures(sandbox.captured)).toEqual([]);
  await sandbox.close();
});

/** Alex's focus time on `day` 13:00–16:00 Berlin with `mode`. */
async function focusTime(day: string, mode: string) {
  const { data } = await alex.events.insert({
    calendarId: 'primary',
    requestBody: {
      summary: 'Focus time',
      eventType: 'focusTime',
      start: berlin(`${day}T13:00:00`),
      end: berlin(`${day}T16:00:00`),
      focusTimeProperties: { autoDeclineMode: mode, declineMessage: MESSAGE, chatStatus: 'doNotDisturb' },
    },
  });
  return data;
}

/** Dana invites Alex on `day` from `from` to `to` (Berlin). */
async function invite(day: string, from: string, to: string, attendees = ['alex@sandbox.test']) {
  const { data } = await dana.events.insert({
    calendarId: 'primary',
    sendUpdates: 'all',
    requestBody: {
      summary: 'Quick question',
      start: berlin(`${day}T${from}:00`),
      end: berlin(`${day}T${to}:00`),
      attendees: attendees.map((email) => ({ email })),
    },
  });
  return data;
}

/** Alex's response to `eventId`, as Alex's calendar and the organizer's both show it. */
async function alexResponse(eventId: string) {
  const { data: own } = await alex.events.get({ calendarId: 'primary', eventId });
  const { data: organizers } = await dana.events.get({ calendarId: 'primary', eventId });
  const mine = own.attendees?.find((a) => a.self);
  const theirs = organizers.attendees?.find((a) => a.email === 'alex@sandbox.test');
  expect(theirs?.responseStatus).toBe(mine?.responseStatus);
  return { status: mine?.responseStatus, comment: mine?.comment };
}

describe('focus time auto-decline', () => {
  it('declineOnlyNewConflictingInvitations declines a new overlapping invitation with the decline message, and leaves older ones and ones outside it', async () => {
    const earlier = await invite('2026-10-19', '14:00', '14:30');
    const focus = await focusTime('2026-10-19', 'declineOnlyNewConflictingInvitations');
    expect(focus.focusTimeProperties).toEqual({
      autoDeclineMode: 'declineOnlyNewConflictingInvitations',
      declineMessage: MESSAGE,
      chatStatus: 'doNotDisturb',
    });
    const over = await invite('2026-10-19', '15:30', '16:30');
    const after = await invite('2026-10-19', '16:00', '16:30');
    expect(await alexResponse(over.id!)).toEqual({ status: 'declined', comment: MESSAGE });
    expect(await alexResponse(earlier.id!)).toEqual({ status: 'needsAction', comment: undefined });
    expect(await alexResponse(after.id!)).toEqual({ status: 'needsAction', comment: undefined });
  });

  it('declines an attendee added to a meeting that now reaches their focus time', async () => {
    await focusTime('2026-10-20', 'declineOnlyNewConflictingInvitations');
    const meeting = await invite('2026-10-20', '13:30', '14:00', ['sam@partner.example']);
    await dana.events.patch({
      calendarId: 'primary',
      eventId: meeting.id!,
      requestBody: { attendees: [{ email: 'sam@partner.example' }, { email: 'alex@sandbox.test' }] },
    });
    expect(await alexResponse(meeting.id!)).toEqual({ status: 'declined', comment: MESSAGE });
    const { data } = await dana.events.get({ calendarId: 'primary', eventId: meeting.id! });
    expect(data.attendees?.find((a) => a.email === 'sam@partner.example')?.responseStatus).toBe(
      'needsAction',
    );
  });

  it('declineAllConflictingInvitations declines new invitations and the ones already there, not the user’s own meetings', async () => {
    const earlier = await invite('2026-10-21', '14:00', '14:30');
    const { data: own } = await alex.events.insert({
      calendarId: 'primary',
      requestBody: {
        summary: 'My own review',
        start: berlin('2026-10-21T15:00:00'),
        end: berlin('2026-10-21T15:30:00'),
        attendees: [{ email: 'alex@sandbox.test' }, { email: 'dana@sandbox.test' }],
      },
    });
    await focusTime('2026-10-21', 'declineAllConflictingInvitations');
    const later = await invite('2026-10-21', '13:00', '13:30');
    expect(await alexResponse(earlier.id!)).toEqual({ status: 'declined', comment: MESSAGE });
    expect(await alexResponse(later.id!)).toEqual({ status: 'declined', comment: MESSAGE });
    const { data: mine } = await alex.events.get({ calendarId: 'primary', eventId: own.id! });
    expect(mine.attendees?.find((a) => a.self)?.responseStatus).toBe('accepted');
  });

  it('declineAllConflictingInvitations focus time moved onto an invitation declines it', async () => {
    const waiting = await invite('2026-10-23', '09:30', '10:00');
    const focus = await focusTime('2026-10-23', 'declineAllConflictingInvitations');
    expect(await alexResponse(waiting.id!)).toEqual({ status: 'needsAction', comment: undefined });
    await alex.events.patch({
      calendarId: 'primary',
      eventId: focus.id!,
      requestBody: { start: berlin('2026-10-23T09:00:00'), end: berlin('2026-10-23T11:00:00') },
    });
    expect(await alexResponse(waiting.id!)).toEqual({ status: 'declined', comment: MESSAGE });
  });

  it('declineNone changes nothing', async () => {
    const earlier = await invite('2026-10-22', '14:00', '14:30');
    await focusTime('2026-10-22', 'declineNone');
    const later = await invite('2026-10-22', '15:00', '15:30');
    expect(await alexResponse(earlier.id!)).toEqual({ status: 'needsAction', comment: undefined });
    expect(await alexResponse(later.id!)).toEqual({ status: 'needsAction', comment: undefined });
  });
});
