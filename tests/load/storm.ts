/**
 * The push storm: for every user at once (bounded concurrency), an accepted meeting is inserted over
 * one of their future focus blocks through the sandbox control API; the sandbox's watch channel then
 * POSTs the notification to the API's push receiver, and the real pipeline (sync → debounced plan →
 * apply) has to move the block. Latency per user runs from just before the insert to the moment the
 * ledger recorded the provider write that moved (or replaced) that block (`operations.updated_at`
 * of its applied operation; Postgres and this process share the host clock). The calendars are then
 * read back from the sandbox to check what each user relies on.
 */
import type { LoadStack } from './stack.js';
import type { SeededUser } from './seed-users.js';
import { pool } from './seed-users.js';

export interface StormTarget {
  user: SeededUser;
  blockId: string;
  startMs: number;
  endMs: number;
  /** Epoch ms just before the meeting was inserted. */
  t0?: number;
}

/** Each user's first focus block at least three hours ahead, from the mirror. */
export async function pickTargets(stack: LoadStack, users: SeededUser[]): Promise<StormTarget[]> {
  const byUser = new Map(users.map((u) => [u.userId, u]));
  const { rows } = await stack.db.query<{ user_id: string; id: string; starts_at: Date; ends_at: Date }>(
    `select distinct on (c.user_id) c.user_id, e.provider_event_id as id, e.starts_at, e.ends_at
     from events e join connections c on c.id = e.connection_id
     where e.our_tag = 'focusBlock' and e.status <> 'cancelled' and e.starts_at > now() + interval '3 hours'
     order by c.user_id, e.starts_at`,
  );
  return rows
    .filter((r) => byUser.has(r.user_id))
    .map((r) => ({
      user: byUser.get(r.user_id)!,
      blockId: r.id,
      startMs: r.starts_at.getTime(),
      endMs: Math.min(r.ends_at.getTime(), r.starts_at.getTime() + 60 * 60_000),
    }));
}

/** Inserts every target's meeting (the sandbox notifies the API for each). */
export async function fireStorm(stack: LoadStack, targets: StormTarget[], concurrency = 32) {
  await pool(targets, concurrency, async (target, i) => {
    target.t0 = Date.now();
    await stack.sandbox.control('POST', `/accounts/${target.user.accountId}/events`, {
      events: [
        {
          summary: `Customer escalation ${i}`,
          start: { dateTime: new Date(target.startMs).toISOString() },
          end: { dateTime: new Date(target.endMs).toISOString() },
          organizer: { email: 'dana@customer.sandbox.test' },
          attendees: [
            { email: 'dana@customer.sandbox.test', organizer: true, responseStatus: 'accepted' },
            { email: target.user.email, self: true, responseStatus: 'accepted' },
          ],
        },
      ],
    });
  });
}

/** Per user (by id): ms from the insert to the ledger's record of the write that moved the block. */
export async function rewriteLatencies(
  stack: LoadStack,
  targets: StormTarget[],
): Promise<Map<string, number>> {
  const { rows } = await stack.db.query<{ user_id: string; ms: number }>(
    `select t.user_id, (extract(epoch from min(o.updated_at)) * 1000 - min(t.t0))::float8 as ms
     from unnest($1::uuid[], $2::text[], $3::float8[]) as t(user_id, block_id, t0)
     join plans p on p.user_id = t.user_id
     join operations o on o.plan_id = p.id and o.target_event_id = t.block_id and o.status = 'applied'
     where o.updated_at >= to_timestamp(t.t0 / 1000.0)
     group by t.user_id`,
    [targets.map((t) => t.user.userId), targets.map((t) => t.blockId), targets.map((t) => t.t0 ?? 0)],
  );
  return new Map(rows.map((r) => [r.user_id, r.ms]));
}

type DumpedEvent = {
  id: string;
  status?: string;
  start?: { dateTime?: string };
  end?: { dateTime?: string };
  extendedProperties?: { private?: Record<string, string> };
};

export interface CalendarCheck {
  /** Users whose storm meeting no focus block overlaps any more. */
  rewritten: number;
  /** Users with two live Frontload events over the same time (a block written twice). */
  withDuplicates: number;
  /** Live Frontload events over all checked calendars. */
  frontloadEvents: number;
  /** A few offending users, for the failure message. */
  examples: string[];
}

const live = (e: DumpedEvent) => e.status !== 'cancelled' && !!e.start?.dateTime && !!e.end?.dateTime;
const ours = (e: DumpedEvent) => e.extendedProperties?.private?.frontload !== undefined;
const span = (e: DumpedEvent) => [Date.parse(e.start!.dateTime!), Date.parse(e.end!.dateTime!)] as const;

/** Reads every target's calendar back from the sandbox. */
export async function checkCalendars(stack: LoadStack, targets: StormTarget[]): Promise<CalendarCheck> {
  const check: CalendarCheck = { rewritten: 0, withDuplicates: 0, frontloadEvents: 0, examples: [] };
  await pool(targets, 16, async (target) => {
    const events = await stack.sandbox.control<DumpedEvent[]>(
      'GET',
      `/accounts/${target.user.accountId}/events`,
    );
    const mine = events.filter((e) => live(e) && ours(e));
    check.frontloadEvents += mine.length;
    const overlapping = mine.some((e) => span(e)[0] < target.endMs && span(e)[1] > target.startMs);
    if (!overlapping) check.rewritten += 1;
    else if (check.examples.length < 5)
      check.examples.push(`${target.user.email}: block still under the meeting`);
    const duplicate = mine.some((a, i) =>
      mine.some((b, j) => j > i && span(a)[0] < span(b)[1] && span(b)[0] < span(a)[1]),
    );
    if (duplicate) {
      check.withDuplicates += 1;
      if (check.examples.length < 5)
        check.examples.push(`${target.user.email}: overlapping Frontload events`);
    }
  });
  return check;
}

type Delivery = { at: number; status?: number; url: string; error?: { name: string; afterMs: number } };

/**
 * Push deliveries the sandbox attempted since `sinceMs`, those the API did not answer 2xx, and (over
 * the whole run, setup included) those that got no answer at all, by error and whether they waited
 * out most of the sandbox's 10 s limit.
 */
export async function pushDeliveries(stack: LoadStack, sinceMs: number) {
  const all = await stack.sandbox.control<Delivery[]>('GET', '/push/deliveries');
  const since = all.filter((d) => d.at >= sinceMs);
  const failed = since.filter((d) => d.status === undefined || d.status < 200 || d.status > 299);
  return {
    delivered: since.length,
    non2xx: failed.length,
    statuses: countBy(failed.map((d) => String(d.status))),
    unanswered: countBy(
      all.flatMap(({ error }) =>
        error ? [`${error.name} after ${error.afterMs < 9_000 ? '< 9 s' : '≥ 9 s'}`] : [],
      ),
    ),
  };
}

const countBy = (values: string[]) =>
  values.reduce<Record<string, number>>((acc, v) => ({ ...acc, [v]: (acc[v] ?? 0) + 1 }), {});

export const percentile = (sorted: number[], p: number) =>
  sorted.length === 0 ? null : sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
