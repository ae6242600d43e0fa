/**
 * Plan runs as the page tells them: what a run being applied has done so far, how a finished one
 * ended, whether Undo can still act on it, and following a change the workers finish in the
 * background (a run being applied or undone, a disconnect being cleaned up) by asking again until it
 * is over: at once when the live stream (live.js) says something changed, every few seconds besides.
 */
import { api, ApiError } from './api.js';
import { announce } from './dom.js';

/** Finished run states; an undo is accepted for any of them (the runs API's rule). */
export const FINISHED = new Set(['applied', 'partially_applied', 'stopped', 'failed']);

/** Runs (newest first), or null on a server without the runs API. */
export async function loadRuns() {
  try {
    return (await api('GET', '/api/v1/runs')).runs ?? [];
  } catch (error) {
    if (error instanceof ApiError && (error.status === 404 || error.status === 405)) return null;
    throw error;
  }
}

/** One run with its operations. */
export const loadRun = (id) => api('GET', `/api/v1/runs/${id}`);

/** Runs whose undo was asked for on this page and whose undo run the worker has not made yet. */
const undoRequested = new Set();

/** Notes that an undo of `runId` was accepted, so the page stops offering it at once. */
export function noteUndoRequested(runId) {
  undoRequested.add(runId);
}

/** The undo run of `run` in `runs`, if it has one. */
export const undoOf = (run, runs) => runs.find((r) => r.kind === 'undo' && r.undoOf === run.id);

/**
 * Whether Undo can act on a run: a plan run that finished with changes still applied, and has not
 * been undone (nor asked to be). The server refuses an undo of an undo, of a run still applying and a
 * second undo; an undo of a run that changed nothing would change nothing.
 */
export function canUndo(run, runs) {
  return (
    run.kind !== 'undo' &&
    FINISHED.has(run.state) &&
    (run.appliedOperations === undefined || run.appliedOperations > 0) &&
    !undoOf(run, runs) &&
    !undoRequested.has(run.id)
  );
}

/** Whether this page asked to undo `run` and its undo has not shown up yet. */
export const undoPending = (run, runs) => undoRequested.has(run.id) && !undoOf(run, runs);

/** What the operations of a run came to: made, failed, and left out for a reason (not "not selected"). */
export function runCounts(run) {
  const ops = (run.operations ?? []).filter((o) => o.error !== 'not selected');
  const by = (status) => ops.filter((o) => o.status === status);
  const leftOut = by('skipped');
  return {
    total: ops.length,
    made: by('applied').length + by('reverted').length,
    failed: by('failed').length,
    leftOut: leftOut.length,
    firstReason: by('failed')[0]?.error ?? leftOut[0]?.error,
  };
}

const changes = (n) => `${n} change${n === 1 ? '' : 's'}`;

/** What a run being applied has done so far. */
export function progressText(run) {
  const { total, made } = runCounts(run);
  const doing = run.kind === 'undo' ? 'Undoing a run' : 'Applying the plan';
  return `${doing}: ${made} of ${changes(total)} made so far. The week below is redrawn when it finishes.`;
}

/** How a finished run ended, in a sentence or two. */
export function outcomeText(run) {
  const { total, made, failed, leftOut, firstReason } = runCounts(run);
  const what = run.kind === 'undo' ? 'The undo' : 'The plan';
  const why = firstReason ? ` (${firstReason})` : '';
  const rest = [
    failed ? `${changes(failed)} failed` : '',
    leftOut ? `${changes(leftOut)} left as ${leftOut === 1 ? 'it was' : 'they were'}` : '',
  ]
    .filter(Boolean)
    .join(', ');
  switch (run.state) {
    case 'applied':
      return rest
        ? `${what} was applied: ${changes(made)} made; ${rest}${why}.`
        : `${what} was applied: ${changes(made)} made.`;
    case 'partially_applied':
      return `${what} was partly applied: ${made} of ${changes(total)} made; ${rest}${why}.`;
    case 'failed':
      return `${what} could not be finished: ${run.failureReason ?? 'it could not make progress'}. ${changes(made)} made before it stopped.`;
    case 'stopped':
      return `${what} stopped at your blast-radius limit: ${changes(made)} made.`;
    default:
      return `${what} is ${run.state}.`;
  }
}

/** Checks in progress, by key (a section drawn again does not start a second one): each one's look. */
const following = new Map();

/** Whether something whose key starts with `prefix` is being followed. */
export const isFollowing = (prefix) => [...following.keys()].some((key) => key.startsWith(prefix));

/**
 * Makes every follow look again now rather than at its next tick: the live stream (live.js) calls it
 * when the server says something changed, so the page follows at the stream's pace and polls only
 * while the stream is down.
 */
export function pokeFollows() {
  for (const look of following.values()) look();
}

/**
 * Asks `check()` every `intervalMs` (and whenever poked) until it answers true, then calls `then()`.
 * One follow per key at a time. After `timeoutMs` it stops and says so (`what` names what was being
 * waited for), so the page never claims to be waiting for something it stopped watching.
 */
export function follow(key, what, check, then, { intervalMs = 2_000, timeoutMs = 180_000 } = {}) {
  if (following.has(key)) return;
  const until = Date.now() + timeoutMs;
  let lastError;
  let timer;
  let looking = false;
  let again = false;
  const tick = async () => {
    clearTimeout(timer);
    // A poke while a look is on its way looks once more when it is back (the change may be newer).
    if (looking) {
      again = true;
      return;
    }
    looking = true;
    let done = false;
    try {
      done = await check();
    } catch (error) {
      // A failed look (the server restarting, a network blip) is tried again at the next tick.
      lastError = error;
    }
    looking = false;
    if (done) {
      following.delete(key);
      await then().catch((error) => announce(error.message, 'error'));
    } else if (Date.now() > until) {
      following.delete(key);
      const failure = lastError ? ` (the last check failed: ${lastError.message})` : '';
      announce(
        `Still ${what} after ${timeoutMs / 60_000} minutes${failure}; reload the page later to see how it ended.`,
      );
    } else if (again) {
      again = false;
      void tick();
    } else {
      timer = setTimeout(tick, intervalMs);
    }
  };
  following.set(key, () => void tick());
  timer = setTimeout(tick, intervalMs);
}
