/** Account: personal API tokens (created and shown once, revoked) and deleting the account. */
import { api } from './api.js';
import { announce, busy, formatWhen, h, replace } from './dom.js';
import { onceShown } from './secret.js';

function tokenRow(token, ctx, refresh) {
  const revoke = h(
    'button',
    { type: 'button', className: 'secondary', 'aria-label': `Revoke token ${token.name}` },
    'Revoke',
  );
  revoke.addEventListener(
    'click',
    busy(revoke, async () => {
      await api('DELETE', `/api/v1/tokens/${token.id}`);
      announce(`Token ${token.name} revoked.`);
      await refresh();
    }),
  );
  return h(
    'tr',
    {},
    h('th', { scope: 'row' }, token.name),
    h('td', {}, h('code', {}, `${token.prefix}…`)),
    h('td', {}, token.lastUsedAt ? formatWhen(token.lastUsedAt, ctx.timeZone) : 'never'),
    h('td', {}, token.revokedAt ? `revoked ${formatWhen(token.revokedAt, ctx.timeZone)}` : revoke),
  );
}

function tokenForm(onCreated) {
  const form = h(
    'form',
    { className: 'inline-form', 'aria-label': 'Create an API token' },
    h('label', { for: 'token-name' }, 'Token name'),
    h('input', { id: 'token-name', name: 'name', type: 'text', required: true, maxlength: '80' }),
    h('button', { type: 'submit' }, 'Create token'),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    try {
      const created = await api('POST', '/api/v1/tokens', { name: form.elements.namedItem('name').value });
      form.reset();
      await onCreated(created);
    } catch (error) {
      announce(error.message, 'error');
    }
  });
  return form;
}

function deleteAccount(ctx) {
  const input = h('input', {
    id: 'delete-confirm',
    type: 'text',
    autocomplete: 'off',
    'aria-describedby': 'delete-help',
  });
  const removeOurs = h('input', { type: 'checkbox', id: 'delete-remove-ours' });
  const button = h('button', { type: 'submit', className: 'danger', disabled: true }, 'Delete my account');
  input.addEventListener(
    'input',
    () => (button.disabled = input.value.trim().toLowerCase() !== ctx.me.email.toLowerCase()),
  );
  const form = h(
    'form',
    { className: 'danger-zone', 'aria-label': 'Delete account' },
    h('h3', {}, 'Delete account'),
    h(
      'p',
      { id: 'delete-help' },
      `This disconnects your calendars (push stopped, access revoked) and removes your preferences, people, history, tokens and webhooks. Type ${ctx.me.email} to confirm.`,
    ),
    h('label', { for: 'delete-confirm' }, 'Your email address'),
    input,
    h(
      'label',
      { className: 'inline', for: 'delete-remove-ours' },
      removeOurs,
      'Also remove Frontload’s upcoming focus blocks from my calendars',
    ),
    button,
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (button.disabled) return;
    await api('DELETE', `/api/v1/me${removeOurs.checked ? '?removeFocusBlocks=true' : ''}`);
    globalThis.location.assign('/');
  });
  return form;
}

/** Renders the account section; `created` is a token just made, shown once. */
export async function renderAccount(root, ctx, created) {
  const refresh = (next) => renderAccount(root, ctx, next);
  const { tokens } = await api('GET', '/api/v1/tokens');
  replace(
    root,
    h('h3', {}, 'API tokens'),
    h('p', { className: 'muted' }, 'For scripts: send as Authorization: Bearer <token>.'),
    created ? onceShown(`Token “${created.name}”`, created.token, 'new-token') : null,
    tokens.length
      ? h(
          'table',
          { className: 'table' },
          h('caption', { className: 'visually-hidden' }, 'API tokens'),
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              ['Name', 'Prefix', 'Last used', 'Actions'].map((c) => h('th', { scope: 'col' }, c)),
            ),
          ),
          h(
            'tbody',
            {},
            tokens.map((t) => tokenRow(t, ctx, refresh)),
          ),
        )
      : h('p', {}, 'No tokens.'),
    tokenForm((c) => refresh(c)),
    deleteAccount(ctx),
  );
}
