/**
 * A skip week end to end on the sandbox, for Google and for Microsoft: the user already runs skip
 * weeks (their last one was five weeks before the demo week) and has marked one report protected.
 * The preview cancels that week's 1:1 occurrences with the user's own message and keeps the protected
 * person's; applying cancels exactly those occurrences and mails each counterpart the message once;
 * planning again does nothing; undo brings the occurrences back where the provider allows it. The
 * skip week is announced to the user's webhooks once applied, never for the preview.
 */
import type { CalendarEvent } from '@frontload/domain';
import { Temporal } from 'temporal-polyfill';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planUser } from '../../workers/planner/src/plan-user.js';
import { shape, startPipeline, type Plan, type PipelineHarness } from './pipeline-harness.js';
import type { Provider } from './sync-harness.js';
import {
  agendaOf,
  googleApi,
  makeSkipWeekDue,
  writeAgendas,
  ZONE,
  type GoogleEvent,
} from './__fixtures__/skip-week.js';

/** The cancellation note the user chose; every skipped 1:1 must carry exactly this text. */
const SKIP_MESSAGE = 'Skip week: let us check in async on Slack this time. Back to our usual slot next week!';

/** Whether an event starts in the week that begins on `monday` (YYYY-MM-DD) in ZONE. */
const inWeek = (monday: string) => {
  const start = Temporal.PlainDate.from(monday).toZonedDateTime(ZONE).epochMilliseconds;
  const end = Temporal.PlainDate.from(monday).add({ days: 7 }).toZonedDateTime(ZONE).epochMilliseconds;
  return (e: CalendarEvent) => Date.parse(e.start) >= start && Date.parse(e.start) < end;
};

describe.each<[Provider, string]>([
  ['google', 'alex.tlm@sandbox.test'],
  ['microsoft', 'alex.tlm@contoso.sandbox.test'],
])('skip week on %s: preview, apply, replan, undo', (provider, email) => {
  let p: PipelineHarness;
  let original: CalendarEvent[];
  let plan: Plan;
  /** A report whose 1:1s must never be skipped (marked protected before the first plan). */
  let protectedEmail: string;
  const cancels = () => plan.operations.filter((o) => o.kind === 'cancelOccurrence');
  /** The `skip-week-announced` jobs queued for the notifier so far. */
  const announced = async () =>
    (await p.h.jobs('notify')).filter((j) => j.name === 'skip-week-announced').map((j) => j.data);
  const withProtected = (events: CalendarEvent[]) =>
    shape(events.filter((e) => e.attendees.some((a) => a.email.toLowerCase() === protectedEmail)));

  beforeAll(async () => {
    p = await startPipeline(provider, email);
    const api = p.h.t.app;
    await makeSkipWeekDue(p, SKIP_MESSAGE);
    const { people } = (
      await api.inject({ method: 'GET', url: '/api/v1/people', headers: { cookie: p.cookie } })
    ).json<{ people: { email: string }[] }>();
    protectedEmail = people.find((person) => person.email.startsWith('priya'))!.email;
    const marked = await api.inject({
      method: 'PATCH',
      url: `/api/v1/people/${protectedEmail}`,
      headers: p.writes,
      payload: { protected: true },
    });
    expect(marked.statusCode, marked.body).toBe(200);
    // The user keeps an agenda on every recurring meeting they organize.
    if (provider === 'google') await writeAgendas(p);
    original = await p.calendar();
  }, 180_000);
  afterAll(async () => {
    await p?.close();
  });

  it('previews the skip week: each cancellation has a reason, the user message and one person told; the protected 1:1 is kept with a note', async () => {
    expect(await planUser(p.userId, p.deps)).toMatchObject({ outcome: 'stored' });
    const res = await p.h.t.app.inject({
      method: 'GET',
      url: '/api/v1/plan',
      headers: { cookie: p.cookie },
    });
    plan = res.json<Plan>();
    const skip = plan.notes.find((n) => n.code === 'skipWeek')!;
    expect(skip.message).toMatch(/is a skip week/);
    expect(cancels().length).toBeGreaterThan(0);
    for (const op of cancels()) {
      expect(op.reason).toMatch(/skip week/);
      expect(op.desired).toMatchObject({ skipWeek: skip.week, message: SKIP_MESSAGE });
      expect(op.emails).toHaveLength(1);
      expect(op.emails).not.toContain(protectedEmail);
    }
    const kept = plan.notes.find((n) => n.code === 'skipWeekKept' && n.email === protectedEmail);
    expect(kept?.message).toMatch(/protected/);
    expect(shape(await p.calendar())).toEqual(shape(original));
    // A preview may never be applied: nobody is told its 1:1 "will be cancelled".
    expect(await announced()).toEqual([]);
  }, 120_000);

  it('says before apply which cancellations cannot be undone (Microsoft), and applies them only with the user’s confirmation (autopilot waits too): without it, 409 and nothing cancelled', async () => {
    const irreversible = plan.operations.filter((o) => (o as { irreversible?: string | null }).irreversible);
    if (provider === 'google') {
      expect(irreversible).toEqual([]);
      expect(plan.state).toBe('preview');
      return;
    }
    expect(irreversible.map((o) => o.id).sort()).toEqual(
      cancels()
        .map((o) => o.id)
        .sort(),
    );
    for (const op of irreversible)
      expect((op as { irreversible?: string }).irreversible).toMatch(/cannot be undone.*cannot restore/);
    // The plan waits for the user (autopilot applies only a plan stored as 'preview').
    expect(plan.state).toBe('confirm_required');
    const logBefore = (await p.requests()).length;
    const refused = await p.h.t.app.inject({
      method: 'POST',
      url: `/api/v1/plans/${plan.id}/apply`,
      headers: p.writes,
      payload: { confirm: true },
    });
    expect(refused.statusCode, refused.body).toBe(409);
    expect(refused.json()).toMatchObject({
      code: 'FL_IRREVERSIBLE_CONFIRMATION_REQUIRED',
      message: expect.stringMatching(new RegExp(`cancels ${irreversible.length} 1:1 occurrence`)),
    });
    const still = (
      await p.h.t.app.inject({ method: 'GET', url: '/api/v1/plan', headers: { cookie: p.cookie } })
    ).json<Plan>();
    expect(still).toMatchObject({ id: plan.id, state: 'confirm_required' });
    expect(shape(await p.calendar())).toEqual(shape(original));
    const emails = (await p.requests(logBefore)).flatMap((e) => e.emailsSent ?? []);
    expect(emails).toEqual([]);
  }, 120_000);

  it('applies (confirmed): exactly the planned occurrences are gone, each counterpart gets one cancellation with the message, the protected 1:1s stand', async () => {
    const logBefore = (await p.requests()).length;
    const res = await p.h.t.app.inject({
      method: 'POST',
      url: `/api/v1/plans/${plan.id}/apply`,
      headers: p.writes,
      // Google's cancellations can be undone, so only Microsoft needs the second confirmation.
      payload: provider === 'google' ? { confirm: true } : { confirm: true, confirmIrreversible: true },
    });
    expect(res.statusCode, res.body).toBe(202);
    expect((await p.finished('plan')).state).toBe('applied');
    const after = await p.calendar();
    const gone = new Set(cancels().map((o) => o.eventId));
    // The skip week holds exactly what it held, less the cancelled occurrences. (The other horizon
    // week may see 1:1s moved into its first half, which pipeline.test.ts covers.)
    const skipWeek = inWeek(plan.notes.find((n) => n.code === 'skipWeek')!.week!);
    expect(shape(after.filter((e) => !e.tag && skipWeek(e)))).toEqual(
      shape(original.filter((e) => !gone.has(e.id) && skipWeek(e))),
    );
    expect(withProtected(after.filter(skipWeek))).toEqual(withProtected(original.filter(skipWeek)));
    const emails = (await p.requests(logBefore)).flatMap((e) => e.emailsSent ?? []);
    const cancellations = emails.filter((e) => e.kind === 'cancellation');
    expect(cancellations.map((e) => e.to).sort()).toEqual(
      cancels()
        .flatMap((o) => o.emails)
        .sort(),
    );
    for (const mail of cancellations) expect(mail.message).toBe(SKIP_MESSAGE);
    // Once applied, the skip week is announced, for this run.
    expect(await announced()).toEqual([{ userId: p.userId, planId: plan.id }]);
    // Any other mail is one a planned move announced.
    const moved = plan.operations.filter((o) => o.kind === 'moveSeries' || o.kind === 'moveOccurrence');
    expect(
      emails
        .filter((e) => e.kind !== 'cancellation')
        .map((e) => e.to)
        .sort(),
    ).toEqual(moved.flatMap((o) => o.emails).sort());
  }, 180_000);

  it('planning again leaves the skip week as it is', async () => {
    await planUser(p.userId, p.deps);
    const res = await p.h.t.app.inject({
      method: 'GET',
      url: '/api/v1/plan',
      headers: { cookie: p.cookie },
    });
    const next = res.statusCode === 200 ? res.json<Plan>().operations : [];
    expect(next.filter((o) => o.kind === 'cancelOccurrence' || o.kind === 'restoreOccurrence')).toEqual([]);
  }, 120_000);

  it('undo brings the cancelled occurrences back on Google, each with its own agenda and status exactly as before; on Microsoft, which cannot un-cancel, it says which cannot be undone and tries none', async () => {
    const res = await p.h.t.app.inject({
      method: 'POST',
      url: `/api/v1/runs/${plan.id}/undo`,
      headers: p.writes,
    });
    expect(res.statusCode, res.body).toBe(202);
    const told = res.json<{ irreversible: { operationId: string; eventId: string; reason: string }[] }>();
    expect(told.irreversible.map((o) => o.eventId).sort()).toEqual(
      provider === 'google'
        ? []
        : cancels()
            .map((o) => o.eventId)
            .sort(),
    );
    const run = await p.finished('undo');
    const back = await p.calendar();
    const gone = new Set(cancels().map((o) => o.eventId));
    if (provider === 'google') {
      expect(run.state).toBe('applied');
      expect(shape(back)).toEqual(shape(original));
      for (const id of gone) {
        const occurrence = await googleApi<GoogleEvent>(p, 'GET', `/events/${id}`);
        const title = original.find((e) => e.id === id)!.title;
        expect(occurrence).toMatchObject({ status: 'confirmed', description: agendaOf(title) });
      }
      return;
    }
    expect(shape(back)).toEqual(shape(original.filter((e) => !gone.has(e.id))));
    const undo = (
      await p.h.t.app.inject({ method: 'GET', url: `/api/v1/runs/${run.id}`, headers: { cookie: p.cookie } })
    ).json<Plan>();
    const restores = undo.operations.filter((o) => o.kind === 'restoreOccurrence');
    expect(restores.map((o) => o.eventId).sort()).toEqual([...gone].sort());
    for (const op of restores) {
      expect(op.status).toBe('skipped');
      expect(op.error ?? '').toMatch(/cannot be undone.*cannot restore/);
    }
    expect(run.state).toBe('applied'); // the rest of the run is undone; nothing failed
  }, 180_000);
});
