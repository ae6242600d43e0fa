// Scripted month (a count, not a timing): the attendee emails sent and the calendar writes Frontload
// makes over four weekly cycles with fixed user edits between them, on Google and on Microsoft. Each
// provider runs on a fresh stack (tests/e2e/pipeline-harness.ts: sandbox seeded with the demo, the API,
// the sync worker and the real `apply` queue on real Redis and Postgres), its demo TLM connected and
// synced. The sandbox clock and ours move on one week before each week after the first. Each week:
// the weekly plan is made (planUser) and applied through the API as the user; then the user's edits of
// that week, calendar edits with the user's own provider client and settings through the API (week 1:
// deletes one Frontload focus block; week 2: moves one series Frontload moved back to its old time;
// week 3: marks one report protected and sets the last skip week five weeks back, so one falls due;
// week 4: nothing); after an edit the calendar is read again (as the push would make it) and a plan
// is made and applied once more.
// Counted from the sandbox's own request log of the account (one entry per provider request, with the
// attendee emails the provider would have sent): the requests made by the user's edits are excluded
// and counted apart. Writes are the requests that change the calendar (insert, update/patch, move,
// delete, cancel); attendee emails are the mails to anyone but the user.
// Writes bench/results/scripted-month.json: this code's figures under `after`, keeping the `before`
// figures the file holds (SCRIPTED_MONTH_AS=before writes them, on an older commit it was copied to).
// Run: node --conditions=@frontload/source --import tsx tests/bench/scripted-month.bench.ts
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { repositories } from '@frontload/db';
import type { CalendarEvent } from '@frontload/domain';
import { JobDeferredError } from '@frontload/jobs';
import type { CalendarProvider } from '@frontload/providers';
import { waitUntil } from '@frontload/testing';
import { Temporal } from 'temporal-polyfill';
import { planUser } from '../../workers/planner/src/plan-user.js';
import { moveSeriesAsUser, startPipeline, type PipelineHarness, type Plan } from '../e2e/pipeline-harness.js';
import type { Provider } from '../e2e/sync-harness.js';

const ZONE = 'Europe/Berlin';
const WEEK_MS = 7 * 86_400_000;
/** What the user sends to apply a plan: every operation, past the blast radius and irreversible ones too. */
const APPLY_BODY = { confirm: true, confirmIrreversible: true };
/** Which figures of the file this run writes: `after` (this code) or `before` (an older commit it was copied to). */
const RUN_AS = process.env.SCRIPTED_MONTH_AS === 'before' ? 'before' : 'after';
/** What had to change in this file for the code it runs on (empty on the code it was written for). */
const ADAPTATIONS: string[] = [];
const TLMS: [Provider, string][] = [
  ['google', 'alex.tlm@sandbox.test'],
  ['microsoft', 'alex.tlm@contoso.sandbox.test'],
];

type Slot = { start: string; end: string };
type Email = { to: string; kind: string };
type LogEntry = { method: string; route: string; status: number; emailsSent?: Email[] };
type SeriesMove = { seriesId: string; before: Slot; after: Slot; counterpart: string };

const localTime = (instant: string) => {
  const at = Temporal.Instant.from(instant).toZonedDateTimeISO(ZONE);
  return `${at.dayOfWeek} ${at.hour}:${at.minute}`;
};

/**
 * A request that changes the calendar: any POST, PUT, PATCH or DELETE on an event route (Google
 * insert, update, patch, move, delete; Graph create, update, delete, cancel), not a read sent as a
 * POST (Google freeBusy, Graph getSchedule), nor OAuth, push channels or subscriptions.
 */
const isWrite = (e: LogEntry) =>
  ['POST', 'PUT', 'PATCH', 'DELETE'].includes(e.method) &&
  /\/events\b/.test(e.route) &&
  !/watch/.test(e.route);

/** What a slice of the request log holds: writes by route and the emails to people other than the user. */
function count(entries: LogEntry[], user: string) {
  const writes = entries.filter(isWrite);
  const emails = entries.flatMap((e) => e.emailsSent ?? []).filter((m) => m.to.toLowerCase() !== user);
  const tally = (keys: string[]) =>
    Object.fromEntries([...new Set(keys)].sort().map((k) => [k, keys.filter((x) => x === k).length]));
  return {
    writes: writes.length,
    failedWrites: writes.filter((e) => e.status >= 400).length,
    attendeeEmails: emails.length,
    writesByRoute: tally(writes.map((e) => `${e.route} ${e.status < 400 ? 'ok' : e.status}`)),
    emailsByKind: tally(emails.map((m) => m.kind)),
    emails: tally(emails.map((m) => `${m.kind} to ${m.to.toLowerCase()}`)),
  };
}

class Month {
  /** Log entries made by the user's own edits (index ranges), excluded from Frontload's figures. */
  private readonly userRanges: [number, number][] = [];
  readonly steps: Record<string, unknown>[] = [];
  /** The counterpart of the series the user moved back (week 2). */
  private movedBack: string | undefined;

  constructor(
    readonly p: PipelineHarness,
    readonly user: CalendarProvider,
    readonly email: string,
  ) {}

  now = () => this.p.h.deps.now();

  /** The sandbox's request log of the account, every field of each entry. */
  log = () => this.p.h.sandbox.control<LogEntry[]>('GET', `/requests?accountId=${this.p.accountId}`);

  private inject(method: 'GET' | 'PUT' | 'PATCH', url: string, payload?: object) {
    const headers = method === 'GET' ? { cookie: this.p.cookie } : this.p.writes;
    return this.p.h.t.app.inject({ method, url, headers, ...(payload ? { payload } : {}) });
  }

  /** Plans (waiting out a run or a pending listing as the plan job would) and applies the plan if it has work. */
  async planAndApply(label: string): Promise<void> {
    await this.p.calendar();
    const outcome = await waitUntil(
      async () => {
        try {
          return await planUser(this.p.userId, this.p.deps);
        } catch (error) {
          if (!(error instanceof JobDeferredError)) throw error;
          await this.p.h.idle(60_000);
          return undefined;
        }
      },
      { timeoutMs: 90_000, intervalMs: 1_000, what: `the ${label} plan` },
    );
    const res = await this.inject('GET', '/api/v1/plan');
    const plan = res.statusCode === 200 ? res.json<Plan>() : undefined;
    const step: Record<string, unknown> = { step: label, outcome: outcome.outcome, operations: {} };
    if (plan && plan.operations.length > 0 && ['preview', 'confirm_required'].includes(plan.state)) {
      const kinds = plan.operations.map((o) => o.kind);
      step.operations = Object.fromEntries(
        [...new Set(kinds)].map((k) => [k, kinds.filter((x) => x === k).length]),
      );
      const applied = await this.p.h.t.app.inject({
        method: 'POST',
        url: `/api/v1/plans/${plan.id}/apply`,
        headers: this.p.writes,
        payload: APPLY_BODY,
      });
      if (applied.statusCode !== 202)
        throw new Error(`apply answered ${applied.statusCode}: ${applied.body}`);
      const plans = repositories(this.p.h.t.db).plans;
      step.run = await waitUntil(
        async () => {
          const state = (await plans.byId(plan.id))!.state;
          return ['applied', 'partially_applied', 'stopped', 'failed'].includes(state) ? state : undefined;
        },
        { timeoutMs: 120_000, what: `the ${label} run to finish` },
      );
      // What the ledger says became of each operation (applied, skipped with its reason, failed).
      const ledger = (await plans.operations(plan.id)).map((o) => `${o.kind} ${o.status}`);
      step.ledger = Object.fromEntries(
        [...new Set(ledger)].map((k) => [k, ledger.filter((x) => x === k).length]),
      );
    }
    this.steps.push(step);
    await this.p.calendar();
  }

  /** Runs an edit of the user's; its requests are kept out of Frontload's figures. */
  async asUser(label: string, edit: () => Promise<string | undefined>): Promise<void> {
    const from = (await this.log()).length;
    const did = await edit();
    const to = (await this.log()).length;
    this.userRanges.push([from, to]);
    this.steps.push({ step: label, user: did ?? 'nothing to edit' });
  }

  private future(events: CalendarEvent[]) {
    return events.filter((e) => Date.parse(e.start) > this.now().getTime());
  }

  deleteFocusBlock = async () => {
    const blocks = this.future(await this.p.calendar())
      .filter((e) => e.tag?.kind === 'focusBlock')
      .sort((a, b) => a.start.localeCompare(b.start));
    const block = blocks[0];
    if (!block) return undefined;
    await this.user.deleteEvent({ id: block.id });
    return `deleted the focus block at ${block.start}`;
  };

  /** Moves the first series (by counterpart) Frontload moved, and that still meets where it put it, back. */
  moveSeriesBack = async () => {
    const { rows } = await this.p.h.t.db.query<{ desired: SeriesMove }>(
      `select o.desired from operations o join plans p on p.id = o.plan_id
       where p.user_id = $1 and p.kind = 'plan' and o.kind = 'moveSeries' and o.status = 'applied'
       order by o.updated_at`,
      [this.p.userId],
    );
    const latest = [...new Map(rows.map((r) => [r.desired.seriesId, r.desired])).values()].sort((a, b) =>
      a.counterpart.localeCompare(b.counterpart),
    );
    const events = this.future(await this.p.calendar());
    for (const move of latest) {
      // The series that meets at the moved time now: the one moved, or (split) the one continuing it.
      const next = events
        .filter(
          (e) =>
            e.seriesId !== undefined &&
            e.attendees.some((a) => a.email.toLowerCase() === move.counterpart.toLowerCase()),
        )
        .sort((a, b) => a.start.localeCompare(b.start))[0];
      if (!next?.seriesId || localTime(next.start) !== localTime(move.after.start)) continue;
      await moveSeriesAsUser(this.user, next.seriesId, move.after, move.before, ZONE);
      this.movedBack = move.counterpart.toLowerCase();
      return `moved the 1:1 series with ${move.counterpart} back from ${localTime(move.after.start)} to ${localTime(move.before.start)} (weekday hour:minute, ${ZONE})`;
    }
    return undefined;
  };

  /**
   * Protects the first person (by email) of the user's own domain (a report, not a partner outside) who
   * has a recurring 1:1 with the user, other than the one whose series the user moved back: a 1:1 the
   * skip week would cancel, so the protection is what keeps it.
   */
  protectAndSkipWeekDue = async () => {
    const { people } = (await this.inject('GET', '/api/v1/people')).json<{ people: { email: string }[] }>();
    const domain = `@${this.email.split('@')[1]!}`;
    const inSeries = new Set(
      this.future(await this.p.calendar())
        .map((e) => (e.seriesId === undefined ? [] : e.attendees.filter((a) => a.self !== true)))
        .filter((others) => others.length === 1)
        .map((others) => others[0]!.email.toLowerCase()),
    );
    const person = people
      .map((x) => x.email.toLowerCase())
      .filter((email) => inSeries.has(email) && email.endsWith(domain) && email !== this.movedBack)
      .sort()[0];
    if (person) {
      const res = await this.inject('PATCH', `/api/v1/people/${person}`, { protected: true });
      if (res.statusCode !== 200) throw new Error(`protect answered ${res.statusCode}: ${res.body}`);
    }
    const prefs = (await this.inject('GET', '/api/v1/preferences')).json<{
      skipWeeks: Record<string, unknown>;
    }>();
    const today = Temporal.Instant.fromEpochMilliseconds(this.now().getTime()).toZonedDateTimeISO(ZONE);
    const monday = today.toPlainDate().subtract({ days: today.dayOfWeek - 1 });
    const lastSkipWeek = monday.subtract({ weeks: 5 }).toString();
    const res = await this.inject('PUT', '/api/v1/preferences', {
      ...prefs,
      skipWeeks: { ...prefs.skipWeeks, lastSkipWeek },
    });
    if (res.statusCode !== 200) throw new Error(`preferences answered ${res.statusCode}: ${res.body}`);
    return `protected ${person ?? 'nobody (no people listed)'}; last skip week set to ${lastSkipWeek}`;
  };

  /** Frontload's figures (the user's edits excluded) and the user's own, from log entry `from` on. */
  async figures(from: number) {
    const log = await this.log();
    const mine = (i: number) => this.userRanges.some(([a, b]) => i >= a && i < b);
    const frontload = log.filter((_, i) => i >= from && !mine(i));
    const user = log.filter((_, i) => i >= from && mine(i));
    return { frontload: count(frontload, this.email), userEdits: count(user, this.email) };
  }
}

async function month(provider: Provider, email: string) {
  const started = performance.now();
  const p = await startPipeline(provider, email);
  try {
    const connection = (await repositories(p.h.t.db).connections.byId(p.connectionId))!;
    const m = new Month(p, await p.deps.providerFor(connection), email);
    const from = (await m.log()).length;
    const startedAt = m.now().toISOString();
    const edits: [string, () => Promise<string | undefined>][] = [
      ['week 1 edit', m.deleteFocusBlock],
      ['week 2 edit', m.moveSeriesBack],
      ['week 3 edit', m.protectAndSkipWeekDue],
    ];
    const weeks: Record<string, unknown>[] = [];
    for (let week = 1; week <= 4; week++) {
      if (week > 1) await p.h.advance(WEEK_MS);
      const stepFrom = m.steps.length;
      const logFrom = (await m.log()).length;
      await m.planAndApply(`week ${week} plan`);
      const edit = edits[week - 1];
      if (edit) {
        await m.asUser(edit[0], edit[1]);
        await m.planAndApply(`week ${week} replan after the edit`);
      }
      const { frontload, userEdits } = await m.figures(logFrom);
      weeks.push({
        week,
        clock: m.now().toISOString(),
        steps: m.steps.slice(stepFrom),
        frontload,
        userEdits,
      });
      process.stdout.write(
        `${provider} week ${week}: ${frontload.writes} writes, ${frontload.attendeeEmails} attendee emails\n`,
      );
    }
    return {
      account: email,
      clockFrom: startedAt,
      clockTo: m.now().toISOString(),
      seconds: Math.round((performance.now() - started) / 1000),
      ...(await m.figures(from)),
      weeks,
    };
  } finally {
    await p.close();
  }
}

const out = resolve(join(import.meta.dirname, '../../bench/results'));
const file = join(out, 'scripted-month.json');
const previous = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>) : {};
const providers: Record<string, unknown> = {};
for (const [provider, email] of TLMS) providers[provider] = await month(provider, email);

const result = {
  ...previous,
  measuredAt: new Date().toISOString(),
  node: process.version,
  cores: os.cpus().length,
  loadAverage: os.loadavg().map((l) => Math.round(l * 100) / 100),
  counts: {
    writes:
      'provider requests of the account that change the calendar (POST, PUT, PATCH or DELETE on an event route: Google events insert/update/patch/move/delete, Graph event create/update/delete/cancel), made by Frontload (the plans applied; the reads of sync and planning are not writes); failed ones included and also counted apart as failedWrites',
    attendeeEmails:
      "mails the provider would have sent for Frontload's requests to anyone but the user (sandbox request log `emailsSent`: Google by sendUpdates, Graph invitations, updates and cancellations), one per recipient per request",
    userEdits:
      "the requests the user's own edits made (through the user's provider client and the API), excluded from the frontload figures and counted apart",
  },
  script:
    'per provider, a fresh sandbox seeded with the demo and its TLM connected and synced (Europe/Berlin), then four weeks; before weeks 2 to 4 the sandbox clock and ours move on one week (7 days), so the weeks are four successive calendar weeks of the demo (its recurring meetings continue, one-off demo meetings lie in the first weeks only). Each week: the weekly plan is made (planUser) and applied through the API as the user (POST /plans/:id/apply with confirm); then the edit: week 1 the user deletes the earliest future Frontload focus block; week 2 the user moves the 1:1 series (first by counterpart email) that a Frontload series move put somewhere, and that still meets there, back to its old weekday and time (whole series, no attendee notification); week 3 the user marks protected the first person of GET /api/v1/people (by email) of the user’s own email domain who has a recurring 1:1 with the user (the one other attendee of a recurring event), other than the counterpart of the series moved back in week 2, and sets preferences.skipWeeks.lastSkipWeek to the Monday five weeks back, so a skip week falls due; week 4 nothing. After each edit the calendar is listed again (full resync, as the push would make it) and a plan is made and applied once more. A plan with no operations is not applied.',
  [RUN_AS]: {
    commit: execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim(),
    measuredAt: new Date().toISOString(),
    adaptations: ADAPTATIONS,
    providers,
  },
};
mkdirSync(out, { recursive: true });
writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
console.log(JSON.stringify(result, null, 2));
process.exit(0);
