/* global document */
/**
 * People: detected 1:1 partners with cadence and last held 1:1, their role (report, partner or other:
 * suggested from the calendar until the user sets or confirms it), the protected / fixed toggles, and
 * the 1:1s the user moved themselves (overrides), each with "Let Frontload manage this 1:1 again",
 * and "Not seen lately": reports and partners by the days since the user last met them, longest first.
 */
import { api } from './api.js';
import { checkInBlock } from './checkin.js';
import { announce, busy, formatWhen, h, replace } from './dom.js';
import { formatDays, formatDaysAgo } from './format.js';

/** A person as the page names them: by name where known, by address otherwise. */
const nameOf = (person) => person.displayName || person.email;

function toggle(person, field, label, help) {
  const id = `person-${field}-${person.email.replace(/[^a-z0-9]/gi, '-')}`;
  const box = h('input', {
    type: 'checkbox',
    id,
    checked: person[field],
    'aria-describedby': `people-help-${field}`,
  });
  box.addEventListener('change', async () => {
    box.disabled = true;
    try {
      await api('PATCH', `/api/v1/people/${encodeURIComponent(person.email)}`, { [field]: box.checked });
      person[field] = box.checked;
      announce(
        `${nameOf(person)}: ${label.toLowerCase()} ${box.checked ? 'on' : 'off'}. A new plan is being made.`,
      );
    } catch (error) {
      box.checked = person[field];
      announce(error.message, 'error');
    } finally {
      box.disabled = false;
    }
  });
  return h(
    'label',
    { className: 'toggle', for: id, title: help },
    box,
    h('span', {}, label),
    h('span', { className: 'visually-hidden' }, ` for ${nameOf(person)}`),
  );
}

const ROLES = [
  ['report', 'Report'],
  ['partner', 'Partner'],
  ['other', 'Other'],
];
/** How an announcement names a role. */
const ROLE_WORDS = {
  report: 'one of your reports',
  partner: 'a partner',
  other: 'neither a report nor a partner',
};

/**
 * The role picker. A role the calendar suggests is marked so until the user changes it or confirms it
 * (Confirm stores the suggestion as theirs); the user's role is never replaced by a suggestion.
 */
function rolePicker(person) {
  const key = person.email.replace(/[^a-z0-9]/gi, '-');
  const id = `person-role-${key}`;
  const hintId = `person-role-hint-${key}`;
  // Only a suggestion carries the mark and a Confirm button; the user's own choice needs neither.
  const suggested = person.roleSource !== 'user';
  const select = h(
    'select',
    { id, name: 'role', 'aria-describedby': suggested ? `people-help-role ${hintId}` : 'people-help-role' },
    ROLES.map(([value, label]) => h('option', { value, selected: person.role === value }, label)),
  );
  const hint = suggested
    ? h('span', { className: 'hint', id: hintId }, 'suggested from your calendar')
    : null;
  const confirm = suggested
    ? h(
        'button',
        { type: 'button', className: 'secondary small' },
        'Confirm',
        h('span', { className: 'visually-hidden' }, ` ${nameOf(person)} as ${ROLE_WORDS[person.role]}`),
      )
    : null;
  const save = async (role) => {
    select.disabled = true;
    if (confirm) confirm.disabled = true;
    try {
      await api('PATCH', `/api/v1/people/${encodeURIComponent(person.email)}`, { role });
      Object.assign(person, { role, roleSource: 'user' });
      const confirming = document.activeElement === confirm;
      hint?.remove();
      confirm?.remove();
      // The button goes away under the keyboard: focus stays in the row, on the role it confirmed.
      if (confirming) select.focus();
      select.setAttribute('aria-describedby', 'people-help-role');
      announce(`${nameOf(person)} is ${ROLE_WORDS[role]}. A new plan is being made.`);
    } catch (error) {
      select.value = person.role;
      announce(error.message, 'error');
    } finally {
      select.disabled = false;
      if (confirm) confirm.disabled = false;
    }
  };
  select.addEventListener('change', () => save(select.value));
  confirm?.addEventListener('click', () => save(person.role));
  return h(
    'div',
    { className: 'role' },
    h('label', { for: id, className: 'visually-hidden' }, `Role of ${nameOf(person)}`),
    select,
    ' ',
    hint,
    ' ',
    confirm,
  );
}

/** The 1:1s Frontload leaves where the user put them, each with a button to hand it back. */
function overridesList(overrides, ctx, rerender, names) {
  if (overrides.length === 0) return null;
  return h(
    'section',
    { className: 'overrides', 'aria-labelledby': 'overrides-title' },
    h('h3', { id: 'overrides-title' }, '1:1s you moved yourself'),
    h(
      'p',
      { className: 'muted' },
      'You moved these after Frontload moved them (or after a preview proposed it), so Frontload leaves them where you put them.',
    ),
    h(
      'ul',
      {},
      overrides.map((o) => {
        const button = h(
          'button',
          { type: 'button', className: 'secondary', 'data-override': o.id },
          'Let Frontload manage this 1:1 again',
        );
        button.addEventListener(
          'click',
          busy(button, async () => {
            await api('DELETE', `/api/v1/overrides/${encodeURIComponent(o.id)}`);
            announce(`Frontload manages “${o.title}” again; a new plan is being made.`);
            await rerender();
          }),
        );
        return h(
          'li',
          { 'data-override-id': o.id },
          h('strong', {}, o.title || '(untitled)'),
          o.counterpart ? ` with ${names.get(o.counterpart.toLowerCase()) || o.counterpart}` : '',
          o.kind === 'series' ? ' (every occurrence)' : '',
          h('span', { className: 'muted' }, ` — since ${formatWhen(o.since, ctx.timeZone)} `),
          button,
        );
      }),
    ),
  );
}

/** The eight weeks the server reads the calendar back for it (NOT_SEEN_LOOKBACK_DAYS). */
const LOOKBACK_WEEKS = 8;

/** "23 days since you last met (1:1 26 days ago)": one person's gap in words. */
function gapText(p) {
  if (p.daysNotSeen === null) return `no meeting together in the last ${LOOKBACK_WEEKS} weeks`;
  const oneOnOne =
    p.daysSinceOneOnOne === null
      ? ` (no 1:1 in the last ${LOOKBACK_WEEKS} weeks)`
      : p.lastOneOnOneAt === p.lastMetAt
        ? ' (at your 1:1)'
        : ` (1:1 ${formatDaysAgo(p.daysSinceOneOnOne)})`;
  const met = p.daysNotSeen === 0 ? 'you met today' : `${formatDays(p.daysNotSeen)} since you last met`;
  return `${met}${oneOnOne}`;
}

/** Reports and partners, longest gap first (never met in the window first of all). */
function notSeenList(people, threshold) {
  const watched = people
    .filter((p) => p.role === 'report' || p.role === 'partner')
    .sort(
      (a, b) =>
        (b.daysNotSeen ?? Infinity) - (a.daysNotSeen ?? Infinity) || nameOf(a).localeCompare(nameOf(b)),
    );
  if (watched.length === 0) return null;
  return h(
    'section',
    { className: 'not-seen', 'aria-labelledby': 'not-seen-title' },
    h('h3', { id: 'not-seen-title' }, 'Not seen lately'),
    h(
      'p',
      { className: 'muted' },
      `Your reports and partners by how long since you last met, longest first. ${formatDays(threshold)} or more is marked, and raises a “not seen” alert to your webhooks.`,
    ),
    h(
      'ol',
      { className: 'not-seen-list' },
      watched.map((p) =>
        h(
          'li',
          { 'data-email': p.email, className: p.notSeen ? 'past-threshold' : '' },
          h('span', { className: 'not-seen-name', title: p.email }, nameOf(p)),
          ` — ${gapText(p)}`,
          p.notSeen ? h('strong', { className: 'not-seen-mark' }, ' · time to check in') : null,
          p.checkIn ? checkInBlock(nameOf(p), p.checkIn, `A check-in for ${nameOf(p)}`) : null,
        ),
      ),
    ),
  );
}

/** Renders the people section. */
export async function renderPeople(root, ctx) {
  const [{ people, notSeenDays }, { overrides }] = await Promise.all([
    api('GET', '/api/v1/people'),
    api('GET', '/api/v1/overrides').catch(() => ({ overrides: [] })),
  ]);
  const names = new Map(people.map((p) => [p.email.toLowerCase(), p.displayName]));
  const handedBack = overridesList(overrides, ctx, () => renderPeople(root, ctx), names);
  if (people.length === 0) {
    replace(
      root,
      h('p', {}, 'Nobody yet: people you have 1:1s with appear here after the first sync.'),
      handedBack,
    );
    return;
  }
  replace(
    root,
    h('p', { className: 'muted', id: 'people-help-protected' }, 'Protected: never skipped in a skip week.'),
    h('p', { className: 'muted', id: 'people-help-fixed' }, 'Fixed: their 1:1s never move.'),
    h(
      'p',
      { className: 'muted', id: 'people-help-role' },
      'Role: the 1:1 overload limit counts your reports only; partners from other teams are counted apart.',
    ),
    h(
      'table',
      { className: 'table' },
      h('caption', { className: 'visually-hidden' }, 'People you have 1:1s with'),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ['Person', 'Role', 'Cadence', 'Last 1:1', 'Protected', 'Fixed'].map((c) =>
            h('th', { scope: 'col' }, c),
          ),
        ),
      ),
      h(
        'tbody',
        {},
        people.map((p) =>
          h(
            'tr',
            { 'data-email': p.email },
            // The address stays at hand (hover) without standing in for a name the calendar knows.
            h('th', { scope: 'row', title: p.email }, nameOf(p)),
            h('td', {}, rolePicker(p)),
            h('td', {}, p.cadence ?? '—'),
            h('td', {}, p.lastHeldAt ? formatWhen(p.lastHeldAt, ctx.timeZone) : '—'),
            h('td', {}, toggle(p, 'protected', 'Protected', 'Never skip their 1:1s')),
            h('td', {}, toggle(p, 'fixed', 'Fixed', 'Never move their 1:1s')),
          ),
        ),
      ),
    ),
    notSeenList(people, notSeenDays),
    handedBack,
  );
}
