/**
 * Skip-week fixtures shared by the end-to-end suites: a user whose skip week is due next week, their
 * agenda on each 1:1 series, and the sandbox's Google Calendar API called as that user.
 */
import { DEVELOPMENT_SEALING_KEY } from '@frontload/config';
import { createTokenVault } from '@frontload/security';
import { Temporal } from 'temporal-polyfill';
import { expect } from 'vitest';
import type { PipelineHarness } from '../pipeline-harness.js';
import { connectionRow } from '../sync-harness.js';

export const ZONE = 'Europe/Berlin';
const vault = createTokenVault(DEVELOPMENT_SEALING_KEY);
/** The agenda the user keeps on each 1:1 series; a skipped occurrence must get it back on undo. */
export const agendaOf = (title: string) => `Agenda for ${title}: wins, blockers, career goals.`;

export type GoogleEvent = {
  id: string;
  summary?: string;
  description?: string;
  status?: string;
  recurrence?: string[];
  organizer?: { self?: boolean };
};

/** Calls the sandbox's Google Calendar API as the connected user, as their own calendar app would. */
export async function googleApi<T>(
  p: PipelineHarness,
  method: string,
  path: string,
  body?: unknown,
): Promise<T> {
  const row = (await connectionRow(p.h, p.connectionId))!;
  const tokens = vault.unseal(row.sealed_tokens, { userId: row.user_id, provider: 'google' }) as {
    accessToken: string;
  };
  const res = await fetch(`${p.h.sandbox.url}/calendar/v3/calendars/primary${path}`, {
    method,
    headers: { authorization: `Bearer ${tokens.accessToken}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return res.json() as Promise<T>;
}

/**
 * Makes next week the user's skip week (their last one five weeks before this Monday; the planner looks
 * at this week and the next) with `message` as the cancellation note.
 */
export async function makeSkipWeekDue(p: PipelineHarness, message: string): Promise<void> {
  const api = p.h.t.app;
  const prefs = (
    await api.inject({ method: 'GET', url: '/api/v1/preferences', headers: { cookie: p.cookie } })
  ).json<{ skipWeeks: Record<string, unknown> }>();
  const today = Temporal.Now.zonedDateTimeISO(ZONE).toPlainDate();
  const monday = today.subtract({ days: today.dayOfWeek - 1 });
  const saved = await api.inject({
    method: 'PUT',
    url: '/api/v1/preferences',
    headers: p.writes,
    payload: {
      ...prefs,
      skipWeeks: { ...prefs.skipWeeks, message, lastSkipWeek: monday.subtract({ weeks: 5 }).toString() },
    },
  });
  expect(saved.statusCode, saved.body).toBe(200);
}

/** Gives every recurring meeting the user organizes on Google an agenda (agendaOf its title). */
export async function writeAgendas(p: PipelineHarness): Promise<void> {
  const { items } = await googleApi<{ items: GoogleEvent[] }>(p, 'GET', '/events?maxResults=2500');
  const own = items.filter((e) => e.recurrence && e.organizer?.self && e.status !== 'cancelled');
  for (const series of own) {
    await googleApi(p, 'PATCH', `/events/${series.id}`, { description: agendaOf(series.summary ?? '') });
  }
}
