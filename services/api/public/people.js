/** People: detected 1:1 partners with cadence and last held 1:1, and the protected / fixed toggles. */
import { api } from './api.js';
import { announce, formatWhen, h, replace } from './dom.js';

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
      announce(`${person.email}: ${label.toLowerCase()} ${box.checked ? 'on' : 'off'}.`);
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
    h('span', { className: 'visually-hidden' }, ` for ${person.email}`),
  );
}

/** Renders the people section. */
export async function renderPeople(root, ctx) {
  const { people } = await api('GET', '/api/v1/people');
  if (people.length === 0) {
    replace(root, h('p', {}, 'Nobody yet: people you have 1:1s with appear here after the first sync.'));
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
            h('th', { scope: 'row' }, p.displayName ? `${p.displayName} <${p.email}>` : p.email),
            h('td', {}, p.cadence ?? '—'),
            h('td', {}, p.lastHeldAt ? formatWhen(p.lastHeldAt, ctx.timeZone) : '—'),
            h('td', {}, toggle(p, 'protected', 'Protected', 'Never skip their 1:1s')),
            h('td', {}, toggle(p, 'fixed', 'Fixed', 'Never move their 1:1s')),
          ),
        ),
      ),
    ),
  );
}
