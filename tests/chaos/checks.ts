/**
 * What a chaos run must show, each check returning the violations it found (empty: it holds).
 */
import type { Database } from '@frontload/db';
import type { ViewEvent } from './calendar-view.js';

const describe = (e: ViewEvent) => {
  const { summary, start } = JSON.parse(e.content) as { summary: string; start: string };
  return `"${summary}" ${start}`;
};

/** Event ids that a ledger operation applied since `since` (a database timestamp) aimed at. */
export async function appliedTargets(db: Database, since: Date): Promise<Set<string>> {
  const { rows } = await db.query<{ target_event_id: string | null; desired: Record<string, unknown> }>(
    `select target_event_id, desired from operations where status = 'applied' and updated_at >= $1`,
    [since],
  );
  const ids = new Set<string>();
  for (const row of rows) {
    for (const id of [row.target_event_id, row.desired.eventId, row.desired.seriesId]) {
      if (typeof id === 'string') ids.add(id);
    }
  }
  return ids;
}

/**
 * Every event of the user's (not created by Frontload) is still there with the same content after a
 * step, unless an applied ledger operation aimed at it or its series; no other event appeared.
 */
export function userEventViolations(before: ViewEvent[], after: ViewEvent[], targets: Set<string>): string[] {
  const planned = (e: ViewEvent) =>
    targets.has(e.id) || (e.masterId !== undefined && targets.has(e.masterId));
  const afterById = new Map(after.map((e) => [e.id, e]));
  const beforeIds = new Set(before.map((e) => e.id));
  const found: string[] = [];
  for (const b of before.filter((e) => !e.ourKey)) {
    const a = afterById.get(b.id);
    if (!a && !planned(b)) found.push(`user event lost: ${describe(b)}`);
    else if (a && a.content !== b.content && !planned(b))
      found.push(`user event changed outside a planned operation: ${describe(b)} → ${a.content}`);
  }
  for (const a of after.filter((e) => !e.ourKey && !beforeIds.has(e.id))) {
    if (!planned(a)) found.push(`an untagged event appeared: ${describe(a)}`);
  }
  return found;
}

/** No two live Frontload events share a key or their content. */
export function duplicateViolations(events: ViewEvent[]): string[] {
  const ours = events.filter((e) => e.ourKey && !e.cancelled);
  const found: string[] = [];
  const seen = (key: (e: ViewEvent) => string, what: string) => {
    const counts = new Map<string, ViewEvent[]>();
    for (const e of ours) counts.set(key(e), [...(counts.get(key(e)) ?? []), e]);
    for (const [, group] of counts)
      if (group.length > 1)
        found.push(`${group.length} Frontload events with the same ${what}: ${describe(group[0]!)}`);
  };
  seen((e) => e.ourKey!, 'key');
  seen((e) => e.content, 'content');
  return found;
}

export interface LedgerSummary {
  applied: number;
  explained: Record<string, number>;
  violations: string[];
}

/**
 * Every operation of every run that started is applied, or skipped/failed with a reason; and no plan
 * with work in it is left a preview for a user in autopilot (autopilot starts every such plan).
 */
export async function ledgerCheck(db: Database): Promise<LedgerSummary> {
  const { rows } = await db.query<{ state: string; kind: string; status: string; error: string | null }>(
    `select p.state, o.kind, o.status, o.error from operations o join plans p on p.id = o.plan_id
     where p.state in ('applying', 'applied', 'partially_applied', 'stopped', 'failed')`,
  );
  const summary: LedgerSummary = { applied: 0, explained: {}, violations: [] };
  for (const row of rows) {
    if (row.state === 'applying')
      summary.violations.push(`a run is stuck applying (${row.kind}: ${row.status})`);
    if (row.status === 'applied') summary.applied += 1;
    else if ((row.status === 'skipped' || row.status === 'failed') && row.error) {
      const key = `${row.status}: ${row.error.slice(0, 80)}`;
      summary.explained[key] = (summary.explained[key] ?? 0) + 1;
    } else
      summary.violations.push(`operation ${row.kind} left ${row.status} without a reason (run ${row.state})`);
  }
  const { rows: unstarted } = await db.query<{ operations: number }>(
    `select count(o.id)::int as operations from plans p
     join users u on u.id = p.user_id and u.mode = 'autopilot'
     join operations o on o.plan_id = p.id
     where p.kind = 'plan' and p.state = 'preview'
     group by p.id`,
  );
  for (const { operations } of unstarted)
    summary.violations.push(`an autopilot plan with ${operations} operation(s) was never started`);
  return summary;
}

export type Delivery = { provider: string; accountId: string; status?: number; fault?: string; at: number };

export interface NotificationSummary {
  outcomes: Record<string, number>;
  violations: string[];
}

/**
 * Every push notification the sandbox sent is accounted for: answered 2xx (it queued a sync, or was
 * coalesced into one already queued), dropped by an injected fault, refused as coming from a channel
 * that was already replaced (401), or refused with a 5xx during a step whose Redis restarted or whose
 * Postgres sessions were dropped. Lost ones are caught up by the sweep: the mirror and calendar checks
 * prove it.
 */
export function notificationCheck(
  deliveries: Delivery[],
  outages: { from: number; to: number }[],
): NotificationSummary {
  const outcomes: Record<string, number> = {};
  const violations: string[] = [];
  const duringOutage = (at: number) => outages.some((o) => at >= o.from && at <= o.to);
  for (const d of deliveries) {
    const outcome =
      d.fault === 'drop'
        ? 'dropped by fault'
        : d.status === undefined
          ? 'no answer'
          : d.status < 300
            ? d.fault
              ? `accepted (${d.fault})`
              : 'accepted'
            : d.status === 401
              ? 'refused: channel already replaced'
              : d.status >= 500 && duringOutage(d.at)
                ? 'refused during a Redis or Postgres outage'
                : `answered ${d.status}`;
    outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
    if (outcome === 'no answer' || outcome.startsWith('answered'))
      violations.push(`push notification (${d.provider}) unaccounted for: ${outcome}`);
  }
  return { outcomes, violations: [...new Set(violations)] };
}

/**
 * The mirror holds every single (non-recurring) event of the provider's calendar at its time, and
 * none that the provider deleted: the notifications that announced each change led to a sync.
 */
export async function mirrorViolations(
  db: Database,
  connectionId: string,
  events: ViewEvent[],
): Promise<string[]> {
  const { rows } = await db.query<{ provider_event_id: string; starts_at: Date | null; status: string }>(
    `select provider_event_id, starts_at, status from events where connection_id = $1`,
    [connectionId],
  );
  const mirror = new Map(rows.map((r) => [r.provider_event_id, r]));
  const found: string[] = [];
  for (const e of events.filter((x) => !x.recurring && !x.allDay)) {
    const row = mirror.get(e.id);
    const live = row && row.status !== 'cancelled';
    if (e.cancelled ? live : !live || row.starts_at?.toISOString() !== new Date(e.start).toISOString())
      found.push(
        `mirror out of date for ${describe(e)} (mirror: ${row ? `${row.status} ${row.starts_at?.toISOString()}` : 'none'})`,
      );
  }
  return found;
}

/** No live Frontload event overlaps a slot the user deleted one of its focus blocks from. */
export function deletedSlotViolations(
  events: ViewEvent[],
  deleted: { start: string; end: string }[],
): string[] {
  const found: string[] = [];
  for (const e of events.filter((v) => v.ourKey && !v.cancelled && !v.recurring)) {
    const { start, end } = JSON.parse(e.content) as { start: string; end: string };
    for (const slot of deleted)
      if (Date.parse(start) < Date.parse(slot.end) && Date.parse(slot.start) < Date.parse(end))
        found.push(
          `a Frontload block ${describe(e)} over the slot the user deleted one from (${slot.start})`,
        );
  }
  return found;
}

/** No 1:1 occurrence with a person was cancelled by a run after the user marked them protected. */
export async function protectedCancelViolations(
  db: Database,
  userId: string,
  protectedSince: Map<string, Date>,
): Promise<string[]> {
  if (protectedSince.size === 0) return [];
  const { rows } = await db.query<{ counterpart: string | null; updated_at: Date }>(
    `select o.desired->>'counterpart' as counterpart, o.updated_at from operations o
     join plans p on p.id = o.plan_id
     where p.user_id = $1 and o.kind = 'cancelOccurrence' and o.status = 'applied'`,
    [userId],
  );
  return rows
    .filter((r) => {
      const since = r.counterpart ? protectedSince.get(r.counterpart.toLowerCase()) : undefined;
      return since !== undefined && r.updated_at > since;
    })
    .map((r) => `a 1:1 with ${r.counterpart} cancelled after they were marked protected`);
}
