/**
 * The plan preview: operations drawn on the week grid and listed with their reasons, who would be
 * emailed, and apply all / apply selected. Without a current plan (or on a server without the plan
 * API) `loadPlan` returns null and the page shows the calendar as it is.
 * Shape: `{ id, operations: [{ id, kind, reason, emails, desired: { before?, after?, … } }], notes, metrics }`.
 */
import { api, ApiError } from './api.js';
import { announce, busy, formatWhen, h, replace } from './dom.js';
import { checkInBlock } from './checkin.js';
import { formatTimeOf, humanize } from './format.js';

/** Colour class and words for each operation kind. */
export const OP_KINDS = {
  moveSeries: { className: 'op-move', label: 'Move series' },
  moveOccurrence: { className: 'op-move', label: 'Move' },
  createFocusBlock: { className: 'op-focus', label: 'Focus block' },
  updateFocusBlock: { className: 'op-focus', label: 'Re-place focus' },
  deleteFocusBlock: { className: 'op-delete', label: 'Remove focus' },
  cancelOccurrence: { className: 'op-cancel', label: 'Skip week: cancel' },
};

/**
 * An operation as the page draws it: the plan API lists ledger rows whose `desired` holds the
 * domain operation (before/after slots, counterpart); fields on the row itself win.
 */
function normalize(op) {
  const desired = op.desired ?? {};
  return {
    ...desired,
    ...op,
    before: op.before ?? desired.before,
    after: op.after ?? desired.after,
    counterpart: op.counterpart ?? desired.counterpart,
    emails: op.emails ?? desired.emails ?? [],
  };
}

/** The week's metrics from a plan: `metrics.weeks` (the planner worker) or a bare array. */
export function planMetrics(plan, week) {
  const weeks = Array.isArray(plan?.metrics) ? plan.metrics : (plan?.metrics?.weeks ?? []);
  return weeks.find((m) => m.week === week);
}

/** The current plan, or null when the server has no plan API (yet) or no current plan. */
export async function loadPlan() {
  try {
    const plan = await api('GET', '/api/v1/plan');
    return plan && Array.isArray(plan.operations)
      ? { ...plan, operations: plan.operations.map(normalize) }
      : null;
  } catch (error) {
    if (error instanceof ApiError && (error.status === 404 || error.status === 405)) return null;
    throw error;
  }
}

/** A stable key per operation, for selection: the ledger id the apply route takes. */
export const opKey = (op, index) => op.id ?? op.key ?? `${op.kind}:${op.eventId ?? index}`;

/** The person an operation is about, by name where the provider gave one. */
const personOf = (op) => op.counterpartName || op.counterpart;

/** How a person emailed by an operation is named: the counterpart by name when known. */
const emailedName = (op, email) =>
  op.counterpartName && email.toLowerCase() === op.counterpart?.toLowerCase() ? op.counterpartName : email;

/** The event an operation changes: its title in quotes, or words for it when the plan has none. */
function eventOf(op) {
  if (op.title) return `"${op.title}"`;
  if (op.counterpart) return `the 1:1 with ${personOf(op)}`;
  return 'the focus block';
}

/** Who gets emailed, each once, by name where known, with a count when more than one email goes out. */
function emailedPeople(op) {
  const counts = new Map();
  for (const email of op.emails ?? []) {
    const name = emailedName(op, email);
    counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  return [...counts].map(([name, n]) => (n > 1 ? `${name} (${n} emails)` : name));
}

/**
 * One sentence describing an operation, for the list and screen readers: what happens to which event,
 * and when. `when` formats an instant (the full date in the list; on the grid, where
 * each block sits in its day's column, the weekday and time).
 */
export function describeOp(op, timeZone, when = (iso) => formatWhen(iso, timeZone)) {
  const what = eventOf(op);
  const from = op.before ? when(op.before.start) : '';
  const to = op.after ? when(op.after.start) : '';
  const sentence = {
    moveSeries: `Move ${what} from ${from} to ${to}, and the meetings after it`,
    moveOccurrence: `Move ${what} from ${from} to ${to}`,
    createFocusBlock: `Add ${what} on ${to}–${op.after ? formatTimeOf(op.after.end, timeZone) : ''}`,
    updateFocusBlock: `Move ${what} from ${from} to ${to}`,
    deleteFocusBlock: `Remove ${what} on ${from}`,
    cancelOccurrence: `Cancel ${what} on ${from} for the skip week`,
  }[op.kind];
  return sentence ?? `${OP_KINDS[op.kind]?.label ?? op.kind} ${what}`;
}

/** "Thu 4:00 PM": the weekday and time of an instant, for blocks drawn in their day's column. */
export function dayAndTime(iso, timeZone) {
  const weekday = new Intl.DateTimeFormat(undefined, { timeZone, weekday: 'short' }).format(new Date(iso));
  return `${weekday} ${formatTimeOf(iso, timeZone)}`;
}

/**
 * The label of an operation's block on the grid: the same sentence with weekday-and-time instants,
 * and who it emails (the list says that on a line of its own).
 */
export function opLabel(op, timeZone) {
  const people = emailedPeople(op);
  const emails = people.length ? ` — emails ${people.join(', ')}` : '';
  return `${describeOp(op, timeZone, (iso) => dayAndTime(iso, timeZone))}${emails}`;
}

/** Who gets emailed, each person once with their count when they get more than one (a series move sends two). */
function emailsText(op) {
  if (!op.emails?.length) return 'Nobody is emailed';
  return `Would email: ${emailedPeople(op).join(', ')}`;
}

/** The hover/focus tip of an operation on the grid. */
export function opTip(op, id) {
  return h('span', { className: 'tip', role: 'tooltip', id }, humanize(op.reason), h('br'), emailsText(op));
}

/** What the page says, before apply, of changes an undo cannot take back. */
export const IRREVERSIBLE_WARNING =
  'Microsoft 365 cannot restore a cancelled occurrence: the skip-week cancellations marked "Cannot be undone" stay cancelled even if you undo this run.';

async function postApply(plan, body) {
  try {
    return await api('POST', `/api/v1/plans/${plan.id}/apply`, body);
  } catch (error) {
    // Past the blast-radius limit the server asks for an explicit confirmation first.
    if (error instanceof ApiError && error.code === 'FL_CONFIRMATION_REQUIRED' && !body.confirm) {
      if (!globalThis.confirm(`${error.message}. Apply anyway?`)) return undefined;
      return postApply(plan, { ...body, confirm: true });
    }
    // Changes that cannot be undone (Microsoft 365 cannot restore a cancelled occurrence) wait for a yes.
    if (
      error instanceof ApiError &&
      error.code === 'FL_IRREVERSIBLE_CONFIRMATION_REQUIRED' &&
      !body.confirmIrreversible
    ) {
      const question = `${IRREVERSIBLE_WARNING} Cancel them anyway?`;
      if (!globalThis.confirm(question)) return undefined;
      return postApply(plan, { ...body, confirmIrreversible: true });
    }
    throw error;
  }
}

/**
 * Why the server refused to apply a preview that is no longer current, in the user's words. Nothing
 * was changed in either case, and a newer plan replaces the one on screen.
 */
export const REFUSED_PREVIEW = {
  FL_PLAN_STALE:
    'Nothing was applied: your settings or your calendar changed after this preview was made, so a newer plan replaced it. Review the current plan and apply that one.',
  FL_PLAN_TOO_OLD:
    'Nothing was applied: this preview is more than 12 hours old, and your calendar and the people you meet may have moved on since. A fresh plan is being made; review it and apply that one.',
};

async function apply(plan, keys, onApplied) {
  if (keys && keys.length === 0) {
    announce('Select at least one change to apply.', 'error');
    return;
  }
  let started;
  try {
    started = await postApply(plan, keys ? { operationIds: keys } : {});
  } catch (error) {
    if (!(error instanceof ApiError) || !REFUSED_PREVIEW[error.code]) throw error;
    announce(REFUSED_PREVIEW[error.code], 'error');
    await onApplied?.();
    return;
  }
  if (!started) return;
  announce(`Applying ${started.operations} change(s)…`);
  await onApplied?.();
}

function opChecklist(plan, state, timeZone) {
  return h(
    'fieldset',
    { className: 'op-list' },
    h('legend', {}, `Proposed changes (${plan.operations.length})`),
    plan.operations.map((op, index) => {
      const key = opKey(op, index);
      const id = `op-check-${index}`;
      const box = h('input', { type: 'checkbox', id, checked: state.selected.has(key) });
      box.addEventListener('change', () =>
        box.checked ? state.selected.add(key) : state.selected.delete(key),
      );
      return h(
        'div',
        { className: `op-item ${OP_KINDS[op.kind]?.className ?? ''}` },
        box,
        h(
          'label',
          { for: id },
          h('strong', {}, describeOp(op, timeZone)),
          h('span', { className: 'reason' }, humanize(op.reason)),
          h('span', { className: 'emails' }, emailsText(op)),
          op.irreversible
            ? h('span', { className: 'irreversible' }, `Cannot be undone: ${op.irreversible}`)
            : null,
        ),
        op.kind === 'cancelOccurrence' && op.checkIn
          ? checkInBlock(personOf(op), op.checkIn, `Check-in for ${personOf(op)}`)
          : null,
      );
    }),
  );
}

/** The list, notes and apply buttons under the grid. */
export function planPanel(root, plan, state, timeZone, onApplied) {
  if (!plan) {
    return replace(
      root,
      h(
        'p',
        { className: 'muted' },
        'No plan preview yet: the planner has not proposed changes for these weeks. The grid shows your calendar as it is.',
      ),
    );
  }
  const all = h('button', { type: 'button' }, 'Apply all');
  all.addEventListener(
    'click',
    busy(all, () => apply(plan, undefined, onApplied)),
  );
  const selected = h('button', { type: 'button', className: 'secondary' }, 'Apply selected');
  selected.addEventListener(
    'click',
    busy(selected, () => apply(plan, [...state.selected], onApplied)),
  );
  return replace(
    root,
    plan.operations.length
      ? opChecklist(plan, state, timeZone)
      : h('p', {}, 'Nothing to change: your week already fits.'),
    plan.notes?.length
      ? h(
          'ul',
          { className: 'notes', 'aria-label': 'Notes on this plan' },
          plan.notes.map((n) => h('li', {}, humanize(n.message))),
        )
      : null,
    plan.operations.some((op) => op.irreversible)
      ? h('p', { className: 'irreversible-warning', role: 'note' }, IRREVERSIBLE_WARNING)
      : null,
    plan.createdAt
      ? h(
          'p',
          { className: 'muted plan-age' },
          `Preview made ${formatWhen(plan.createdAt, timeZone)}. A preview more than 12 hours old is not applied; a fresh one is made instead.`,
        )
      : null,
    h('div', { className: 'actions' }, all, selected),
  );
}
