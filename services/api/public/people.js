/**
 * People: detected 1:1 partners with cadence and last held 1:1, the protected / fixed toggles, and the
 * 1:1s the user moved themselves (overrides), each with "Let Frontload manage this 1:1 again".
 */
import { api } from './api.js';
import { announce, busy, formatWhen, h, replace } from './dom.js';

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

/** Renders the people section. */
export async function renderPeople(root, ctx) {
  const [{ people }, { overrides }] = await Promise.all([
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
      'table',
      { className: 'table' },
      h('caption', { className: 'visually-hidden' }, 'People you have 1:1s with'),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ['Person', 'Cadence', 'Last 1:1', 'Protected', 'Fixed'].map((c) => h('th', { scope: 'col' }, c)),
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
            h('td', {}, p.cadence ?? '—'),
            h('td', {}, p.lastHeldAt ? formatWhen(p.lastHeldAt, ctx.timeZone) : '—'),
            h('td', {}, toggle(p, 'protected', 'Protected', 'Never skip their 1:1s')),
            h('td', {}, toggle(p, 'fixed', 'Fixed', 'Never move their 1:1s')),
          ),
        ),
      ),
    ),
    handedBack,
  );
}
