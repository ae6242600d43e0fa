/**
 * Webhooks: endpoints for alerts, created with their signing secret shown once; the events each one
 * receives, chosen when it is added and edited later; test-send, rotate, disable/enable, delete; and
 * each endpoint's delivery log.
 */
import { api } from './api.js';
import { announce, busy, formatWhen, h, replace } from './dom.js';
import { onceShown } from './secret.js';

/**
 * Every event type the webhooks API accepts (WEBHOOK_EVENT_TYPES in shared/domain webhook-events.ts;
 * the browser journey checks the two agree), each with what it tells.
 */
export const EVENT_TYPES = [
  { type: 'overload.tripped', text: 'a week goes over one of your overload limits' },
  { type: 'overload.cleared', text: 'a week is back under the limit' },
  { type: 'connection.lost', text: 'a calendar connection needs you to reconnect it' },
  { type: 'skip_week.announced', text: 'a skip week cancels 1:1s (who is skipped, who is protected)' },
  {
    type: 'people.not_seen',
    text: 'a report or partner goes past your “not seen” threshold (who, and for how long)',
  },
  { type: 'webhook.test', text: 'test events (Send test delivers one whether or not this is ticked)' },
];
const DEFAULT_TYPES = new Set(EVENT_TYPES.map((e) => e.type).filter((type) => type !== 'webhook.test'));
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function createForm(onCreated) {
  const form = h(
    'form',
    { className: 'stack', 'aria-label': 'Add a webhook endpoint', novalidate: true },
    h(
      'div',
      { className: 'field' },
      h('label', { for: 'webhook-url' }, 'Endpoint URL'),
      h('input', {
        id: 'webhook-url',
        name: 'url',
        type: 'url',
        required: true,
        placeholder: 'https://example.com/frontload',
      }),
    ),
    h(
      'div',
      { className: 'field' },
      h('label', { for: 'webhook-description' }, 'Description'),
      h('input', { id: 'webhook-description', name: 'description', type: 'text' }),
    ),
    eventChoices('Events', 'new', (type) => DEFAULT_TYPES.has(type)),
    h(
      'div',
      { className: 'field' },
      h('label', { for: 'webhook-format' }, 'Format'),
      h(
        'select',
        { id: 'webhook-format', name: 'format' },
        h('option', { value: 'json' }, 'JSON (Standard Webhooks)'),
        h('option', { value: 'slack' }, 'Slack'),
      ),
    ),
    h('div', { className: 'actions' }, h('button', { type: 'submit' }, 'Add endpoint')),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    submitEndpoint(form, onCreated).catch((error) => announce(error.message, 'error'));
  });
  return form;
}

/** One checkbox per event type, ticked where `checked(type)`; ids are scoped by `scope`. */
function eventChoices(legend, scope, checked) {
  return h(
    'fieldset',
    { className: 'event-types' },
    h('legend', {}, legend),
    EVENT_TYPES.map(({ type, text }) => {
      const id = `events-${scope}-${type}`;
      return h(
        'div',
        { className: 'event-type' },
        h('input', { type: 'checkbox', id, name: 'eventTypes', value: type, checked: checked(type) }),
        h('label', { for: id }, h('code', {}, type), `: ${text}`),
      );
    }),
  );
}

/**
 * The events an endpoint receives, editable: saved with PATCH, at least one (the API refuses an
 * empty list, and an endpoint that should receive nothing can be disabled instead).
 */
function eventsEditor(endpoint, refresh) {
  const form = h(
    'form',
    { className: 'stack events-editor', 'aria-label': `Events sent to ${endpoint.url}` },
    eventChoices('Events sent here', endpoint.id, (type) => endpoint.eventTypes.includes(type)),
  );
  const save = h(
    'button',
    { type: 'submit', className: 'secondary', 'aria-label': `Save events: ${endpoint.url}` },
    'Save events',
  );
  form.append(h('div', { className: 'actions' }, save));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    busy(save, async () => {
      const eventTypes = new FormData(form).getAll('eventTypes').map(String);
      if (eventTypes.length === 0) {
        announce('Choose at least one event, or disable the endpoint instead.', 'error');
        return;
      }
      await api('PATCH', `/api/v1/webhooks/${endpoint.id}`, { eventTypes });
      await refresh();
      announce(`${endpoint.url} now receives: ${eventTypes.join(', ')}.`);
    })();
  });
  return h('details', { className: 'events-details' }, h('summary', {}, 'Change events'), form);
}

async function submitEndpoint(form, onCreated) {
  const data = new FormData(form);
  const created = await api('POST', '/api/v1/webhooks', {
    url: String(data.get('url')),
    description: String(data.get('description') ?? ''),
    eventTypes: data.getAll('eventTypes').map(String),
    format: String(data.get('format')),
  });
  form.reset();
  await onCreated(created);
}

async function deliveryLog(endpoint, ctx) {
  const { deliveries } = await api('GET', `/api/v1/webhooks/${endpoint.id}/deliveries`);
  if (deliveries.length === 0) return h('p', { className: 'muted' }, 'No deliveries yet.');
  return h(
    'table',
    { className: 'table deliveries' },
    h('caption', {}, `Delivery log for ${endpoint.url}`),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        ['When', 'Event', 'Status', 'Attempts', 'Response'].map((c) => h('th', { scope: 'col' }, c)),
      ),
    ),
    h(
      'tbody',
      {},
      deliveries.map((d) =>
        h(
          'tr',
          { 'data-status': d.status },
          h('td', {}, formatWhen(d.lastAttemptAt ?? d.createdAt, ctx.timeZone)),
          h('td', {}, d.eventType),
          h('td', {}, h('span', { className: `badge delivery-${d.status}` }, d.status)),
          h('td', {}, String(d.attempts)),
          h('td', {}, d.lastStatusCode ? `${d.lastStatusCode} in ${d.lastDurationMs ?? '?'} ms` : '—'),
        ),
      ),
    ),
  );
}

/** Reloads the log until the newest delivery leaves `pending` (or ~15 s pass). */
async function followLog(logRoot, endpoint, ctx) {
  for (let i = 0; i < 30; i++) {
    const table = await deliveryLog(endpoint, ctx);
    replace(logRoot, table);
    if (!table.querySelector('tr[data-status="pending"]')) return;
    await sleep(500);
  }
}

function endpointActions(endpoint, ctx, secretSlot, logRoot, refresh) {
  // The accessible name starts with the visible text (WCAG 2.5.3) and adds which endpoint.
  const action = (text, run) => {
    const button = h(
      'button',
      { type: 'button', className: 'secondary', 'aria-label': `${text}: ${endpoint.url}` },
      text,
    );
    button.addEventListener('click', busy(button, run));
    return button;
  };
  return h(
    'div',
    { className: 'actions' },
    action('Send test', async () => {
      await api('POST', `/api/v1/webhooks/${endpoint.id}/test`);
      announce('Test event queued.');
      await followLog(logRoot, endpoint, ctx);
    }),
    action('Rotate secret', async () => {
      const { secret, previousSecretValidUntil } = await api(
        'POST',
        `/api/v1/webhooks/${endpoint.id}/rotate-secret`,
      );
      replace(
        secretSlot,
        onceShown('New signing secret', secret, `secret-${endpoint.id}`),
        h(
          'p',
          { className: 'muted' },
          `The previous secret keeps signing until ${formatWhen(previousSecretValidUntil, ctx.timeZone)}.`,
        ),
      );
    }),
    action(endpoint.enabled ? 'Disable' : 'Enable', async () => {
      await api('PATCH', `/api/v1/webhooks/${endpoint.id}`, { enabled: !endpoint.enabled });
      await refresh();
    }),
    action('Delete', async () => {
      await api('DELETE', `/api/v1/webhooks/${endpoint.id}`);
      announce('Endpoint deleted.');
      await refresh();
    }),
  );
}

async function endpointItem(endpoint, ctx, refresh, created) {
  const secretSlot = h(
    'div',
    {},
    created ? onceShown('Signing secret', created.secret, `secret-${endpoint.id}`) : null,
  );
  const logRoot = h('div', { className: 'log', 'aria-live': 'polite' }, await deliveryLog(endpoint, ctx));
  return h(
    'li',
    { className: 'endpoint', 'data-endpoint-id': endpoint.id },
    h(
      'div',
      {},
      h('strong', {}, endpoint.url),
      ' ',
      h(
        'span',
        { className: `badge ${endpoint.enabled ? 'status-healthy' : 'status-disconnected'}` },
        endpoint.enabled ? 'Enabled' : 'Disabled',
      ),
    ),
    endpoint.description ? h('p', { className: 'muted' }, endpoint.description) : null,
    h(
      'p',
      { className: 'muted small endpoint-events' },
      `Events: ${endpoint.eventTypes.join(', ')} · ${endpoint.format}`,
    ),
    eventsEditor(endpoint, refresh),
    secretSlot,
    endpointActions(endpoint, ctx, secretSlot, logRoot, refresh),
    logRoot,
  );
}

/** Renders the webhooks section; `created` is the endpoint just added, whose secret shows once. */
export async function renderWebhooks(root, ctx, created) {
  const refresh = (next) => renderWebhooks(root, ctx, next);
  const { endpoints } = await api('GET', '/api/v1/webhooks');
  const items = await Promise.all(
    endpoints.map((e) => endpointItem(e, ctx, refresh, created?.id === e.id ? created : undefined)),
  );
  replace(
    root,
    h(
      'p',
      { className: 'muted' },
      'Frontload posts signed alerts here: when a week trips (or clears) an overload rule, a calendar connection is lost, or a skip week is announced, as each endpoint chooses.',
    ),
    items.length
      ? h('ul', { className: 'endpoints', 'aria-label': 'Webhook endpoints' }, items)
      : h('p', {}, 'No endpoints yet.'),
    h('h3', {}, 'Add an endpoint'),
    createForm((c) => refresh(c)),
  );
}
