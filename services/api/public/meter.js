/**
 * The overload meter: meeting hours, focus achieved against the target, and reports with 1:1s (the
 * limit counts reports only; partners are named apart), each against the user's thresholds. The
 * plan's metrics are used when a plan exists; without one, the same numbers are estimated from the
 * mirror so the meter is never empty.
 */
import { h } from './dom.js';

/** Sum of the union of intervals, in hours (overlapping meetings count once). */
function unionHours(ranges) {
  const sorted = ranges.map((r) => [Date.parse(r.start), Date.parse(r.end)]).sort((a, b) => a[0] - b[0]);
  let total = 0;
  let [curStart, curEnd] = [Number.NaN, Number.NaN];
  for (const [start, end] of sorted) {
    if (!(start < curEnd)) {
      if (curEnd > curStart) total += curEnd - curStart;
      [curStart, curEnd] = [start, end];
    } else curEnd = Math.max(curEnd, end);
  }
  if (curEnd > curStart) total += curEnd - curStart;
  return total / 3_600_000;
}

/** An estimate of the week's metrics from the mirror alone. */
export function metricsFromEvents(events, prefs) {
  const live = events.filter((e) => !e.allDay && e.status !== 'cancelled');
  const meetings = live.filter((e) => e.others.length > 0 && e.transparency !== 'free');
  const focus = live.filter((e) => e.tag === 'focusBlock');
  const partners = new Set(
    meetings.filter((e) => e.others.length === 1 && e.kind !== 'single').map((e) => e.others[0]),
  );
  return {
    meetingHours: unionHours(meetings),
    focusHours: unionHours(focus),
    focusTargetHours: prefs.focus.enabled ? prefs.focus.targetHours : 0,
    peopleWithOneOnOnes: partners.size,
    estimated: true,
  };
}

const round = (n) => Math.round(n * 10) / 10;

function row(id, label, value, max, text, flagged) {
  return h(
    'div',
    { className: `meter-row${flagged ? ' flagged' : ''}` },
    h('label', { for: id }, label),
    h('meter', { id, min: '0', max: String(Math.max(max, value, 1)), value: String(value) }, text),
    h('span', { className: 'meter-text' }, text),
  );
}

/** "2 h short of your 10 h target", "10 h, your 10 h target met", "no focus target". */
export function focusText(focusHours, targetHours) {
  if (!(targetHours > 0)) return `${round(focusHours)} h (no focus target)`;
  const short = round(targetHours - focusHours);
  return short > 0
    ? `${short} h short of your ${targetHours} h target`
    : `${round(focusHours)} h, your ${targetHours} h target met`;
}

/** "12 h of your 20 h limit", and plainly over it when it is. */
export function meetingText(meetingHours, maxHours) {
  const hours = round(meetingHours);
  return hours > maxHours
    ? `${hours} h, ${round(hours - maxHours)} h over your ${maxHours} h limit`
    : `${hours} h of your ${maxHours} h limit`;
}

/** "4 people (your limit is 5)", and plainly over it when it is. */
export function peopleText(count, max) {
  const people = `${count} ${count === 1 ? 'person' : 'people'}`;
  return count > max ? `${people}, over your limit of ${max}` : `${people} (your limit is ${max})`;
}

/** "4 reports (your limit is 5); 2 partners not counted", and plainly over it when it is. */
export function reportsText(reports, partners, max) {
  const counted = `${reports} ${reports === 1 ? 'report' : 'reports'}`;
  const apart = partners > 0 ? `; ${partners} ${partners === 1 ? 'partner' : 'partners'} not counted` : '';
  return reports > max
    ? `${counted}, over your limit of ${max}${apart}`
    : `${counted} (your limit is ${max})${apart}`;
}

/**
 * The 1:1 row: reports against the limit when the plan counted them by role. An estimate from the
 * mirror (or a plan made before roles) only knows people, and is not flagged: the limit is on reports.
 */
function oneOnOneRow(id, metrics, max) {
  if (typeof metrics.reportsWithOneOnOnes === 'number') {
    const reports = metrics.reportsWithOneOnOnes;
    const text = reportsText(reports, metrics.partnersWithOneOnOnes ?? 0, max);
    return row(id, 'Reports with 1:1s', reports, max, text, reports > max);
  }
  const people = metrics.peopleWithOneOnOnes;
  return row(
    id,
    'People with 1:1s',
    people,
    max,
    `${peopleText(people, max)}, reports and partners together`,
    false,
  );
}

/** The meter block for one week. */
export function overloadMeter(metrics, prefs, title) {
  const o = prefs.overload;
  const idBase = `meter-${title.toLowerCase().replace(/\W+/g, '-')}`;
  const focusShort =
    metrics.focusTargetHours > 0 && metrics.focusHours < metrics.focusTargetHours * o.minFocusShare;
  return h(
    'div',
    { className: 'meter', role: 'group', 'aria-label': `Load, ${title}` },
    row(
      `${idBase}-meetings`,
      'Meeting hours',
      round(metrics.meetingHours),
      o.maxMeetingHours,
      meetingText(metrics.meetingHours, o.maxMeetingHours),
      metrics.meetingHours > o.maxMeetingHours,
    ),
    row(
      `${idBase}-focus`,
      'Focus achieved',
      round(metrics.focusHours),
      metrics.focusTargetHours,
      focusText(metrics.focusHours, metrics.focusTargetHours),
      focusShort,
    ),
    oneOnOneRow(`${idBase}-people`, metrics, o.maxPeopleWithOneOnOnes),
    metrics.estimated
      ? h('p', { className: 'muted small' }, 'Estimated from your calendar; the plan gives exact numbers.')
      : null,
  );
}
