/**
 * History: the audit log in sentences, and plan runs with Undo where it can act (a finished run not
 * undone yet) when the server has the runs API; without it the runs list is left out.
 */
import { api } from './api.js';
import { announce, busy, formatWhen, h, replace } from './dom.js';
import {
  canUndo,
  follow,
  loadRun,
  loadRuns,
  noteUndoRequested,
  outcomeText,
  undoOf,
  undoPending,
} from './runs.js';

const PROVIDER_NAME = { google: 'Google Calendar', microsoft: 'Microsoft 365' };
const WHO = { user: 'You', planner: 'Planner', autopilot: 'Autopilot', system: 'Frontload' };

const account = (d) =>
  [PROVIDER_NAME[d.provider], d.account].filter(Boolean).join(' ') || 'a calendar account';
const count = (n, one, many) => `${n} ${n === 1 ? one : many}`;
const onOff = (value) => (value ? 'on' : 'off');

/** Each audit action as a sentence, from its details. */
const ACTIONS = {
  'connection.created': (d) => `Connected ${account(d)}.`,
  'connection.reconnected': (d) => `Reconnected ${account(d)}.`,
  'connection.deleted': (d) =>
    `Removed ${account(d)} from Frontload after it was disconnected${
      typeof d.eventsRemoved === 'number'
        ? `, deleting ${count(d.eventsRemoved, 'upcoming focus block', 'upcoming focus blocks')} from it`
        : ''
    }.`,
  'connection.write_target': () => 'Chose a different calendar for Frontload to write to.',
  'preferences.updated': () => 'Changed preferences.',
  'mode.changed': (d) => (d.mode === 'autopilot' ? 'Turned autopilot on.' : 'Switched to preview mode.'),
  'person.updated': (d, names) => {
    const changes = [
      typeof d.protected === 'boolean' ? `protected ${onOff(d.protected)}` : '',
      typeof d.fixed === 'boolean' ? `fixed ${onOff(d.fixed)}` : '',
      typeof d.role === 'string' ? `role ${d.role}` : '',
    ].filter(Boolean);
    const who = (d.email && names.get(d.email.toLowerCase())) || d.email || 'a person';
    return `Changed ${who}${changes.length ? `: ${changes.join(', ')}` : ''}.`;
  },
  'override.detected': (d) =>
    `Noticed you moved “${d.title ?? 'a 1:1'}” yourself; Frontload leaves it where you put it.`,
  'override.released': (d) => `Let Frontload manage “${d.title ?? 'a 1:1'}” again.`,
  'api_token.created': () => 'Created an API token.',
  'api_token.revoked': () => 'Revoked an API token.',
  'webhook.created': (d) => `Added the webhook endpoint ${d.url ?? ''}`.trim() + '.',
  'webhook.updated': (d) =>
    typeof d.enabled === 'boolean'
      ? `Turned a webhook endpoint ${onOff(d.enabled)}.`
      : 'Changed a webhook endpoint.',
  'webhook.secret_rotated': () => 'Rotated a webhook endpoint’s signing secret.',
  'webhook.disabled': (d) =>
    d.reason === '410 Gone'
      ? 'Turned a webhook endpoint off: its receiver answered 410 Gone, asking not to be called again.'
      : `Turned a webhook endpoint off: ${d.reason?.startsWith('failing') ? `it had been ${d.reason}` : (d.reason ?? 'its deliveries kept failing')}.`,
  'plan.rejected': (d) => {
    const problems = (Array.isArray(d.errors) ? d.errors : []).map((e) => e?.message).filter(Boolean);
    return `Could not make a plan from your calendar and settings${
      problems.length ? `: ${problems.slice(0, 3).join('; ')}${problems.length > 3 ? '; …' : ''}` : ''
    }.`;
  },
  'run.started': (d) =>
    `Started applying a plan${typeof d.operations === 'number' ? ` (${count(d.operations, 'change', 'changes')})` : ''}.`,
  'run.undo_requested': () => 'Asked to undo a run.',
};

/** An action the page has no sentence for yet, in words rather than its code. */
const unknownAction = (action) => `${action.replace(/[._]+/g, ' ')}.`.replace(/^./, (c) => c.toUpperCase());

/** An audit entry as a sentence; people are named as the People section names them (`names`). */
function describeEntry(entry, names) {
  const sentence = ACTIONS[entry.action];
  return sentence ? sentence(entry.details ?? {}, names) : unknownAction(entry.action);
}

const STATE_TEXT = {
  applying: 'being applied…',
  applied: 'applied',
  partially_applied: 'partly applied',
  stopped: 'stopped (blast radius)',
  failed: 'failed',
};

/** A run's line: when, what, how it stands, and whether (and how) it was undone. */
function runText(run, runs, when) {
  const undo = undoOf(run, runs);
  const undone = undo
    ? ` · ${undo.state === 'applying' ? 'being undone…' : 'undone'}`
    : undoPending(run, runs)
      ? ' · undo requested…'
      : '';
  const what = run.kind === 'undo' ? 'Undo of an earlier run' : 'Plan run';
  const state = STATE_TEXT[run.state] ?? run.state;
  return `${when} · ${what} · ${state}${run.failureReason ? ` (${run.failureReason})` : ''}${undone} `;
}

/**
 * Asks to undo a run, says what it cannot bring back, and follows the undo until it ends: then the
 * page says how it ended and draws the week and History again.
 */
async function undoRun(run, ctx) {
  const { irreversible = [] } = (await api('POST', `/api/v1/runs/${run.id}/undo`)) ?? {};
  noteUndoRequested(run.id);
  // Say plainly what the undo cannot bring back (Microsoft skip-week cancellations).
  announce(
    irreversible.length
      ? `Undoing the run… ${irreversible.length} change(s) cannot be undone and stay as they are: ${irreversible[0].reason}.`
      : 'Undoing the run…',
  );
  await Promise.all([ctx.refresh?.('history'), ctx.refresh?.('week')]);
  let finished;
  follow(
    `undo:${run.id}`,
    'undoing the run',
    async () => {
      const undo = undoOf(run, (await loadRuns()) ?? []);
      if (!undo || undo.state === 'applying') return false;
      finished = await loadRun(undo.id);
      return true;
    },
    async () => {
      announce(outcomeText(finished));
      await Promise.all([ctx.refresh?.('history'), ctx.refresh?.('week')]);
    },
  );
}

function runsList(runs, ctx) {
  return h(
    'ul',
    { className: 'runs', 'aria-label': 'Plan runs' },
    runs.map((run) => {
      const when = formatWhen(run.appliedAt ?? run.createdAt, ctx.timeZone);
      let undo = null;
      // Offered only where it can act: a finished plan run not undone yet.
      if (canUndo(run, runs)) {
        undo = h(
          'button',
          { type: 'button', className: 'secondary', 'aria-label': `Undo the run of ${when}` },
          'Undo',
        );
        undo.addEventListener(
          'click',
          busy(undo, () => undoRun(run, ctx)),
        );
      }
      return h('li', { 'data-run-id': run.id, 'data-state': run.state }, runText(run, runs, when), undo);
    }),
  );
}

/** Renders the history section. */
export async function renderHistory(root, ctx) {
  const [{ entries }, runs, { people }] = await Promise.all([
    api('GET', '/api/v1/audit'),
    loadRuns(),
    api('GET', '/api/v1/people').catch(() => ({ people: [] })),
  ]);
  const names = new Map(
    people.filter((p) => p.displayName).map((p) => [p.email.toLowerCase(), p.displayName]),
  );
  replace(
    root,
    runs && runs.length ? [h('h3', {}, 'Runs'), runsList(runs, ctx)] : null,
    h('h3', {}, 'Audit log'),
    entries.length === 0
      ? h('p', {}, 'Nothing yet.')
      : h(
          'table',
          { className: 'table', id: 'audit-log' },
          h('caption', { className: 'visually-hidden' }, 'Audit log, newest first'),
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              ['When', 'Who', 'What'].map((c) => h('th', { scope: 'col' }, c)),
            ),
          ),
          h(
            'tbody',
            {},
            entries.map((e) =>
              h(
                'tr',
                {},
                h('td', {}, formatWhen(e.at, ctx.timeZone)),
                h('td', {}, WHO[e.actor] ?? e.actor),
                h('td', { 'data-action': e.action }, describeEntry(e, names)),
              ),
            ),
          ),
        ),
  );
}
