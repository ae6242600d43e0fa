/**
 * Calendar scopes and which operations accept them (PROVIDERS.md §1, "Least-privilege Calendar
 * scopes"; each method page of the reference lists its accepted scopes).
 */
const CAL = 'https://www.googleapis.com/auth/calendar';

export const SCOPES = {
  calendar: CAL,
  readonly: `${CAL}.readonly`,
  events: `${CAL}.events`,
  eventsReadonly: `${CAL}.events.readonly`,
  eventsOwned: `${CAL}.events.owned`,
  eventsOwnedReadonly: `${CAL}.events.owned.readonly`,
  freebusy: `${CAL}.freebusy`,
  eventsFreebusy: `${CAL}.events.freebusy`,
  settingsReadonly: `${CAL}.settings.readonly`,
  calendarlist: `${CAL}.calendarlist`,
  calendarlistReadonly: `${CAL}.calendarlist.readonly`,
  calendarsReadonly: `${CAL}.calendars.readonly`,
  calendars: `${CAL}.calendars`,
} as const;

const S = SCOPES;
const READ_EVENTS = [
  S.calendar,
  S.readonly,
  S.events,
  S.eventsReadonly,
  S.eventsOwned,
  S.eventsOwnedReadonly,
];
const WRITE_EVENTS = [S.calendar, S.events, S.eventsOwned];

export type Operation = 'readEvents' | 'writeEvents' | 'freebusy' | 'settings' | 'calendarList' | 'calendars';

export const ACCEPTED_SCOPES: Record<Operation, readonly string[]> = {
  readEvents: READ_EVENTS,
  writeEvents: WRITE_EVENTS,
  freebusy: [S.calendar, S.readonly, S.freebusy, S.eventsFreebusy],
  settings: [S.calendar, S.readonly, S.settingsReadonly],
  calendarList: [S.calendar, S.readonly, S.calendarlist, S.calendarlistReadonly],
  calendars: [S.calendar, S.readonly, S.calendars, S.calendarsReadonly],
};

const OPENID = ['openid', 'email', 'profile'];
const ALIASES: Record<string, string> = {
  'https://www.googleapis.com/auth/userinfo.email': 'email',
  'https://www.googleapis.com/auth/userinfo.profile': 'profile',
};

/** Every scope the sandbox knows; an authorize request with another one is refused like Google does. */
export const KNOWN_SCOPES: ReadonlySet<string> = new Set([
  ...Object.values(SCOPES),
  ...OPENID,
  ...Object.keys(ALIASES),
]);

/** Google reports `email`/`profile` back under their userinfo URLs; we keep what the client asked for. */
export function normalizeScopes(raw: string): string[] {
  return [...new Set(raw.split(/[\s+]+/).filter((s) => s.length > 0))];
}

export function grants(scopes: readonly string[], operation: Operation): boolean {
  return scopes.some((s) => ACCEPTED_SCOPES[operation].includes(s));
}

export function hasOpenId(scopes: readonly string[]): boolean {
  return scopes.includes('openid');
}

export function grantsEmail(scopes: readonly string[]): boolean {
  return scopes.some((s) => s === 'email' || ALIASES[s] === 'email');
}

export function grantsProfile(scopes: readonly string[]): boolean {
  return scopes.some((s) => s === 'profile' || ALIASES[s] === 'profile');
}

/** What the consent screen says each scope allows (Google's own wording, shortened). */
export const SCOPE_DESCRIPTIONS: Record<string, string> = {
  [SCOPES.calendar]: 'See, edit, share, and permanently delete all the calendars you can access',
  [SCOPES.readonly]: 'See and download any calendar you can access',
  [SCOPES.events]: 'View and edit events on all your calendars',
  [SCOPES.eventsReadonly]: 'View events on all your calendars',
  [SCOPES.eventsOwned]: 'See, create, change, and delete events on Google calendars you own',
  [SCOPES.eventsOwnedReadonly]: 'See the events on Google calendars you own',
  [SCOPES.freebusy]: 'See the availability on Google calendars you have access to',
  [SCOPES.eventsFreebusy]: 'See the availability on Google calendars you have access to',
  [SCOPES.settingsReadonly]: 'View your Calendar settings',
  [SCOPES.calendarlistReadonly]: 'See the list of Google calendars you’re subscribed to',
  openid: 'Associate you with your personal info on Google',
  email: 'See your primary Google Account email address',
  profile: 'See your personal info, including any personal info you’ve made publicly available',
};
