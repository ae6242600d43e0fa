/** events.list parameters: parsing, limits and the combinations Google refuses (PROVIDERS.md §2). */
import { gerr } from '../errors.js';
import { parseTimestamp } from './time.js';

export interface ListQuery {
  syncToken?: string;
  pageToken?: string;
  maxResults: number;
  singleEvents: boolean;
  showDeleted: boolean;
  timeMin?: number;
  timeMax?: number;
  updatedMin?: number;
  orderBy?: 'startTime' | 'updated';
  privateExtendedProperty: [string, string][];
  sharedExtendedProperty: [string, string][];
  q?: string;
  iCalUID?: string;
  timeZone?: string;
  eventTypes?: string[];
}

type Raw = Record<string, string | string[] | undefined>;

/** Parameters Google rejects together with syncToken. */
const FORBIDDEN_WITH_SYNC = [
  'iCalUID',
  'orderBy',
  'privateExtendedProperty',
  'q',
  'sharedExtendedProperty',
  'timeMin',
  'timeMax',
  'updatedMin',
];

export const DEFAULT_PAGE = 250;
export const MAX_PAGE = 2500;

const one = (raw: Raw, name: string): string | undefined => {
  const value = raw[name];
  return Array.isArray(value) ? value[value.length - 1] : value;
};
const many = (raw: Raw, name: string): string[] => {
  const value = raw[name];
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
};

function bool(raw: Raw, name: string): boolean | undefined {
  const value = one(raw, name);
  if (value === undefined) return undefined;
  if (value === 'true' || value === 'false') return value === 'true';
  throw gerr.invalidParameter(name, `Invalid value '${value}'. Values must be true or false.`);
}

function timestamp(raw: Raw, name: string): number | undefined {
  const value = one(raw, name);
  if (value === undefined) return undefined;
  const ms = parseTimestamp(value);
  if (ms === undefined) throw gerr.badRequest();
  return ms;
}

function pageSize(raw: Raw): number {
  const value = one(raw, 'maxResults');
  if (value === undefined) return DEFAULT_PAGE;
  const n = /^-?\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < 1) {
    throw gerr.invalidParameter(
      'maxResults',
      `Invalid value '${value}'. Values must be within the range: [1, 2147483647]`,
    );
  }
  // PROVIDERS.md §2: "max 2500"; integrators report a larger value is served as 2500, not refused.
  return Math.min(n, MAX_PAGE);
}

function properties(raw: Raw, name: string): [string, string][] {
  return many(raw, name).map((p) => {
    const eq = p.indexOf('=');
    if (eq <= 0) throw gerr.invalidParameter(name);
    return [p.slice(0, eq), p.slice(eq + 1)];
  });
}

export function parseListQuery(raw: Raw): ListQuery {
  const syncToken = one(raw, 'syncToken');
  if (syncToken !== undefined) {
    const clash = FORBIDDEN_WITH_SYNC.find((name) => raw[name] !== undefined);
    if (clash)
      throw gerr.invalidParameter(clash, `Invalid combination of parameters: syncToken and ${clash}.`);
  }
  const singleEvents = bool(raw, 'singleEvents') ?? false;
  const orderBy = one(raw, 'orderBy');
  if (orderBy !== undefined && orderBy !== 'startTime' && orderBy !== 'updated')
    throw gerr.invalidParameter('orderBy');
  // PROVIDERS.md §2: orderBy=startTime needs singleEvents=true.
  if (orderBy === 'startTime' && !singleEvents)
    throw gerr.badRequest('The requested ordering is not available for the particular query.');
  const timeMin = timestamp(raw, 'timeMin');
  const timeMax = timestamp(raw, 'timeMax');
  if (timeMin !== undefined && timeMax !== undefined && timeMax <= timeMin) throw gerr.timeRangeEmpty();
  const query: ListQuery = {
    maxResults: pageSize(raw),
    singleEvents,
    // With a sync token deleted entries always come back (showDeleted cannot be false).
    showDeleted: syncToken !== undefined || (bool(raw, 'showDeleted') ?? false),
    privateExtendedProperty: properties(raw, 'privateExtendedProperty'),
    sharedExtendedProperty: properties(raw, 'sharedExtendedProperty'),
  };
  const optional = {
    syncToken,
    pageToken: one(raw, 'pageToken'),
    timeMin,
    timeMax,
    updatedMin: timestamp(raw, 'updatedMin'),
    orderBy: orderBy as ListQuery['orderBy'],
    q: one(raw, 'q'),
    iCalUID: one(raw, 'iCalUID'),
    timeZone: one(raw, 'timeZone'),
    eventTypes: raw.eventTypes === undefined ? undefined : many(raw, 'eventTypes'),
  };
  for (const [key, value] of Object.entries(optional))
    if (value !== undefined) Object.assign(query, { [key]: value });
  return query;
}
