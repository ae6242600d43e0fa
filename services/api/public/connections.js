/**
 * Sign in / connect: the two connect buttons (plain links to the OAuth start routes, so they work
 * without script), and the connected accounts with their health, reconnect and disconnect. Every
 * connected calendar's busy time counts; Frontload writes to one of them, which the user picks here.
 */
import { api, ApiError } from './api.js';
import { announce, busy, formatWhen, h, replace } from './dom.js';
import { follow } from './runs.js';

const PROVIDERS = [
  { id: 'google', label: 'Connect Google Calendar' },
  { id: 'microsoft', label: 'Connect Microsoft 365' },
];
const STATUS_TEXT = {
  syncing: 'Syncing',
  healthy: 'Healthy',
  needs_reauth: 'Needs reauthorization',
  disconnected: 'Disconnected',
};
const PROVIDER_NAME = { google: 'Google Calendar', microsoft: 'Microsoft 365' };

function connectButtons() {
  return h(
    'div',
    { className: 'connect-buttons' },
    PROVIDERS.map((p) =>
      h('a', { className: `button provider-${p.id}`, href: `/auth/${p.id}/start?returnTo=/` }, p.label),
    ),
  );
}

/**
 * Disconnects at once; the sync worker then cleans up (stops push, removes our focus blocks if asked,
 * deletes the connection and records it). When that is done, the accounts, the week and History
 * are drawn again.
 */
async function disconnect(connection, removeFocusBlocks, ctx, refresh) {
  try {
    const query = removeFocusBlocks ? '?removeFocusBlocks=true' : '';
    await api('DELETE', `/api/v1/connections/${connection.id}${query}`);
    announce(`Disconnected ${connection.accountEmail}.`);
    await Promise.all([refresh(), ctx.refresh?.('history')]);
    follow(
      `disconnect:${connection.id}`,
      `removing ${connection.accountEmail}`,
      async () => {
        const { connections } = await api('GET', '/api/v1/connections');
        return !connections.some((c) => c.id === connection.id);
      },
      () => Promise.all([refresh(), ctx.refresh?.('history'), ctx.refresh?.('week')]),
    );
  } catch (error) {
    // Older servers have no disconnect route yet: say so rather than fail silently.
    if (error instanceof ApiError && (error.status === 404 || error.status === 405)) {
      announce('Disconnecting is not available on this server yet.', 'error');
      return;
    }
    throw error;
  }
}

async function writeHere(connection, refresh) {
  await api('PATCH', `/api/v1/connections/${connection.id}`, { writesHere: true });
  announce(`Frontload now writes to ${connection.accountEmail}; the plan is made again for it.`);
  await refresh();
}

/** Which calendar Frontload writes to, and the button that makes this one it. */
function writeTarget(connection, refresh) {
  if (connection.writesHere) return h('span', { className: 'badge writes-here' }, 'Frontload writes here');
  if (connection.status === 'disconnected') return null;
  const button = h('button', { type: 'button', className: 'secondary' }, 'Write here instead');
  button.setAttribute('aria-label', `Write here instead: ${connection.accountEmail}`);
  button.addEventListener(
    'click',
    busy(button, () => writeHere(connection, refresh)),
  );
  return h('span', { className: 'write-target' }, 'Its busy time counts; nothing is written to it. ', button);
}

function connectionItem(connection, ctx, refresh) {
  const boxId = `remove-ours-${connection.id}`;
  const removeOurs = h('input', { type: 'checkbox', id: boxId });
  const disconnectButton = h('button', { type: 'button', className: 'secondary' }, 'Disconnect');
  disconnectButton.addEventListener(
    'click',
    busy(disconnectButton, () => disconnect(connection, removeOurs.checked, ctx, refresh)),
  );
  disconnectButton.setAttribute('aria-label', `Disconnect ${connection.accountEmail}`);
  const disconnectControls = h(
    'span',
    { className: 'disconnect' },
    disconnectButton,
    h(
      'label',
      { className: 'inline', for: boxId },
      removeOurs,
      'also remove Frontload’s upcoming focus blocks',
      h('span', { className: 'visually-hidden' }, ` from ${connection.accountEmail}`),
    ),
  );
  return h(
    'li',
    { className: 'connection', 'data-provider': connection.provider },
    h(
      'div',
      {},
      h('strong', {}, PROVIDER_NAME[connection.provider] ?? connection.provider),
      ' · ',
      connection.accountEmail,
    ),
    h(
      'div',
      { className: 'meta' },
      h(
        'span',
        { className: `badge status-${connection.status}` },
        STATUS_TEXT[connection.status] ?? connection.status,
      ),
      ` Last synced: ${connection.lastSyncedAt ? formatWhen(connection.lastSyncedAt, ctx.timeZone) : 'not yet'}`,
    ),
    h('div', { className: 'meta' }, writeTarget(connection, refresh)),
    h(
      'div',
      { className: 'actions' },
      h(
        'a',
        {
          className: 'button secondary',
          href: `/auth/${connection.provider}/start?returnTo=/`,
          'aria-label': `Reconnect ${connection.accountEmail}`,
        },
        'Reconnect',
      ),
      // A disconnected account is being cleaned up; connecting again is the only action left.
      connection.status === 'disconnected' ? null : disconnectControls,
    ),
  );
}

/** Renders the connect section; signed out it is the whole page. */
export async function renderConnections(root, ctx) {
  if (!ctx.me) {
    replace(
      root,
      h(
        'p',
        { className: 'lead' },
        'Frontload puts your 1:1s first in the week and protects focus time after them. Connect a calendar to sign in.',
      ),
      connectButtons(),
    );
    return;
  }
  const refresh = () => renderConnections(root, ctx);
  const { connections } = await api('GET', '/api/v1/connections');
  replace(
    root,
    connections.length === 0
      ? h('p', {}, 'No calendar connected yet.')
      : h(
          'ul',
          { className: 'connections', 'aria-label': 'Connected accounts' },
          connections.map((c) => connectionItem(c, ctx, refresh)),
        ),
    h('h3', {}, 'Add an account'),
    connectButtons(),
  );
}
