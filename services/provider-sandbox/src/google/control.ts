/** The Google emulation's hooks for the control API: seeding, dumping, 410 injection, reset. */
import type { ProviderControl, SandboxCore } from '../core/types.js';
import { seedGoogleDemo } from '../demo/google-demo.js';
import { faultError } from './errors.js';
import type { ChannelRegistry } from './calendar/channels.js';
import type { CalendarDeps } from './calendar/context.js';
import { listEvents, type PageBook } from './calendar/list.js';
import { parseListQuery } from './calendar/list-query.js';
import { insertEvent } from './calendar/writes.js';
import type { ClientRegistry } from './oauth/clients.js';
import type { GrantBook } from './oauth/grants.js';

export interface GoogleState {
  deps: CalendarDeps;
  pages: PageBook;
  channels: ChannelRegistry;
  clients: ClientRegistry;
  book: GrantBook;
}

function googleAccount(core: SandboxCore, accountId: string) {
  const account = core.accounts.get(accountId);
  if (!account || account.provider !== 'google') throw new Error(`no Google account ${accountId}`);
  return account;
}

export function createGoogleControl(state: GoogleState): ProviderControl {
  const { deps } = state;
  const control: ProviderControl = {
    seedEvents(accountId, events) {
      const account = googleAccount(deps.core, accountId);
      for (const event of events) insertEvent(deps, account, event, { sendUpdates: 'none' });
      return { created: events.length };
    },
    invalidateSyncTokens(accountId) {
      deps.store.invalidateSyncTokens(googleAccount(deps.core, accountId).email);
    },
    dumpEvents(accountId) {
      const account = googleAccount(deps.core, accountId);
      const view = { calendar: account.email, zone: account.timeZone, baseUrl: deps.core.baseUrl() };
      const query = { ...parseListQuery({ showDeleted: 'true' }), maxResults: Number.MAX_SAFE_INTEGER };
      return listEvents(deps.store, state.pages, account, view, query, deps.core.clock.nowMs()).items;
    },
    reset() {
      deps.store.clear();
      state.pages.clear();
      state.channels.clear();
      state.clients.reset();
      state.book.reset();
    },
    faultResponse(status, _retryAfter, route) {
      // The accounts host answers in OAuth's shape (RFC 6749 §5.2), the Calendar API in Google's envelope.
      if (route !== undefined && !route.includes(' /calendar/v3')) {
        const error = status >= 500 || status === 429 ? 'temporarily_unavailable' : 'invalid_request';
        return { body: { error, error_description: `HTTP ${status}` } };
      }
      return { body: faultError(status).body() };
    },
    seedDemo() {
      seedGoogleDemo(deps.core, control);
    },
  };
  return control;
}
