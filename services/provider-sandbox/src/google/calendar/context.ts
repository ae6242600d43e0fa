import type { SandboxAccount, SandboxCore } from '../../core/types.js';
import type { GoogleCaller } from '../auth.js';
import { gerr } from '../errors.js';
import type { CalendarStore } from './store.js';
import type { ViewContext } from './serialize.js';
import { isTimeZone } from './time.js';

/** What every Calendar route needs. */
export interface CalendarDeps {
  core: SandboxCore;
  store: CalendarStore;
}

/**
 * The calendar a path names. Each sandbox account has one calendar, its primary, whose id is the
 * account's email (as at Google); `primary` aliases the caller's. Calendars of other users are not
 * shared in the sandbox, so they are 404 `notFound` exactly like an inaccessible calendar at Google.
 */
export function ownCalendar(deps: CalendarDeps, caller: GoogleCaller, calendarId: string): SandboxAccount {
  // Path parameters arrive decoded already (find-my-way); decoding twice would break on a literal '%'.
  const id = calendarId.toLowerCase();
  if (id === 'primary' || id === caller.account.email) return caller.account;
  throw gerr.notFound();
}

export function viewFor(
  deps: CalendarDeps,
  account: SandboxAccount,
  timeZone?: string,
  maxAttendees?: string,
): ViewContext {
  if (timeZone !== undefined && !isTimeZone(timeZone)) {
    throw gerr.invalidParameter('timeZone', 'Invalid time zone definition.');
  }
  const max = maxAttendees === undefined ? undefined : Number(maxAttendees);
  if (max !== undefined && (!Number.isInteger(max) || max < 1)) throw gerr.invalidParameter('maxAttendees');
  return {
    calendar: account.email,
    zone: timeZone ?? account.timeZone,
    baseUrl: deps.core.baseUrl(),
    ...(max === undefined ? {} : { maxAttendees: max }),
  };
}

export function googleAccountByEmail(core: SandboxCore, email: string): SandboxAccount | undefined {
  return core.accounts.byEmail('google', email);
}
