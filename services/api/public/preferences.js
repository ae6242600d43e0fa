/**
 * Every field of PreferencesSchema as a form. The server is the only validator (the form is
 * `novalidate`): a refused save shows each error next to its field, links them with
 * aria-describedby, and saves nothing. The skip-week message has a live preview of what is sent.
 */
import { api, ApiError } from './api.js';
import { announce, h, replace } from './dom.js';
import { localeUses12h, setTimeFormat } from './format.js';

const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
const weekday = { type: 'weekday' };
const time = { type: 'time' };
const bool = { type: 'checkbox' };
const num = (step, hint) => ({ type: 'number', step, hint });

/** The form, group by group: [path, label, kind]. */
const GROUPS = [
  [
    'Dates and times',
    [
      [
        'timeFormat',
        'Clock',
        { type: 'clock', hint: 'Dates follow your browser’s language; times are in your calendar’s zone' },
      ],
    ],
  ],
  [
    'Week split',
    [
      ['weekStartsOn', 'Week starts on', weekday],
      ['firstHalf.endWeekday', 'First half ends on', weekday],
      ['firstHalf.endTime', 'First half ends at', time],
    ],
  ],
  [
    'Working hours',
    [
      ['workingHours.start', 'Start', time],
      ['workingHours.end', 'End', time],
      [
        'workingHours.days',
        'Working days',
        {
          type: 'days',
          hint: 'With Microsoft 365 these start as your Outlook working hours; once you change them here, yours are kept',
        },
      ],
    ],
  ],
  [
    'Focus time',
    [
      ['focus.enabled', 'Place focus blocks', bool],
      ['focus.targetHours', 'Target hours per week', num('0.5')],
      ['focus.minBlockMinutes', 'Shortest block (minutes)', num('15', 'A multiple of 15')],
      ['focus.maxBlockMinutes', 'Longest block (minutes)', num('15', 'A multiple of 15')],
      ['focus.title', 'Title of focus blocks', { type: 'text' }],
      [
        'focus.autoDecline',
        'Decline invitations over focus time',
        {
          type: 'select',
          options: [
            ['none', 'No'],
            ['new', 'Only new invitations'],
            ['all', 'All conflicting invitations'],
          ],
          hint: 'Google Calendar declines them for you, with a note that it is focus time; for blocks placed from now on',
          fallback: 'none',
        },
      ],
      [
        'focus.chatStatus',
        'Google Chat status in focus time',
        {
          type: 'select',
          options: [
            ['available', 'Available'],
            ['doNotDisturb', 'Do not disturb'],
          ],
          hint: 'Google Calendar only; for blocks placed from now on',
          fallback: 'available',
        },
      ],
    ],
  ],
  [
    '1:1s',
    [
      ['oneOnOnes.maxMinutes', 'Longest meeting counted as a 1:1 (minutes)', num('5')],
      ['oneOnOnes.allowExternal', 'Count people outside my organization', bool],
      [
        'oneOnOnes.internalDomains',
        'Internal domains',
        { type: 'list', hint: 'Comma-separated; empty means your own domain' },
      ],
      ['oneOnOnes.breakMinutes', 'Break between 1:1s (minutes)', num('5')],
      [
        'oneOnOnes.dailyMeetingCapHours',
        'Most meeting hours on a day a 1:1 moves to',
        { ...num('0.5', 'Optional, 1 to 16; empty: no cap'), optional: true },
      ],
      [
        'notSeenDays',
        'Mark reports and partners not seen for (days)',
        // Documents saved before this setting existed have none: the box shows the default.
        { ...num('1', 'In People’s “Not seen lately”, and a “not seen” alert; 1 to 56'), fallback: 14 },
      ],
      [
        'notSeenCheckIn',
        'Check-in drafted for someone not seen lately',
        { type: 'textarea', hint: '{name} becomes their first name; People shows each draft to copy' },
      ],
    ],
  ],
  [
    'Safety',
    [
      [
        'freezeWindowHours',
        'Freeze window (hours)',
        num('1', 'Nothing starting sooner is moved or cancelled'),
      ],
      ['blastRadius', 'Most changes per run before asking', num('1')],
    ],
  ],
  [
    'Skip weeks',
    [
      ['skipWeeks.enabled', 'Plan skip weeks', bool],
      ['skipWeeks.minWeeks', 'Every at least (weeks)', num('1')],
      ['skipWeeks.maxWeeks', 'Every at most (weeks)', num('1')],
      ['skipWeeks.maxGapDays', 'Longest gap without a 1:1 (days)', num('1')],
      ['skipWeeks.message', 'Cancellation message', { type: 'textarea' }],
      [
        'skipWeeks.checkIn',
        'Check-in drafted for each person skipped',
        {
          type: 'textarea',
          hint: '{name} becomes their first name, {meeting} the 1:1’s title; the preview shows each draft to copy',
        },
      ],
      [
        'skipWeeks.lastSkipWeek',
        'Last skip week before Frontload',
        { type: 'date', hint: 'Optional. The cadence carries on from this week' },
      ],
    ],
  ],
  [
    'Overload alerts',
    [
      ['overload.maxMeetingHours', 'Meeting hours per week', num('0.5')],
      [
        'overload.minFocusShare',
        'Focus achieved below this share of the target',
        num('0.05', 'Between 0 and 1'),
      ],
      ['overload.maxPeopleWithOneOnOnes', 'Reports with recurring 1:1s', num('1')],
      ['overload.maxBackToBackMinutes', 'Longest back-to-back chain (minutes)', num('15')],
      ['overload.backToBackGapMinutes', 'Gap that still counts as back to back (minutes)', num('1')],
    ],
  ],
];
const FIELDS = GROUPS.flatMap(([, fields]) => fields);
const idOf = (path) => `pref-${path.replaceAll('.', '-')}`;

const getPath = (obj, path) => path.split('.').reduce((o, k) => o?.[k], obj);
function setPath(obj, path, value) {
  const keys = path.split('.');
  const last = keys.pop();
  const parent = keys.reduce((o, k) => (o[k] ??= {}), obj);
  parent[last] = value;
}

/** The 12/24 h choice; no choice follows the browser's language, and says which clock that is. */
function clockSelect(common, value) {
  return h(
    'select',
    common,
    [
      ['', `As my browser’s language does (${localeUses12h() ? '12-hour' : '24-hour'})`],
      ['12h', '12-hour (AM and PM)'],
      ['24h', '24-hour'],
    ].map(([v, text]) => h('option', { value: v, selected: (value ?? '') === v }, text)),
  );
}

function control(path, kind, value) {
  const id = idOf(path);
  const described = [kind.hint ? `${id}-hint` : null, `${id}-error`].filter(Boolean).join(' ');
  const common = { id, name: path, 'aria-describedby': described };
  switch (kind.type) {
    case 'weekday':
      return h(
        'select',
        common,
        WEEKDAYS.map((d, i) => h('option', { value: String(i + 1), selected: value === i + 1 }, d)),
      );
    case 'checkbox':
      return h('input', { ...common, type: 'checkbox', checked: value === true });
    case 'clock':
      return clockSelect(common, value);
    case 'select':
      return h(
        'select',
        common,
        kind.options.map(([v, text]) => h('option', { value: v, selected: value === v }, text)),
      );
    case 'textarea':
      return h('textarea', { ...common, rows: '3', value });
    case 'list':
      return h('input', { ...common, type: 'text', value: value.join(', ') });
    case 'days':
      return h(
        'div',
        {
          className: 'days',
          id,
          role: 'group',
          'aria-labelledby': `${id}-label`,
          'aria-describedby': described,
        },
        WEEKDAYS.map((d, i) =>
          h(
            'label',
            { className: 'inline' },
            h('input', {
              type: 'checkbox',
              name: path,
              value: String(i + 1),
              checked: value.includes(i + 1),
            }),
            d.slice(0, 3),
          ),
        ),
      );
    default:
      return h('input', {
        ...common,
        type: kind.type,
        step: kind.step,
        value: value == null ? '' : String(value),
        inputmode: kind.type === 'number' ? 'decimal' : undefined,
      });
  }
}

function field([path, label, kind], prefs) {
  const id = idOf(path);
  const labelEl =
    kind.type === 'days'
      ? h('span', { className: 'label', id: `${id}-label` }, label)
      : h('label', { for: id }, label);
  return h(
    'div',
    { className: `field field-${kind.type}`, 'data-path': path },
    labelEl,
    control(path, kind, getPath(prefs, path) ?? kind.fallback),
    kind.hint ? h('span', { className: 'hint', id: `${id}-hint` }, kind.hint) : null,
    h('span', { className: 'field-error', id: `${id}-error` }),
  );
}

function readValue(form, [path, , kind]) {
  const el = form.querySelector(`#${idOf(path)}`);
  switch (kind.type) {
    case 'weekday':
      return Number(el.value);
    case 'checkbox':
      return el.checked;
    case 'date':
      return el.value === '' ? null : el.value;
    case 'clock':
      // No choice is no field at all: the page then follows the browser's language.
      return el.value === '' ? undefined : el.value;
    case 'number':
      // An optional number left empty is no field at all (the setting is off).
      if (kind.optional && el.value.trim() === '') return undefined;
      // An empty or non-numeric box becomes null, which the server names as the field's error.
      return el.value.trim() === '' || Number.isNaN(Number(el.value)) ? null : Number(el.value);
    case 'list':
      return el.value
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
    case 'days':
      return [...el.querySelectorAll('input:checked')].map((box) => Number(box.value));
    default:
      return el.value;
  }
}

/** The field an error path belongs to: the field itself, its container, or the first field inside it. */
function fieldFor(errorPath) {
  const path = errorPath.replace(/^\//, '').replaceAll('/', '.');
  const exact = FIELDS.filter(([p]) => path === p || path.startsWith(`${p}.`));
  if (exact.length) return exact.sort((a, b) => b[0].length - a[0].length)[0][0];
  return FIELDS.find(([p]) => path !== '' && p.startsWith(`${path}.`))?.[0];
}

function clearErrors(form) {
  for (const el of form.querySelectorAll('.field-error')) el.textContent = '';
  for (const el of form.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
  form.querySelector('.form-summary').textContent = '';
}

function showErrors(form, details, message) {
  const unplaced = [];
  for (const { path, message: text } of details) {
    const target = fieldFor(String(path));
    if (!target) {
      unplaced.push(text);
      continue;
    }
    const error = form.querySelector(`#${idOf(target)}-error`);
    error.textContent = error.textContent ? `${error.textContent}; ${text}` : text;
    form.querySelector(`#${idOf(target)}`).setAttribute('aria-invalid', 'true');
  }
  const count = form.querySelectorAll('[aria-invalid="true"]').length;
  form.querySelector('.form-summary').textContent =
    `Nothing was saved: ${count || 'some'} field(s) need attention. ${unplaced.join(' ') || (count ? '' : message)}`.trim();
  form.querySelector('[aria-invalid="true"]')?.focus();
}

/**
 * What a skip-week cancellation really sends: Frontload cancels the occurrence through the calendar
 * provider, which mails its own cancellation notice (subject and layout its own, naming the 1:1);
 * the message goes with it word for word, as the occurrence's description on Google and as
 * the cancellation's comment on Microsoft 365 (shared/providers google-writes.ts, graph-writes.ts).
 * Frontload adds no subject, greeting or signature, so the preview shows none.
 */
function emailPreview(message) {
  return [
    h(
      'p',
      {},
      'Each person whose 1:1 is skipped gets the cancellation notice of your calendar (Google Calendar or Microsoft 365), with a subject of its own naming the 1:1. Frontload adds this note to it, word for word, and nothing else:',
    ),
    message
      ? h('blockquote', { className: 'pre', id: 'skip-email-note' }, message)
      : h('p', { className: 'muted' }, 'No note yet: write one above (a note is required to save).'),
  ];
}

async function save(form, prefs, ctx) {
  const next = structuredClone(prefs);
  for (const f of FIELDS) setPath(next, f[0], readValue(form, f));
  clearErrors(form);
  try {
    const saved = await api('PUT', '/api/v1/preferences', next);
    if (saved.timeFormat === undefined) delete prefs.timeFormat;
    Object.assign(prefs, saved);
    announce('Preferences saved.');
    if (setTimeFormat(saved.timeFormat)) {
      // Every time on the page follows the new clock.
      await Promise.all(
        ['connect', 'week', 'people', 'history', 'webhooks', 'account'].map((name) => ctx.refresh?.(name)),
      );
    }
  } catch (error) {
    if (!(error instanceof ApiError) || error.status !== 400) throw error;
    showErrors(form, error.details, error.message);
    announce('Preferences not saved: see the highlighted fields.', 'error');
  }
}

/** Renders the preferences form. */
export async function renderPreferences(root, ctx) {
  const prefs = await api('GET', '/api/v1/preferences');
  const preview = h(
    'div',
    { className: 'email-preview', id: 'skip-email-preview', 'aria-live': 'polite' },
    emailPreview(prefs.skipWeeks.message),
  );
  const form = h(
    'form',
    { novalidate: true, 'aria-labelledby': 'preferences-title' },
    h('p', { className: 'muted' }, `Times are in your calendar's zone: ${ctx.timeZone}.`),
    GROUPS.map(([legend, fields]) =>
      h(
        'fieldset',
        {},
        h('legend', {}, legend),
        fields.map((f) => field(f, prefs)),
      ),
    ),
    h(
      'section',
      { 'aria-labelledby': 'skip-preview-title', className: 'preview-box' },
      h('h3', { id: 'skip-preview-title' }, 'What a skip-week cancellation sends'),
      preview,
    ),
    h('p', { className: 'form-summary error', role: 'alert' }),
    h('div', { className: 'actions' }, h('button', { type: 'submit' }, 'Save preferences')),
  );
  form
    .querySelector(`#${idOf('skipWeeks.message')}`)
    .addEventListener('input', (e) => replace(preview, emailPreview(e.target.value)));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const button = form.querySelector('button[type=submit]');
    button.disabled = true;
    save(form, prefs, ctx)
      .catch((error) => announce(error.message, 'error'))
      .finally(() => (button.disabled = false));
  });
  replace(root, form);
}
