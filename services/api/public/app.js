/* global document, window */
/**
 * Entry point: asks who is signed in, then renders each section. Signed out, only the connect
 * buttons show. Sections load independently, so one failing request never blanks the page.
 */
import { api, ApiError } from './api.js';
import { announce, h, replace } from './dom.js';
import { renderConnections } from './connections.js';
import { renderWeek } from './week.js';
import { renderPreferences } from './preferences.js';
import { renderPeople } from './people.js';
import { renderBalance } from './balance.js';
import { renderHistory } from './history.js';
import { renderWebhooks } from './webhooks.js';
import { renderAccount } from './account.js';
import { setTimeFormat } from './format.js';
import { followPending, pageZone } from './pending.js';
import { followLinks, landOnLink, linkedWeek } from './links.js';
import { startLive } from './live.js';

const SECTIONS = ['week', 'preferences', 'people', 'balance', 'history', 'webhooks', 'account'];
const RENDERERS = {
  connect: renderConnections,
  week: renderWeek,
  preferences: renderPreferences,
  people: renderPeople,
  balance: renderBalance,
  history: renderHistory,
  webhooks: renderWebhooks,
  account: renderAccount,
};

async function loadSection(name, render, ctx) {
  const body = document.getElementById(`${name}-body`);
  try {
    await render(body, ctx);
  } catch (error) {
    replace(
      body,
      h('p', { className: 'error', role: 'alert' }, `Could not load this section: ${error.message}`),
    );
  }
}

async function signOut() {
  await api('POST', '/api/v1/logout');
  window.location.assign('/');
}

async function main() {
  let me;
  try {
    me = await api('GET', '/api/v1/me');
  } catch (error) {
    if (!(error instanceof ApiError && error.status === 401)) announce(error.message, 'error');
    await renderConnections(document.getElementById('connect-body'), { me: undefined });
    return;
  }
  const { connections } = await api('GET', '/api/v1/connections');
  const ctx = {
    me,
    timeZone: pageZone(me, connections),
    // The week an alert link names, drawn instead of the weeks being planned (week.js).
    linkedWeek: linkedWeek(),
  };
  // Every date and time on the page follows the user's 12/24 h choice, so it is known before drawing;
  // without it (or when the request fails) the browser's language decides.
  const prefs = await api('GET', '/api/v1/preferences').catch(() => ({}));
  setTimeFormat(prefs.timeFormat);
  // Draws a section again after something elsewhere changed it (an apply, an undo, a disconnect).
  ctx.refresh = (name) => loadSection(name, RENDERERS[name], ctx);
  document.getElementById('nav').hidden = false;
  for (const name of SECTIONS) document.getElementById(name).hidden = false;
  const signOutButton = h(
    'button',
    { type: 'button', className: 'secondary', onclick: () => signOut() },
    'Sign out',
  );
  replace(document.getElementById('whoami'), h('span', {}, me.email), signOutButton);
  // Listening starts before the sections load: a change made while they load is not missed.
  startLive(ctx);
  await Promise.all(Object.keys(RENDERERS).map((name) => ctx.refresh(name)));
  document.body.dataset.ready = 'true';
  landOnLink();
  followLinks(ctx);
  await followPending(connections, ctx);
}

main().catch((error) => announce(error.message, 'error'));
