/**
 * History: the audit log in words, and plan runs with undo when the server has the runs API
 * (issue 6); without it the runs list is left out.
 */
import { api, ApiError } from './api.js';
import { announce, busy, formatWhen, h, replace } from './dom.js';

const ACTIONS = {
  'connection.created': 'Connected a calendar',
  'connection.reconnected': 'Reconnected a calendar',
  'preferences.updated': 'Changed preferences',
  'mode.changed': 'Switched mode',
  'person.updated': 'Changed a person’s settings',
  'api_token.created': 'Created an API token',
  'api_token.revoked': 'Revoked an API token',
  'webhook.created': 'Added a webhook endpoint',
  'webhook.updated': 'Changed a webhook endpoint',
  'webhook.secret_rotated': 'Rotated a webhook secret',
  'run.started': 'Applied a plan',
  'run.undo_requested': 'Asked to undo a run',
};

/** Runs that finished (fully or not) can be undone, as the runs API allows. */
const UNDOABLE = new Set(['applied', 'partially_applied', 'stopped', 'failed']);
const STATE_TEXT = {
  applying: 'applying…',
  applied: 'applied',
  partially_applied: 'partly applied',
  stopped: 'stopped (blast radius)',
  failed: 'failed',
};

function detailText(details) {
  return Object.entries(details ?? {})
    .filter(([key]) => key !== 'id' && key !== 'connectionId')
    .map(([key, value]) => `${key}: ${typeof value === 'object' ? JSON.stringify(value) : value}`)
    .join(', ');
}

async function loadRuns() {
  try {
    return (await api('GET', '/api/v1/runs')).runs ?? [];
  } catch (error) {
    if (error instanceof ApiError && (error.status === 404 || error.status === 405)) return null;
    throw error;
  }
}

function runsList(runs, ctx, refresh) {
  return h(
    'ul',
    { className: 'runs', 'aria-label': 'Plan runs' },
    runs.map((run) => {
      const when = formatWhen(run.appliedAt ?? run.createdAt, ctx.timeZone);
      const undo = h(
        'button',
        { type: 'button', className: 'secondary', 'aria-label': `Undo the run of ${when}` },
        'Undo',
      );
      undo.addEventListener(
        'click',
        busy(undo, async () => {
          const { irreversible = [] } = (await api('POST', `/api/v1/runs/${run.id}/undo`)) ?? {};
          // Say plainly what the undo cannot bring back (Microsoft skip-week cancellations).
          announce(
            irreversible.length
              ? `Undoing the run… ${irreversible.length} change(s) cannot be undone and stay as they are: ${irreversible[0].reason}.`
              : 'Undoing the run…',
          );
          await refresh();
        }),
      );
      return h(
        'li',
        { 'data-run-id': run.id, 'data-state': run.state },
        `${when} · ${run.kind === 'undo' ? 'undo' : 'run'} · ${STATE_TEXT[run.state] ?? run.state}${run.failureReason ? ` (${run.failureReason})` : ''} `,
        run.kind !== 'undo' && UNDOABLE.has(run.state) ? undo : null,
      );
    }),
  );
}

/** Renders the history section. */
export async function renderHistory(root, ctx) {
  const refresh = () => renderHistory(root, ctx);
  const [{ entries }, runs] = await Promise.all([api('GET', '/api/v1/audit'), loadRuns()]);
  replace(
    root,
    runs && runs.length ? [h('h3', {}, 'Runs'), runsList(runs, ctx, refresh)] : null,
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
              ['When', 'Who', 'What', 'Details'].map((c) => h('th', { scope: 'col' }, c)),
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
                h('td', {}, e.actor),
                h('td', {}, ACTIONS[e.action] ?? e.action),
                h('td', {}, detailText(e.details)),
              ),
            ),
          ),
        ),
  );
}
