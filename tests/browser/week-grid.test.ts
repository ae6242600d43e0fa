/**
 * The week grid in a real browser, one journey per time zone: a user whose Google calendar lives in
 * Asia/Tokyo, Pacific/Auckland or America/Los_Angeles connects it, and the settings page draws the
 * synced week with all-day events in the right day's header, early and late events on the right day
 * at the right hour (the axis widened to fit them), overlapping events side by side, and the current
 * time marked on today's column. Europe/Berlin across the March 2027 clock change: that week is months
 * away, so the page draws it from a week link (/#week-2027-03-28), and the page's own grid module draws
 * it once more as at a moment on the day of the change, to check the current-time line there; last, the
 * browser's own clock (never the server's) is set to that moment, and the line follows it.
 */
import { repositories } from '@frontload/db';
import type { Page } from 'playwright-core';
import { Temporal } from 'temporal-polyfill';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  connectAndShowWeek,
  launchBrowser,
  screenshot,
  seriousA11yViolations,
  startStack,
  type Stack,
} from './harness.js';

interface DrawnEvent {
  date: string;
  title: string;
  time: string;
  top: number;
  bottom: number;
  left: number;
  right: number;
}

interface DrawnWeek {
  days: string[];
  events: DrawnEvent[];
  allDay: { date: string; title: string }[];
  hours: { label: string; top: number }[];
  now: { date: string; label: string; top: number }[];
}

/** Times as the page writes them ("6:15 AM" or "06:15", by locale and preference) read back as "06:15". */
function clock(text: string): string {
  return text.replace(
    /(\d{1,2}):(\d{2})(?:\s*([AaPp])\.?\s*[Mm]\.?)?/g,
    (_, h: string, m: string, half?: string) => {
      const hours = half ? (Number(h) % 12) + (/p/i.test(half) ? 12 : 0) : Number(h);
      return `${String(hours).padStart(2, '0')}:${m}`;
    },
  );
}

/**
 * Reads, in the page, what each week figure matching `selector` draws: its columns' dates, and each
 * hour label, block, all-day chip and current-time line with its column and box. One evaluation, so a
 * redraw (the page follows the first sync and plan by itself) never splits a reading.
 */
const READ_WEEKS = `(selector) => [...document.querySelectorAll(selector)].map((figure) => {
  const box = (el) => el.getBoundingClientRect();
  const text = (el, sel) => el.querySelector(sel)?.textContent ?? '';
  const days = [...figure.querySelectorAll('.day')];
  const inDays = (sel, read) =>
    days.flatMap((day) => [...day.querySelectorAll(sel)].map((el) => ({ date: day.dataset.date, ...read(el) })));
  return {
    days: days.map((day) => day.dataset.date),
    hours: [...figure.querySelectorAll('.axis .hour')].map((el) => ({ label: el.textContent, top: box(el).top })),
    allDay: inDays('.all-day', (el) => ({ title: el.textContent })),
    events: inDays('.event', (el) => ({
      title: text(el, '.title'),
      time: text(el, '.time'),
      top: box(el).top,
      bottom: box(el).bottom,
      left: box(el).left,
      right: box(el).right,
    })),
    now: inDays('[role="img"][aria-label^="Current time"]', (el) => ({
      label: el.getAttribute('aria-label'),
      top: box(el).top,
    })),
  };
})`;

async function drawnWeeks(page: Page, selector: string): Promise<DrawnWeek[]> {
  const weeks = (await page.evaluate(`(${READ_WEEKS})(${JSON.stringify(selector)})`)) as DrawnWeek[];
  return weeks.map((week) => ({
    ...week,
    hours: week.hours.map((l) => ({ ...l, label: clock(l.label) })),
    events: week.events.map((e) => ({ ...e, time: clock(e.time) })),
    now: week.now.map((n) => ({ ...n, label: clock(n.label) })),
  }));
}

/** The one week figure starting on `weekStart`, as drawn. */
async function drawnWeek(page: Page, weekStart: string): Promise<DrawnWeek> {
  const weeks = await drawnWeeks(page, `#week figure[data-week-start="${weekStart}"]`);
  expect(weeks, `the week from ${weekStart}`).toHaveLength(1);
  return weeks[0]!;
}

/** Where a wall-clock time sits on the drawn axis, from the hour labels' positions. */
function yOf(week: DrawnWeek, time: string): number {
  const [hours, minutes] = time.split(':').map(Number) as [number, number];
  const label = (hour: number) => week.hours.find((l) => l.label === `${String(hour).padStart(2, '0')}:00`);
  const at = label(hours);
  if (!at) throw new Error(`no ${hours}:00 on the axis (${week.hours.map((l) => l.label).join(', ')})`);
  const next = label(hours + 1) ?? label(hours - 1);
  const hourHeight = Math.abs(next!.top - at.top);
  return at.top + (minutes / 60) * hourHeight;
}

function only(week: DrawnWeek, title: string): DrawnEvent {
  const found = week.events.filter((e) => e.title === title);
  expect(found, title).toHaveLength(1);
  return found[0]!;
}

/** A drawn edge sits where the axis says (within layout rounding). */
function near(actual: number, expected: number): void {
  expect(Math.abs(actual - expected), `${actual} vs ${expected}`).toBeLessThan(1.5);
}

/** True when two drawn blocks share any area (a pixel of border aside). */
function cover(a: DrawnEvent, b: DrawnEvent): boolean {
  const x = Math.min(a.right, b.right) - Math.max(a.left, b.left);
  const y = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
  return x > 1 && y > 1;
}

/** A timed Google event from wall-clock times in the calendar's zone. */
function timed(id: string, title: string, zone: string, start: string, end: string) {
  const at = (local: string) => ({
    dateTime: Temporal.PlainDateTime.from(local).toZonedDateTime(zone).toString({ timeZoneName: 'never' }),
    timeZone: zone,
  });
  return { id, summary: title, start: at(start), end: at(end) };
}

/** An all-day Google event: dates only, the end exclusive. */
function allDay(id: string, title: string, start: string, end: string) {
  return { id, summary: title, start: { date: start }, end: { date: end }, transparency: 'transparent' };
}

describe('browser: the week grid in the calendar’s time zone', () => {
  let stack: Stack;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let page: Page;

  /** Creates a Google account in `timeZone` with `events`, and connects it as a fresh user. */
  async function connectUser(email: string, timeZone: string, events: unknown[]) {
    const account = await stack.sandbox.createAccount({
      provider: 'google',
      email,
      name: email.split('@')[0]!,
      timeZone,
      workingHours: { days: [1, 2, 3, 4, 5], start: '09:00', end: '17:00' },
    });
    await stack.sandbox.control('POST', `/accounts/${account.id}/events`, { events });
    await browser.context.clearCookies();
    await connectAndShowWeek(stack, page, 'Connect Google Calendar', email, /^Allow$/);
  }

  beforeAll(async () => {
    stack = await startStack({ workers: ['sync'] });
    browser = await launchBrowser();
    page = await browser.context.newPage();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  const zones = [
    ['Asia/Tokyo', 'kenji@sandbox.test', 'evt1'],
    ['Pacific/Auckland', 'aroha@sandbox.test', 'evt2'],
    ['America/Los_Angeles', 'dana@sandbox.test', 'evt3'],
  ] as const;

  for (const [zone, email, ids] of zones) {
    it(`${zone}: all-day, early and late events on the right day and hour, overlaps side by side, now marked`, async () => {
      const today = Temporal.Now.zonedDateTimeISO(zone).toPlainDate();
      // The Monday after today: its week is drawn whatever today is (this week's next, or the coming one).
      const monday = today.add({ days: 8 - today.dayOfWeek });
      const day = (n: number) => monday.add({ days: n }).toString();
      await connectUser(email, zone, [
        timed(`${ids}00`, 'Design review', zone, `${day(0)}T10:00`, `${day(0)}T11:00`),
        timed(`${ids}01`, 'Hiring sync', zone, `${day(0)}T10:30`, `${day(0)}T11:30`),
        timed(`${ids}02`, 'Interview', zone, `${day(0)}T10:45`, `${day(0)}T11:15`),
        // Five minutes, drawn as the shortest block (15): it must not cover the event right after it.
        timed(`${ids}07`, 'Quick check', zone, `${day(0)}T11:30`, `${day(0)}T11:35`),
        timed(`${ids}08`, 'Standup', zone, `${day(0)}T11:35`, `${day(0)}T12:00`),
        timed(`${ids}03`, 'Early review', zone, `${day(1)}T06:15`, `${day(1)}T07:00`),
        timed(`${ids}04`, 'Late call', zone, `${day(1)}T20:30`, `${day(1)}T21:40`),
        allDay(`${ids}05`, 'Offsite day', day(2), day(3)),
        allDay(`${ids}06`, 'Conference', day(3), day(5)),
      ]);
      const figure = page.locator(`#week figure[data-week-start="${day(0)}"]`);
      const week = await drawnWeek(page, day(0));

      // The axis spans the working hours widened to the earliest start and the latest end, in whole hours.
      expect(week.hours[0]?.label).toBe('06:00');
      expect(week.hours.at(-1)?.label).toBe('21:00');
      const early = only(week, 'Early review');
      expect(early).toMatchObject({ date: day(1), time: '06:15–07:00' });
      near(early.top, yOf(week, '06:15'));
      near(early.bottom, yOf(week, '07:00'));
      const late = only(week, 'Late call');
      expect(late).toMatchObject({ date: day(1), time: '20:30–21:40' });
      near(late.top, yOf(week, '20:30'));
      near(late.bottom, yOf(week, '21:40'));

      // All-day events are dates: in the header of each day they cover, and no other.
      expect(week.allDay).toEqual([
        { date: day(2), title: 'Offsite day' },
        { date: day(3), title: 'Conference' },
        { date: day(4), title: 'Conference' },
      ]);

      const overlapping = ['Design review', 'Hiring sync', 'Interview', 'Quick check', 'Standup'].map((t) =>
        only(week, t),
      );
      for (const event of overlapping) expect(event.date).toBe(day(0));
      near(overlapping[0]!.top, yOf(week, '10:00'));
      near(only(week, 'Standup').top, yOf(week, '11:35'));
      for (const [i, a] of overlapping.entries()) {
        for (const b of overlapping.slice(i + 1)) expect(cover(a, b), `${a.title} / ${b.title}`).toBe(false);
      }

      // The current time: one line, on today's column when today is drawn, at the time it says.
      const drawn = await drawnWeeks(page, '#week figure');
      const lines = drawn.flatMap((w) => w.now.map((line) => ({ ...line, week: w })));
      const todayDrawn = drawn.some((w) => w.days.includes(today.toString()));
      expect(lines).toHaveLength(todayDrawn ? 1 : 0);
      if (todayDrawn) {
        const line = lines[0]!;
        expect(line.date).toBe(today.toString());
        const shown = line.label.replace('Current time, ', '');
        const now = Temporal.Now.zonedDateTimeISO(zone);
        const minutes = (t: string) => Number(t.slice(0, 2)) * 60 + Number(t.slice(3, 5));
        expect(Math.abs(minutes(shown) - (now.hour * 60 + now.minute))).toBeLessThanOrEqual(2);
        near(line.top, yOf(line.week, shown));
      }
      await figure.scrollIntoViewIfNeeded();
      await screenshot(page, `week-grid-${zone.replace('/', '-')}`);
      expect(await seriousA11yViolations(page)).toEqual([]);
    }, 120_000);
  }

  it('Europe/Berlin across the March 2027 clock change: each day on its own wall clock, now on Sunday', async () => {
    const zone = 'Europe/Berlin';
    const nextMonday = Temporal.Now.plainDateISO(zone).add({
      days: 8 - Temporal.Now.plainDateISO(zone).dayOfWeek,
    });
    await connectUser('jonas@sandbox.test', zone, [
      // One event in a week the page shows, so the connect journey sees the sync done.
      timed('evt400', 'Weekly planning', zone, `${nextMonday}T09:00`, `${nextMonday}T10:00`),
    ]);
    // The sync mirrors eight weeks ahead (workers/sync deps.ts), so the week of the change is written
    // into the mirror as the sync writes what it lists: domain events through the mirror repository.
    const { rows } = await stack.t.db.query<{ id: string }>(
      'select c.id from connections c join users u on u.id = c.user_id where u.email = $1',
      ['jonas@sandbox.test'],
    );
    const instant = (local: string) =>
      Temporal.PlainDateTime.from(local).toZonedDateTime(zone).toInstant().toString();
    const mirrored = (id: string, title: string, start: string, end: string, dates?: [string, string]) => ({
      type: 'upsert' as const,
      event: {
        id,
        kind: 'single' as const,
        title,
        start: instant(start),
        end: instant(end),
        zone,
        ...(dates ? { allDay: { startDate: dates[0], endDate: dates[1] } } : {}),
        status: 'confirmed' as const,
        attendees: [],
        organizerIsSelf: true,
        transparency: dates ? ('free' as const) : ('busy' as const),
        eventType: 'default' as const,
      },
    });
    await repositories(stack.t.db).mirror.applyChanges(rows[0]!.id, [
      mirrored('evt401', 'Release night', '2027-03-22T23:00', '2027-03-23T01:30'),
      mirrored('evt402', 'Offsite', '2027-03-25T00:00', '2027-03-27T00:00', ['2027-03-25', '2027-03-27']),
      mirrored('evt403', 'Before the change', '2027-03-26T09:00', '2027-03-26T10:00'),
      // 01:30 CET to 03:30 CEST: one hour long, two hours on the wall clock.
      mirrored('evt404', 'Across the change', '2027-03-28T01:30', '2027-03-28T03:30'),
      mirrored('evt405', 'After the change', '2027-03-28T09:00', '2027-03-28T10:00'),
    ]);
    // This user works Sundays too, so the day of the change is a column of the week.
    const weekDays = [1, 2, 3, 4, 5, 7];
    await page.evaluate(`(async () => {
      const { api } = await import('/api.js');
      const prefs = await api('GET', '/api/v1/preferences');
      await api('PUT', '/api/v1/preferences', {
        ...prefs,
        workingHours: { ...prefs.workingHours, days: ${JSON.stringify(weekDays)} },
      });
    })()`);
    // A week link (/#week-YYYY-MM-DD, as alerts write them) draws the week of the change.
    await page.goto(`${stack.url}/#week-2027-03-28`);
    await page.locator('body[data-ready="true"]').waitFor();
    const figure = page.locator('#week figure[data-week-start="2027-03-22"]');
    await figure.waitFor();
    const week = await drawnWeek(page, '2027-03-22');
    expect(week.days).toEqual([
      '2027-03-22',
      '2027-03-23',
      '2027-03-24',
      '2027-03-25',
      '2027-03-26',
      '2027-03-28',
    ]);
    // The night over midnight widens the axis to the whole day and is drawn on both days.
    expect(week.hours[0]?.label).toBe('00:00');
    expect(week.hours.at(-1)?.label).toBe('23:00');
    const night = week.events.filter((e) => e.title === 'Release night');
    expect(night.map((e) => e.date)).toEqual(['2027-03-22', '2027-03-23']);
    near(night[0]!.top, yOf(week, '23:00'));
    near(night[1]!.top, yOf(week, '00:00'));
    near(night[1]!.bottom, yOf(week, '01:30'));

    // 09:00 in winter (08:00 UTC) and 09:00 in summer (07:00 UTC) sit on the same line.
    const before = only(week, 'Before the change');
    const after = only(week, 'After the change');
    expect(before).toMatchObject({ date: '2027-03-26', time: '09:00–10:00' });
    expect(after).toMatchObject({ date: '2027-03-28', time: '09:00–10:00' });
    near(before.top, yOf(week, '09:00'));
    near(after.top, before.top);
    const across = only(week, 'Across the change');
    expect(across).toMatchObject({ date: '2027-03-28', time: '01:30–03:30' });
    near(across.top, yOf(week, '01:30'));
    near(across.bottom, yOf(week, '03:30'));

    expect(week.allDay).toEqual([
      { date: '2027-03-25', title: 'Offsite' },
      { date: '2027-03-26', title: 'Offsite' },
    ]);
    expect(week.now).toEqual([]);
    await figure.scrollIntoViewIfNeeded();
    await screenshot(page, 'week-grid-Europe-Berlin-dst');
    expect(await seriousA11yViolations(page)).toEqual([]);

    // The page's grid module draws the same week as it looks at 10:15 on the Sunday of the change
    // (08:15 UTC, summer time): the current time is marked on that day's column, at 10:15.
    await page.evaluate(`(async () => {
      const { api } = await import('/api.js');
      const { weekFigure } = await import('/week.js');
      const prefs = await api('GET', '/api/v1/preferences');
      const query = new URLSearchParams({ from: '2027-03-21T00:00:00Z', to: '2027-03-30T00:00:00Z' });
      const { events } = await api('GET', '/api/v1/events?' + query);
      const figure = weekFigure('Week of the clock change', '2027-03-22', events, null, {
        prefs,
        timeZone: ${JSON.stringify(zone)},
        showPlan: false,
        now: Date.parse('2027-03-28T08:15:00Z'),
      });
      document.querySelector('#week .weeks').replaceChildren(figure);
    })()`);
    const atNow = await drawnWeek(page, '2027-03-22');
    expect(atNow.now).toEqual([
      { date: '2027-03-28', label: 'Current time, 10:15', top: expect.any(Number) as number },
    ]);
    near(atNow.now[0]!.top, yOf(atNow, '10:15'));
    expect(only(atNow, 'After the change').top).toBeLessThan(atNow.now[0]!.top);
    expect(await seriousA11yViolations(page)).toEqual([]);
  }, 120_000);

  it('Europe/Berlin, with the browser at 10:15 on the Sunday of the change: the page marks it there, and the line follows the clock', async () => {
    // Only the browser's clock is set (the server's is the real one): the page draws the week it
    // thinks is current, with the mirror written above, and moves the line as its minutes pass.
    await page.clock.install({ time: new Date('2027-03-28T08:15:00Z') });
    await page.goto(`${stack.url}/`);
    await page.locator('body[data-ready="true"]').waitFor();
    await page.locator('#week figure[data-week-start="2027-03-22"]').waitFor();
    const at = await drawnWeek(page, '2027-03-22');
    expect(at.now.map(({ date, label }) => ({ date, label }))).toEqual([
      { date: '2027-03-28', label: 'Current time, 10:15' },
    ]);
    near(at.now[0]!.top, yOf(at, '10:15'));
    await page.clock.runFor(5 * 60_000);
    const later = await drawnWeek(page, '2027-03-22');
    expect(later.now.map(({ date, label }) => ({ date, label }))).toEqual([
      { date: '2027-03-28', label: 'Current time, 10:20' },
    ]);
    near(later.now[0]!.top, yOf(later, '10:20'));
  }, 120_000);
});
