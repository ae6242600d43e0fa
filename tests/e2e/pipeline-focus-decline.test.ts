/**
 * Focus blocks as Google focus time with the user's auto-decline choice, end to end on the sandbox
 * (Google): with "Only new invitations", the plan's focus blocks are written with
 * `declineOnlyNewConflictingInvitations` and the decline message; a colleague's invitation over one
 * afterwards comes back declined in the user's name, and planning again leaves the block where it is.
 * With the default (decline nothing) the blocks are written with `declineNone` as before, and the same
 * invitation waits for the user's answer.
 */
import { selfAttendee, type CalendarEvent } from '@frontload/domain';
import { describe, expect, it } from 'vitest';
import { planUser } from '../../workers/planner/src/plan-user.js';
import { usePipeline, type Op, type PipelineHarness } from './pipeline-harness.js';

const EMAIL = 'alex.tlm@sandbox.test';
const COLLEAGUE = 'jordan.colleague@sandbox.test';
const MESSAGE = 'Declined automatically: this is focus time. Reply to find another time.';
type Slot = { start: string; end: string };
type RawEvent = { id: string; eventType?: string; focusTimeProperties?: Record<string, string> };

async function setAutoDecline(p: PipelineHarness, autoDecline: 'none' | 'new') {
  const api = p.h.t.app;
  const prefs = (
    await api.inject({ method: 'GET', url: '/api/v1/preferences', headers: { cookie: p.cookie } })
  ).json<{ focus: Record<string, unknown> }>();
  expect(prefs.focus).toMatchObject({ autoDecline: 'none', chatStatus: 'available' });
  if (autoDecline === 'none') return;
  const saved = await api.inject({
    method: 'PUT',
    url: '/api/v1/preferences',
    headers: p.writes,
    payload: { ...prefs, focus: { ...prefs.focus, autoDecline } },
  });
  expect(saved.statusCode, saved.body).toBe(200);
}

/** Plans, applies the plan, and returns its focus block creations. */
async function planAndApply(p: PipelineHarness): Promise<Op[]> {
  expect(await planUser(p.userId, p.deps)).toMatchObject({ outcome: 'stored' });
  const plan = (
    await p.h.t.app.inject({ method: 'GET', url: '/api/v1/plan', headers: { cookie: p.cookie } })
  ).json<{ id: string; operations: Op[] }>();
  const blocks = plan.operations.filter((o) => o.kind === 'createFocusBlock');
  expect(blocks.length, 'the plan adds focus blocks').toBeGreaterThan(0);
  const res = await p.h.t.app.inject({
    method: 'POST',
    url: `/api/v1/plans/${plan.id}/apply`,
    headers: p.writes,
    payload: { confirm: true, confirmIrreversible: true },
  });
  expect(res.statusCode, res.body).toBe(202);
  expect((await p.finished('plan'))?.state).toBe('applied');
  return blocks;
}

/** A colleague (a Google user of their own) invites the user to half an hour inside `slot`. */
async function inviteOver(p: PipelineHarness, slot: Slot): Promise<void> {
  const colleague = await p.h.sandbox.createAccount({
    provider: 'google',
    email: COLLEAGUE,
    name: 'Jordan Lee',
    timeZone: 'Europe/Berlin',
  });
  const start = Date.parse(slot.start) + 30 * 60_000;
  await p.h.sandbox.control('POST', `/accounts/${colleague.id}/events`, {
    events: [
      {
        summary: 'Can we talk about the launch?',
        start: { dateTime: new Date(start).toISOString() },
        end: { dateTime: new Date(start + 30 * 60_000).toISOString() },
        attendees: [{ email: COLLEAGUE }, { email: EMAIL }],
      },
    ],
  });
}

describe.each([
  ['new', 'declineOnlyNewConflictingInvitations', 'declined'],
  ['none', 'declineNone', 'needsAction'],
] as const)('focus blocks on google with auto-decline %s', (autoDecline, mode, response) => {
  const p = usePipeline('google', EMAIL);
  let blocks: Op[];
  let block: CalendarEvent;

  it(`writes the plan's focus blocks as focus time with ${mode}`, async () => {
    await setAutoDecline(p, autoDecline);
    blocks = await planAndApply(p);
    for (const op of blocks)
      expect((op.desired as { autoDecline?: string }).autoDecline).toBe(
        autoDecline === 'none' ? undefined : autoDecline,
      );
    const calendar = await p.calendar();
    const ours = calendar.filter((e) => e.tag?.kind === 'focusBlock');
    expect(ours).toHaveLength(blocks.length);
    block = ours[0]!;
    const raw = await p.h.sandbox.control<RawEvent[]>('GET', `/accounts/${p.accountId}/events`);
    for (const event of ours) {
      const written = raw.find((r) => r.id === event.id)!;
      expect(written.eventType).toBe('focusTime');
      expect(written.focusTimeProperties).toEqual({
        autoDeclineMode: mode,
        ...(autoDecline === 'none' ? {} : { declineMessage: MESSAGE }),
        chatStatus: 'available',
      });
    }
  }, 240_000);

  it(`a colleague's invitation over a block comes back ${response}, and planning again leaves the block where it is`, async () => {
    await inviteOver(p, block);
    const calendar = await p.calendar();
    const invitation = calendar.find((e) => e.title === 'Can we talk about the launch?')!;
    expect(selfAttendee(invitation)?.responseStatus).toBe(response);
    await planUser(p.userId, p.deps);
    const res = await p.h.t.app.inject({ method: 'GET', url: '/api/v1/plan', headers: { cookie: p.cookie } });
    const operations = res.statusCode === 200 ? res.json<{ operations: Op[] }>().operations : [];
    expect(operations.filter((o) => o.eventId === block.id)).toEqual([]);
    const after = (await p.calendar()).find((e) => e.id === block.id)!;
    expect({ start: after.start, end: after.end }).toEqual({ start: block.start, end: block.end });
  }, 240_000);
});
