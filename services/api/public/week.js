/* global document */
/**
 * The week grid: the two weeks the planner plans in the user's zone (this week and next; on a weekend
 * the coming week and the one after), working days as columns, the first and second halves shaded,
 * the mirror's events placed by time, the plan's operations on top (when a plan exists), the overload
 * meter under each week, and the preview/autopilot switch.
 */
import { api } from './api.js';
import { busy, formatWhen, h, replace, announce } from './dom.js';
import { OP_KINDS, loadPlan, opKey, opLabel, opTip, planMetrics, planPanel } from './plan.js';
import { follow, loadRun, loadRuns, outcomeText, progressText } from './runs.js';
import {
  addDays,
  dayLabel,
  daysBetween,
  formatTime,
  isoWeekday,
  partOfDay,
  parseTime,
  planningWeekStartOf,
  weekStartOf,
  zoned,
} from './zoned.js';
import { metricsFromEvents, overloadMeter } from './meter.js';
import { followPlanRequest } from './pending.js';
import { linkedWeekNote, shownWeekStart } from './links.js';

const HOUR_MS = 3_600_000;

/** Working days of the week, in week order, as plain dates. */
function weekDays(weekStart, prefs) {
  const days = [];
  for (let offset = 0; offset < 7; offset++) {
    const date = addDays(weekStart, offset);
    if (prefs.workingHours.days.includes(isoWeekday(date))) days.push(date);
  }
  return days;
}

/** Where the first half ends, in minutes from the start of the week. */
function splitMinutes(prefs) {
  return (
    ((prefs.firstHalf.endWeekday - prefs.weekStartsOn + 7) % 7) * 1440 + parseTime(prefs.firstHalf.endTime)
  );
}

/** The shortest block drawn, in minutes, so that a very short event stays visible (and is laid out so). */
const MIN_BLOCK_MINUTES = 15;

/** Whether an all-day event covers a date: its dates as the calendar holds them, end exclusive. */
function allDayOn(event, date) {
  return event.allDayDates !== null && event.allDayDates.start <= date && date < event.allDayDates.end;
}

/**
 * The hours drawn: the working hours, widened to the earliest start and the latest end of the week's
 * timed ranges (and to the current time on today's column), in whole hours.
 */
function axisOf(prefs, segments) {
  let start = parseTime(prefs.workingHours.start);
  let end = parseTime(prefs.workingHours.end);
  for (const s of segments) {
    start = Math.min(start, s.from);
    end = Math.max(end, s.to);
  }
  start = Math.floor(start / 60) * 60;
  end = Math.min(1440, Math.max(Math.ceil(end / 60) * 60, start + 60));
  return { start, end };
}

function place(el, axis, from, to) {
  const span = axis.end - axis.start;
  const top = Math.max(0, from - axis.start);
  const bottom = Math.min(span, to - axis.start);
  el.style.top = `${(top / span) * 100}%`;
  el.style.height = `${(Math.max(bottom - top, MIN_BLOCK_MINUTES) / span) * 100}%`;
  return el;
}

function halves(date, weekStart, axis, split) {
  const offset = daysBetween(weekStart, date) * 1440;
  const cut = Math.min(Math.max(split - offset, axis.start), axis.end);
  return [
    cut > axis.start
      ? place(h('div', { className: 'half half-first', 'aria-hidden': 'true' }), axis, axis.start, cut)
      : null,
    cut < axis.end
      ? place(h('div', { className: 'half half-second', 'aria-hidden': 'true' }), axis, cut, axis.end)
      : null,
  ];
}

function eventClass(event) {
  if (event.tag === 'focusBlock') return 'ev-focus';
  if (event.status === 'cancelled') return 'ev-cancelled';
  if (event.others.length === 1) return 'ev-one-on-one';
  return event.others.length > 1 ? 'ev-meeting' : 'ev-personal';
}

let tipCounter = 0;

/** "09:00–10:30", or with the days when the event runs over midnight ("Mon 9 Mar 23:00 – Tue 10 Mar 01:30"). */
function timeRange(start, end) {
  return start.date === end.date || (end.minutes === 0 && daysBetween(start.date, end.date) === 1)
    ? `${formatTime(start.minutes)}–${formatTime(end.minutes)}`
    : `${dayLabel(start.date)} ${formatTime(start.minutes)} – ${dayLabel(end.date)} ${formatTime(end.minutes)}`;
}

/** One timed event's block on one day: `segment` is its part of that day (partOfDay). */
function eventBlock(event, segment, axis) {
  const tipId = `tip-${++tipCounter}`;
  const people = event.otherNames ?? event.others;
  const who = people.length ? `with ${people.join(', ')}` : 'just you';
  const block = h(
    'button',
    {
      type: 'button',
      className: `event ${eventClass(event)}`,
      'aria-describedby': tipId,
      'data-event-id': event.id,
    },
    h(
      'span',
      { className: `label${segment.to - segment.from < 45 ? ' short' : ''}` },
      h('span', { className: 'time' }, timeRange(segment.start, segment.end)),
      h('span', { className: 'title' }, event.title || '(no title)'),
    ),
    h('span', { className: 'tip', role: 'tooltip', id: tipId }, `${event.title || '(no title)'} — ${who}`),
  );
  return place(block, axis, segment.from, segment.to);
}

function opBlock(op, index, range, axis, timeZone, ghost) {
  const start = zoned(range.start, timeZone);
  const end = zoned(range.end, timeZone);
  const kind = OP_KINDS[op.kind] ?? { className: 'op-other' };
  const tipId = `op-tip-${index}-${ghost ? 'from' : 'to'}`;
  const block = h(
    'button',
    {
      type: 'button',
      className: `event op ${kind.className}${ghost ? ' op-ghost' : ''}`,
      'aria-describedby': tipId,
      'data-op-kind': op.kind,
    },
    h(
      'span',
      { className: 'label' },
      h('span', { className: 'title' }, ghost ? `Was: ${opLabel(op, timeZone)}` : opLabel(op, timeZone)),
    ),
    opTip(op, tipId),
  );
  return {
    date: start.date,
    el: place(block, axis, start.minutes, end.date === start.date ? end.minutes : 1440),
  };
}

/** Operation blocks per date: the new slot solid, the old slot (moves, removals, cancellations) hatched. */
function opBlocksByDate(plan, axis, timeZone) {
  const byDate = new Map();
  const add = ({ date, el }) => byDate.set(date, [...(byDate.get(date) ?? []), el]);
  (plan?.operations ?? []).forEach((op, index) => {
    if (op.before && op.kind !== 'createFocusBlock')
      add(opBlock(op, index, op.before, axis, timeZone, op.after !== undefined));
    if (op.after) add(opBlock(op, index, op.after, axis, timeZone, false));
  });
  return byDate;
}

/**
 * Side by side for overlapping events: each cluster of overlaps shares the column's width in lanes.
 * Overlap is judged on what is drawn (the day's part in wall-clock minutes, at least the shortest block),
 * so a five-minute event is not covered by the one right after it, and neither are two events that
 * only share wall-clock time on the night the clocks go back.
 */
function layoutLanes(placed) {
  const spans = placed.map(({ el, from, to }) => ({ el, from, to: Math.max(to, from + MIN_BLOCK_MINUTES) }));
  spans.sort((a, b) => a.from - b.from || b.to - a.to);
  let cluster = [];
  let clusterEnd = -Infinity;
  const flush = () => {
    const lanes = [];
    for (const span of cluster) {
      let lane = lanes.findIndex((end) => end <= span.from);
      if (lane === -1) lane = lanes.push(0) - 1;
      lanes[lane] = span.to;
      span.lane = lane;
    }
    for (const span of cluster) {
      span.el.style.left = `calc(${(span.lane / lanes.length) * 100}% + 2px)`;
      span.el.style.width = `calc(${100 / lanes.length}% - 4px)`;
    }
  };
  for (const span of spans) {
    if (span.from >= clusterEnd) {
      flush();
      cluster = [];
      clusterEnd = -Infinity;
    }
    cluster.push(span);
    clusterEnd = Math.max(clusterEnd, span.to);
  }
  flush();
  return placed.map(({ el }) => el);
}

/**
 * The current time as a line across today's column, labelled for assistive technology. On the page
 * (`live`) it follows the clock each minute, and goes once today or the drawn hours are over (the next
 * redraw widens the axis again), so it never marks a time that has passed.
 */
function nowLine(axis, now, { live, timeZone }) {
  const line = h('div', { className: 'now', role: 'img' });
  const show = (minutes) => {
    line.setAttribute('aria-label', `Current time, ${formatTime(minutes)}`);
    line.style.top = `${((minutes - axis.start) / (axis.end - axis.start)) * 100}%`;
  };
  show(now.minutes);
  if (live) {
    const timer = setInterval(() => {
      const at = zoned(Date.now(), timeZone);
      if (line.isConnected && at.date === now.date && at.minutes <= axis.end) {
        show(at.minutes);
      } else {
        clearInterval(timer);
        line.remove();
      }
    }, 60_000);
  }
  return line;
}

function dayColumn(date, day, ops, ctx) {
  const { axis, weekStart, split, now } = ctx;
  const blocks = layoutLanes(
    day.timed.map(({ event, segment }) => ({
      el: eventBlock(event, segment, axis),
      from: segment.from,
      to: segment.to,
    })),
  );
  return h(
    'div',
    { className: 'day', role: 'group', 'aria-label': dayLabel(date, 'long'), 'data-date': date },
    h(
      'div',
      { className: 'day-head' },
      dayLabel(date),
      day.allDay.map((e) =>
        h('span', { className: 'all-day', 'data-event-id': e.id, title: e.title }, e.title || '(no title)'),
      ),
    ),
    h(
      'div',
      { className: 'day-body' },
      halves(date, weekStart, axis, split),
      blocks,
      ops,
      now.date === date ? nowLine(axis, now, ctx) : null,
    ),
  );
}

function hourAxis(axis) {
  const labels = [];
  for (let m = Math.ceil(axis.start / 60) * 60; m < axis.end; m += 60) {
    labels.push(place(h('span', { className: 'hour' }, formatTime(m)), axis, m, m + 60));
  }
  return h(
    'div',
    { className: 'axis', 'aria-hidden': 'true' },
    h('div', { className: 'day-head' }),
    h('div', { className: 'day-body' }, labels),
  );
}

/** What each drawn day holds: its timed events' parts of that day and the all-day events on it. */
function daysOf(days, events, timeZone) {
  return new Map(
    days.map((date) => [
      date,
      {
        timed: events.flatMap((event) => {
          const segment = event.allDay ? null : partOfDay(event, date, timeZone);
          return segment ? [{ event, segment }] : [];
        }),
        allDay: events.filter((e) => e.allDay && allDayOn(e, date)),
      },
    ]),
  );
}

/** The plan's slots (old and new) on the drawn days, so the axis makes room for them too. */
function opSegments(plan, days, timeZone) {
  return (plan?.operations ?? [])
    .flatMap((op) => [op.before, op.after])
    .filter(Boolean)
    .flatMap((range) => days.map((date) => partOfDay(range, date, timeZone)).filter(Boolean));
}

/**
 * One week as a figure: the working days as columns, on an axis widened to fit the week's events, with
 * the current time marked on today's column. `ctx`: prefs, timeZone, showPlan, `now` (ms since the
 * epoch) for the moment drawn, and `live` to keep the current-time line moving with the clock.
 */
export function weekFigure(title, weekStart, events, plan, ctx) {
  const days = weekDays(weekStart, ctx.prefs);
  const byDay = daysOf(days, events, ctx.timeZone);
  const now = zoned(ctx.now, ctx.timeZone);
  const today = days.includes(now.date) ? [{ from: now.minutes, to: now.minutes }] : [];
  const axis = axisOf(ctx.prefs, [
    ...[...byDay.values()].flatMap((d) => d.timed.map((t) => t.segment)),
    ...(ctx.showPlan ? opSegments(plan, days, ctx.timeZone) : []),
    ...today,
  ]);
  const opsByDate = ctx.showPlan ? opBlocksByDate(plan, axis, ctx.timeZone) : new Map();
  const inWeek = events.filter((e) => days.includes(zoned(e.start, ctx.timeZone).date));
  const dayCtx = {
    axis,
    weekStart,
    split: splitMinutes(ctx.prefs),
    now,
    live: ctx.live,
    timeZone: ctx.timeZone,
  };
  const grid = h(
    'div',
    { className: 'grid' },
    hourAxis(axis),
    days.map((d) => dayColumn(d, byDay.get(d), opsByDate.get(d) ?? [], dayCtx)),
  );
  grid.style.setProperty('--days', String(days.length));
  grid.style.setProperty('--hours', String((axis.end - axis.start) / 60));
  grid.style.setProperty(
    '--all-day-rows',
    String(Math.max(0, ...[...byDay.values()].map((d) => d.allDay.length))),
  );
  const metrics = planMetrics(plan, weekStart) ?? metricsFromEvents(inWeek, ctx.prefs);
  return h(
    'figure',
    {
      className: 'week',
      'aria-label': `${title}, from ${dayLabel(weekStart, 'long')}`,
      'data-week-start': weekStart,
    },
    h(
      'figcaption',
      {},
      h('h3', {}, title, h('span', { className: 'muted' }, ` · from ${dayLabel(weekStart)}`)),
    ),
    h(
      'div',
      { className: 'grid-scroll', tabindex: '0', role: 'region', 'aria-label': `${title} calendar` },
      grid,
    ),
    overloadMeter(metrics, ctx.prefs, title),
  );
}

function legend() {
  const items = [
    ['half-first', 'First half: people time'],
    ['half-second', 'Second half: focus time'],
    ['ev-one-on-one', '1:1'],
    ['ev-meeting', 'Meeting'],
    ['op-move', 'Proposed move'],
    ['op-focus', 'Focus block'],
    ['op-cancel', 'Skip-week cancellation'],
  ];
  return h(
    'ul',
    { className: 'legend', 'aria-label': 'Legend' },
    items.map(([c, text]) =>
      h('li', {}, h('span', { className: `swatch ${c}`, 'aria-hidden': 'true' }), text),
    ),
  );
}

/**
 * Asks the planner for a fresh preview now (it also plans by itself after each sync), and follows it
 * until it is stored: then the week is drawn again.
 */
function planNow(ctx) {
  const button = h('button', { type: 'button', className: 'secondary' }, 'Plan now');
  button.addEventListener(
    'click',
    busy(button, async () => {
      const { requestedAt } = await api('POST', '/api/v1/plan');
      announce('Planning… the week below is redrawn when the preview is ready.');
      followPlanRequest(requestedAt, ctx);
    }),
  );
  return button;
}

function modeSwitch(ctx) {
  const button = h('button', {
    type: 'button',
    className: 'secondary',
    'aria-pressed': String(ctx.me.mode === 'autopilot'),
  });
  const label = () =>
    (button.textContent =
      ctx.me.mode === 'autopilot'
        ? 'Mode: autopilot (switch to preview)'
        : 'Mode: preview (switch to autopilot)');
  label();
  button.addEventListener(
    'click',
    busy(button, async () => {
      const mode = ctx.me.mode === 'autopilot' ? 'preview' : 'autopilot';
      ctx.me.mode = (await api('PATCH', '/api/v1/mode', { mode })).mode;
      button.setAttribute('aria-pressed', String(mode === 'autopilot'));
      label();
      announce(
        mode === 'autopilot'
          ? 'Autopilot on: every plan from now on is applied as soon as it is made (after a calendar or settings change, Plan now, or the Sunday plan); one that changes more events than your limit waits for you. Every run is listed in History and can be undone.'
          : 'Preview mode: nothing changes until you apply.',
      );
    }),
  );
  return button;
}

/**
 * The run the panel tells about: one being applied (or undone) now, else, without a preview, the
 * newest run, so that the panel after "Apply all" says what happened instead of "no preview yet".
 */
async function runToShow(plan) {
  const runs = (await loadRuns()) ?? [];
  const shown = runs.find((r) => r.state === 'applying') ?? (plan ? undefined : runs[0]);
  return shown ? loadRun(shown.id) : undefined;
}

/** What the run shown is doing, or how it ended (said only when there is no preview to review). */
function runStatus(run, timeZone) {
  if (run.state === 'applying') {
    return h('p', { className: 'run-status', 'data-run-id': run.id }, progressText(run));
  }
  const when = formatWhen(run.appliedAt ?? run.createdAt, timeZone);
  return h(
    'p',
    { className: 'run-status', 'data-run-id': run.id },
    `Last run, ${when}: ${outcomeText(run)} No new plan preview since then; the grid shows your calendar as it is.`,
  );
}

/**
 * Follows a run being applied: its progress line is kept current, and when it ends the page says how
 * and draws the week and History again.
 */
function followRun(run, ctx) {
  let finished;
  follow(
    `run:${run.id}`,
    run.kind === 'undo' ? 'undoing the run' : 'applying the plan',
    async () => {
      const now = await loadRun(run.id);
      if (now.state === 'applying') {
        const line = document.querySelector(`#week .run-status[data-run-id="${run.id}"]`);
        if (line) line.textContent = progressText(now);
        return false;
      }
      finished = now;
      return true;
    },
    async () => {
      announce(outcomeText(finished));
      await Promise.all([ctx.refresh?.('week'), ctx.refresh?.('history')]);
    },
  );
}

/** Renders the week section. */
export async function renderWeek(root, ctx) {
  const prefs = await api('GET', '/api/v1/preferences');
  // The weeks the planner plans: on a weekend, the coming week and the one after.
  const now = Date.now();
  const planned = planningWeekStartOf(now, ctx.timeZone, prefs);
  const weekStart = shownWeekStart(planned, ctx.linkedWeek, prefs);
  const current = weekStart === weekStartOf(now, ctx.timeZone, prefs.weekStartsOn);
  const titles =
    weekStart === planned
      ? [current ? 'This week' : 'Coming week', current ? 'Next week' : 'The week after']
      : [`Week of ${dayLabel(weekStart, 'long')}`, 'The week after'];
  const from = new Date(Date.parse(`${weekStart}T00:00:00Z`) - 14 * HOUR_MS).toISOString();
  const to = new Date(Date.parse(`${addDays(weekStart, 14)}T00:00:00Z`) + 14 * HOUR_MS).toISOString();
  const query = new URLSearchParams({ from, to });
  const [{ events }, plan] = await Promise.all([api('GET', `/api/v1/events?${query}`), loadPlan()]);
  const run = await runToShow(plan);
  const state = { selected: new Set((plan?.operations ?? []).map(opKey)) };
  const view = { prefs, timeZone: ctx.timeZone, showPlan: plan !== null, now, live: true };
  const panel = h('div', { className: 'plan-panel', ...(plan ? { 'data-plan-id': plan.id } : {}) });
  // After an apply the run is followed here and History shows it at once.
  const onApplied = () => Promise.all([renderWeek(root, ctx), ctx.refresh?.('history')]);
  if (plan || !run) planPanel(panel, plan, state, ctx.timeZone, onApplied);
  if (run) panel.prepend(runStatus(run, ctx.timeZone));
  if (run?.state === 'applying') followRun(run, ctx);
  replace(
    root,
    h('div', { className: 'toolbar' }, modeSwitch(ctx), planNow(ctx), legend()),
    weekStart === planned ? null : linkedWeekNote(weekStart),
    h(
      'div',
      { className: 'weeks' },
      weekFigure(titles[0], weekStart, events, plan, view),
      weekFigure(titles[1], addDays(weekStart, 7), events, plan, view),
    ),
    panel,
  );
}
