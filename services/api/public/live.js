/* global document, window, EventSource */
/**
 * The page's live link to the server: the signed-in user's own event stream (`GET /api/v1/stream`,
 * server-sent events). A message names what changed (a sync, a plan, a run's progress, alerts, a
 * setting changed on another page); the page then looks at once at what it is following (runs.js
 * `follow`) and draws again the sections that show the change. A message the page's own follows
 * are waiting for is left to them, so a section is not drawn twice.
 *
 * The browser reconnects by itself after a dropped connection; a refused stream (signed out, too many
 * tabs, the server without Redis) is tried again after a while. While the stream is down the follows
 * keep polling with ETags, and when it is back the sections are drawn again, since messages sent
 * meanwhile are gone. `body[data-live]` says where the stream stands (`open`, `down`).
 */
import { PAGE_ID } from './api.js';
import { isFollowing, pokeFollows } from './runs.js';

/** How long the page waits before opening a stream the server refused. */
const REOPEN_MS = 15_000;
/** Messages arriving within this window draw each section once. */
const COALESCE_MS = 150;

const SETTINGS_SECTION = {
  preferences: 'preferences',
  people: 'people',
  webhooks: 'webhooks',
  connections: 'connect',
  account: 'account',
};

/** The sections to draw again for one message, leaving out what a follow of this page will draw. */
function sectionsFor(event) {
  switch (event.kind) {
    case 'calendar':
      return isFollowing('first-sync') ? [] : ['connect', 'week', 'people', 'balance'];
    case 'plan':
      // A plan that could not be made is told in History.
      if (event.outcome === 'rejected') return ['history'];
      return isFollowing('plan:') || isFollowing('first-plan') ? [] : ['week'];
    case 'run':
      if (isFollowing(`run:${event.runId}`) || isFollowing('undo:')) return [];
      return event.state === 'applying' ? ['week'] : ['week', 'history'];
    case 'alerts':
      return ['history'];
    case 'settings':
      // History records each change, this page's own too.
      return event.origin === PAGE_ID ? ['history'] : [SETTINGS_SECTION[event.section], 'history'];
    default:
      return [];
  }
}

/**
 * A section holding the keyboard focus in a field (a half-typed preference, an open select) is drawn
 * once the focus leaves it, so that the user's typing is never thrown away.
 */
const deferred = new Set();

function whenNotEditing(name, draw) {
  const section = document.getElementById(name);
  const active = document.activeElement;
  const editing =
    section && active && section.contains(active) && ['INPUT', 'SELECT', 'TEXTAREA'].includes(active.tagName);
  if (!editing) return draw();
  // Several messages while the user types still draw the section once.
  if (deferred.has(name)) return undefined;
  deferred.add(name);
  section.addEventListener(
    'focusout',
    () =>
      setTimeout(() => {
        deferred.delete(name);
        whenNotEditing(name, draw);
      }, 0),
    { once: true },
  );
  return undefined;
}

/** Starts listening; `ctx.refresh(name)` draws a section again. */
export function startLive(ctx) {
  if (typeof EventSource === 'undefined') return;
  const pending = new Set();
  let flushTimer;
  const draw = (names) => {
    for (const name of names) pending.add(name);
    clearTimeout(flushTimer);
    flushTimer = setTimeout(() => {
      const names = [...pending];
      pending.clear();
      for (const name of names) whenNotEditing(name, () => ctx.refresh(name));
    }, COALESCE_MS);
  };

  let wasDown = false;
  const open = () => {
    const source = new EventSource('/api/v1/stream');
    source.addEventListener('ready', () => {
      document.body.dataset.live = 'open';
      if (wasDown) {
        // Messages sent while the stream was down are gone: look again at everything that moves.
        wasDown = false;
        pokeFollows();
        draw(['connect', 'week', 'people', 'history']);
      }
    });
    source.addEventListener('change', (message) => {
      let event;
      try {
        event = JSON.parse(message.data);
      } catch {
        return;
      }
      const names = sectionsFor(event);
      pokeFollows();
      if (names.length) draw(names);
    });
    source.addEventListener('error', () => {
      document.body.dataset.live = 'down';
      wasDown = true;
      // CLOSED: the server refused the stream (the browser does not retry that); try later.
      if (source.readyState === EventSource.CLOSED) window.setTimeout(open, REOPEN_MS);
    });
  };
  open();
}
