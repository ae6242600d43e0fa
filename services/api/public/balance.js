/* global document, getComputedStyle */
/**
 * Balance: the last twelve weeks and the next two as time with people (meetings, 1:1s included)
 * against time for engineering (focus and the other free working time), from GET /api/v1/insights.
 * A bar chart (uPlot, served by the API from its node_modules) with the user's target drawn as a
 * line, and under it a table with the same numbers as text for anyone who cannot read the chart.
 * Weeks Frontload's copy of the calendar does not reach are said to be unavailable, never zero.
 */
import uPlot from '/vendor/uplot/uPlot.esm.js';
import { api } from './api.js';
import { announce, busy, h, replace } from './dom.js';
import { formatDate } from './format.js';

const OFFSET_WORDS = { '-1': 'last week', 0: 'this week', 1: 'next week', 2: 'in two weeks' };
const hours = (n) => `${Number.isInteger(n) ? n : n.toFixed(1)} h`;
const percent = (share) => (share === null ? '—' : `${Math.round(share * 100)}%`);

/** "Week of Mon, Mar 9 (this week)": the week in words, as the Week section names it. */
function weekLabel(week) {
  const when = OFFSET_WORDS[week.offset];
  return `Week of ${formatDate(week.week)}${when ? ` (${when})` : ''}`;
}

/** "Mar 9": a week's first day, short, for the chart's axis. */
const axisLabel = (date) =>
  new Intl.DateTimeFormat(undefined, { timeZone: 'UTC', day: 'numeric', month: 'short' }).format(
    new Date(`${date}T00:00:00Z`),
  );

const cssColor = (name) => getComputedStyle(document.documentElement).getPropertyValue(name).trim();

/** uPlot's options: two bar series side by side around each week, and the target as a dashed line. */
function chartOptions(weeks, width) {
  const xs = weeks.map((_, i) => i);
  const [text, grid] = [cssColor('--text'), cssColor('--border')];
  const bars = (color, align) => ({
    stroke: color,
    fill: color,
    width: 0,
    paths: uPlot.paths.bars({ size: [0.38, 40], align }),
    points: { show: false },
  });
  const axis = { stroke: text, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 } };
  return {
    width,
    height: 300,
    legend: { show: false },
    cursor: { show: false },
    scales: {
      x: { time: false, range: [-0.6, weeks.length - 0.4] },
      y: { range: (u, min, max) => [0, Math.max(10, Math.ceil(max / 5) * 5)] },
    },
    axes: [
      {
        ...axis,
        grid: { show: false },
        splits: () => xs,
        values: (u, splits) => splits.map((i) => axisLabel(weeks[i]?.week ?? '')),
      },
      { ...axis, label: 'Hours', values: (u, splits) => splits.map((n) => `${n}`) },
    ],
    series: [
      {},
      { label: 'People', ...bars(cssColor('--one-on-one'), -1) },
      { label: 'Engineering', ...bars(cssColor('--focus-block'), 1) },
      {
        label: 'Target for people',
        stroke: cssColor('--focus'),
        width: 2,
        dash: [6, 4],
        points: { show: true, size: 6 },
      },
    ],
  };
}

/** The bar chart: people and engineering hours side by side per week, the target as a dashed line. */
function chart(data, width) {
  const { weeks, targetPeopleShare } = data;
  const value = (w, pick) => (w.available ? pick(w.insights) : null);
  const people = weeks.map((w) => value(w, (i) => i.peopleHours));
  const engineering = weeks.map((w) => value(w, (i) => i.engineeringHours));
  // The people hours the target asks for: its share of the week's people and engineering time.
  const target = weeks.map((w) =>
    value(w, (i) => Math.round((i.peopleHours + i.engineeringHours) * targetPeopleShare * 10) / 10),
  );
  const holder = h('div', {
    className: 'balance-chart',
    role: 'img',
    'aria-label': `Bar chart of the hours with people and for engineering in each of the ${weeks.length} weeks of the table below, with your target for people time as a dashed line.`,
  });
  // uPlot draws into the holder it is given; the instance is not needed afterwards.
  uPlot(chartOptions(weeks, width), [weeks.map((_, i) => i), people, engineering, target], holder);
  return holder;
}

function legend() {
  const item = (name, label) =>
    h('li', {}, h('span', { className: `swatch swatch-${name}`, 'aria-hidden': 'true' }), label);
  return h(
    'ul',
    { className: 'balance-legend', 'aria-label': 'Chart legend' },
    item('people', 'People: meetings and 1:1s'),
    item('engineering', 'Engineering: focus and other free working time'),
    item('target', 'Your target for people time'),
  );
}

const COLUMNS = [
  ['People', (i) => hours(i.peopleHours)],
  ['Engineering', (i) => hours(i.engineeringHours)],
  ['People share', (i) => percent(i.peopleShare)],
  ['1:1s: reports', (i) => hours(i.oneOnOneHours.reports)],
  ['1:1s: partners', (i) => hours(i.oneOnOneHours.partners)],
  ['Team meetings', (i) => hours(i.teamMeetingHours)],
  ['Other meetings', (i) => hours(i.otherMeetingHours + i.oneOnOneHours.others)],
  ['Focus', (i) => hours(i.focusHours)],
  ['Focus in 2 h+ blocks', (i) => hours(i.deepFocusHours)],
  ['Fragmented', (i) => hours(i.fragmentedHours)],
  ['Meeting-heavy days', (i) => String(i.meetingHeavyDays)],
];

function table(data) {
  const rows = data.weeks.map((w) =>
    h(
      'tr',
      { 'data-week': w.week, ...(w.offset === 0 ? { 'aria-current': 'date' } : {}) },
      h('th', { scope: 'row' }, weekLabel(w)),
      w.available
        ? COLUMNS.map(([, cell]) => h('td', {}, cell(w.insights)))
        : h(
            'td',
            { colspan: String(COLUMNS.length), className: 'muted' },
            'Not available: Frontload’s copy of your calendar does not reach back this far.',
          ),
    ),
  );
  return h(
    'div',
    // Wider than a phone: it scrolls in its own box, which the keyboard can reach and scroll too.
    { className: 'table-wrap', role: 'region', tabindex: '0', 'aria-labelledby': 'balance-caption' },
    h(
      'table',
      { className: 'table balance-table' },
      h('caption', { id: 'balance-caption' }, 'Hours with people and for engineering, week by week'),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', { scope: 'col' }, 'Week'),
          COLUMNS.map(([name]) => h('th', { scope: 'col' }, name)),
        ),
      ),
      h('tbody', {}, rows),
    ),
  );
}

/** This week's split against the target, in one sentence. */
function summary(data) {
  const current = data.weeks.find((w) => w.offset === 0);
  const target = `Your target is ${percent(data.targetPeopleShare)} of your time with people.`;
  if (!current?.available) return target;
  const i = current.insights;
  return `This week: ${hours(i.peopleHours)} with people (${percent(i.peopleShare)}) and ${hours(i.engineeringHours)} for engineering (${percent(i.engineeringShare)}). ${target}`;
}

/** The target share, changed here and saved in preferences. */
function targetForm(data, root, ctx) {
  const input = h('input', {
    type: 'number',
    id: 'balance-target',
    min: '0',
    max: '100',
    step: '5',
    value: String(Math.round(data.targetPeopleShare * 100)),
    'aria-describedby': 'balance-target-hint',
  });
  const save = h('button', { type: 'submit', className: 'secondary' }, 'Save target');
  const form = h(
    'form',
    { className: 'balance-target' },
    h('label', { for: 'balance-target' }, 'Target share of time with people (%)'),
    input,
    save,
    h(
      'p',
      { id: 'balance-target-hint', className: 'hint' },
      'Drawn on the chart as the dashed line. 50% is an even split.',
    ),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    return busy(save, async () => {
      const share = Number(input.value) / 100;
      if (!Number.isFinite(share) || share < 0 || share > 1)
        throw new Error('The target is a share from 0 to 100%.');
      const prefs = await api('GET', '/api/v1/preferences');
      await api('PUT', '/api/v1/preferences', { ...prefs, targetPeopleShare: share });
      announce(`Target saved: ${percent(share)} of your time with people.`);
      await renderBalance(root, ctx);
    })(event);
  });
  return form;
}

/** Renders the Balance section. */
export async function renderBalance(root, ctx) {
  const data = await api('GET', '/api/v1/insights');
  const width = Math.max(320, Math.min(960, root.clientWidth || 720));
  replace(
    root,
    h('p', { className: 'lead', id: 'balance-summary' }, summary(data)),
    legend(),
    chart(data, width),
    table(data),
    h(
      'p',
      { className: 'hint' },
      `Focus counts free working time in stretches of at least ${data.minBlockMinutes} minutes (your shortest focus block) and focus blocks; shorter gaps are fragmented. A meeting-heavy day has more than 4 h of meetings.`,
    ),
    targetForm(data, root, ctx),
  );
}
