/**
 * What the workers finish after the page is drawn, followed without a reload: a plan asked for with
 * "Plan now", a connection's first sync, and the first plan after it. Each is asked again through
 * `follow` (runs.js), naming the ETag of the last answer so an unchanged one costs a 304; when the
 * awaited answer arrives, the sections it changes are drawn again and the status line says so.
 */
import { getIfChanged } from './api.js';
import { announce } from './dom.js';
import { follow, loadRuns } from './runs.js';

/**
 * A check for `follow` that asks `path` again with the last ETag: an unchanged answer is not the one
 * awaited; a changed one is handed to `ready(body, status)`.
 */
function whenChanged(path, ready) {
  let etag;
  return async () => {
    const answer = await getIfChanged(path, etag);
    if (!answer.changed) return false;
    etag = answer.etag;
    return ready(answer.body, answer.status);
  };
}

/**
 * The zone the page draws in: the user's own, else (users start in UTC until a zone is known) the
 * connected calendar's, which the first sync reads.
 */
export const pageZone = (me, connections) =>
  me.timeZone && me.timeZone !== 'UTC'
    ? me.timeZone
    : (connections.find((c) => c.timeZone)?.timeZone ?? 'UTC');

const after = (iso, since) => iso !== null && iso !== undefined && Date.parse(iso) >= since;

/**
 * Follows a "Plan now" accepted at `requestedAt` (the server's clock): done when the current plan was
 * made, or found still current, after it; in autopilot, also when a run of a plan made after it has
 * started (an applied plan is no preview). Then the week is drawn again and the status line says what
 * came of it.
 */
export function followPlanRequest(requestedAt, ctx) {
  const since = Date.parse(requestedAt);
  let outcome;
  const previewReady = whenChanged('/api/v1/plan', (plan, status) => {
    if (status !== 200) return false;
    if (after(plan.createdAt, since)) outcome = 'new';
    else if (after(plan.checkedAt, since)) outcome = 'unchanged';
    return outcome !== undefined;
  });
  const check = async () => {
    if (await previewReady()) return true;
    if (ctx.me.mode !== 'autopilot') return false;
    const run = ((await loadRuns()) ?? []).find((r) => r.kind === 'plan' && after(r.createdAt, since));
    if (run) outcome = 'applying';
    return run !== undefined;
  };
  follow(`plan:${requestedAt}`, 'waiting for the plan you asked for', check, async () => {
    await ctx.refresh('week');
    announce(
      {
        new: 'The new plan preview is shown in the week below.',
        unchanged: 'Planned again: nothing changed since the preview below was made, so it is still current.',
        applying: 'The new plan is being applied (autopilot); the week below shows its progress.',
      }[outcome],
    );
  });
}

/** Follows the first plan of a user who has none yet: when one is stored, the week shows it. */
function followFirstPlan(ctx) {
  follow(
    'first-plan',
    'waiting for the first plan',
    whenChanged('/api/v1/plan', (_plan, status) => status === 200),
    async () => {
      await ctx.refresh('week');
      announce('The planner’s first preview is shown in the week below.');
    },
  );
}

/**
 * Follows the connections in `syncing` (their first sync, or the one after a reconnect): when none is
 * syncing any more, the accounts, the week, People and Balance are drawn again (from the synced
 * calendar), the status line names the accounts synced and those that were not, and the first plan is
 * followed.
 */
function followFirstSync(ctx, syncing) {
  let connections = [];
  follow(
    'first-sync',
    'waiting for your calendar to sync',
    whenChanged('/api/v1/connections', (body) => {
      connections = body.connections;
      return !connections.some((c) => c.status === 'syncing');
    }),
    async () => {
      // The sync reads the calendar's zone, fills the mirror the week draws and finds the people the
      // user meets: every section that shows one of them is drawn again.
      ctx.timeZone = pageZone(ctx.me, connections);
      await Promise.all(['connect', 'week', 'people', 'balance', 'history'].map((name) => ctx.refresh(name)));
      // A connection the user disconnected meanwhile has nothing left to report.
      const watched = connections.filter((c) => syncing.includes(c.id) && c.status !== 'disconnected');
      if (watched.length === 0) return;
      const synced = watched.filter((c) => c.status === 'healthy').map((c) => c.accountEmail);
      const notSynced = watched.filter((c) => c.status !== 'healthy').map((c) => c.accountEmail);
      announce(
        [
          synced.length ? `Synced ${synced.join(', ')}: the week below shows your calendar.` : '',
          notSynced.length ? `${notSynced.join(', ')} could not be synced; the account list says why.` : '',
        ]
          .filter(Boolean)
          .join(' ') || 'The sync is over; the account list shows where each calendar stands.',
      );
      await followPlanIfNone(ctx);
    },
  );
}

/** Starts following the first plan when the user has a connection but no plan nor run yet. */
async function followPlanIfNone(ctx) {
  const plan = await getIfChanged('/api/v1/plan');
  if (plan.status === 200) return;
  const runs = await loadRuns();
  if (runs === null || runs.length === 0) followFirstPlan(ctx);
}

/**
 * Called once the page is drawn: follows what is still on its way for `connections` (the list the
 * page was drawn from), a first sync or a first plan.
 */
export async function followPending(connections, ctx) {
  const live = connections.filter((c) => c.status !== 'disconnected');
  if (live.length === 0) return;
  const syncing = live.filter((c) => c.status === 'syncing').map((c) => c.id);
  if (syncing.length) {
    announce('Syncing your calendar: the week below is drawn again when the sync is done.');
    followFirstSync(ctx, syncing);
  } else {
    await followPlanIfNone(ctx);
  }
}
