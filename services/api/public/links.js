/* global document, window */
/**
 * Links into the page, as alerts write them (`data.links.settings` in webhook payloads, made by the
 * notifier): `/#week-YYYY-MM-DD` for a week, `/#connections` for the calendar accounts. The sections
 * load after the page does, so the browser's own jump to the fragment finds nothing: the page lands
 * on the target itself once it is drawn, and a week link draws that week when it is not on screen.
 */
import { h } from './dom.js';
import { addDays, dayLabel, isoWeekday } from './zoned.js';

/** Fragments as alert links spell them, for sections the page names otherwise. */
const ALIASES = { connections: 'connect' };
const WEEK_LINK = /^week-(\d{4}-\d{2}-\d{2})$/;

const fragment = () => decodeURIComponent(window.location.hash.slice(1));

/** The date a week link (`/#week-YYYY-MM-DD`) names, or undefined. */
export const linkedWeek = () => WEEK_LINK.exec(fragment())?.[1];

/**
 * The first week the grid draws: the one holding the linked date (from the user's first weekday),
 * unless that is one of the two weeks being planned, which are drawn as usual.
 */
export function shownWeekStart(planned, linked, prefs) {
  if (!linked) return planned;
  const start = addDays(linked, -((isoWeekday(linked) - prefs.weekStartsOn + 7) % 7));
  return start === planned || start === addDays(planned, 7) ? planned : start;
}

/** Says which week is drawn instead of the weeks being planned, with the way back to them. */
export function linkedWeekNote(weekStart) {
  return h(
    'p',
    { className: 'linked-week' },
    `Showing the week of ${dayLabel(weekStart, 'long')} and the one after, as the link you followed asked. `,
    h('a', { href: '#week' }, 'Show the weeks being planned'),
  );
}

/** The element a fragment names: for a week link, the drawn week holding its date, else the section. */
function targetOf(name) {
  const week = WEEK_LINK.exec(name)?.[1];
  if (!week) return document.getElementById(ALIASES[name] ?? name);
  const figures = [...document.querySelectorAll('#week figure[data-week-start]')];
  const holding = figures.find((f) => f.dataset.weekStart <= week && week < addDays(f.dataset.weekStart, 7));
  return holding ?? document.getElementById('week');
}

/** Brings what the address names into view and moves focus there (once the sections are drawn). */
export function landOnLink() {
  const name = fragment();
  const target = name ? targetOf(name) : null;
  if (!target || target.closest('[hidden]')) return;
  if (!target.hasAttribute('tabindex')) target.setAttribute('tabindex', '-1');
  target.focus({ preventScroll: true });
  target.scrollIntoView({ block: 'start' });
}

/**
 * Follows links opened while the page is open (an alert clicked in another tab of the same page, the
 * navigation): a week link not on screen draws its week, then the page lands on the target.
 */
export function followLinks(ctx) {
  window.addEventListener('hashchange', async () => {
    const week = linkedWeek();
    if (week !== ctx.linkedWeek) {
      ctx.linkedWeek = week;
      await ctx.refresh('week');
    }
    landOnLink();
  });
}
