/**
 * The OData bits Graph calendar clients use: `Prefer` (outlook.timezone, odata.maxpagesize), case-insensitive
 * query options, `$select`, `$top`/`$skip`, and the singleValueExtendedProperties `$filter`/`$expand` forms
 * documented for tagging events (PROVIDERS.md §4, M-EXT).
 */
import type { FastifyRequest } from 'fastify';
import { badRequest, GraphError } from './errors.js';
import type { StoredEvent } from './model.js';
import { UTC_OUTPUT, type OutputZone } from './serialize.js';
import { ianaZone } from './time.js';

export function preferences(request: FastifyRequest): Map<string, string> {
  const raw = request.headers.prefer;
  const text = Array.isArray(raw) ? raw.join(',') : (raw ?? '');
  const prefs = new Map<string, string>();
  for (const part of text.match(/(?:[^,"]|"[^"]*")+/g) ?? []) {
    const at = part.indexOf('=');
    const key = (at < 0 ? part : part.slice(0, at)).trim().toLowerCase();
    const value =
      at < 0
        ? ''
        : part
            .slice(at + 1)
            .trim()
            .replace(/^"(.*)"$/, '$1');
    if (key !== '') prefs.set(key, value);
  }
  return prefs;
}

/** `Prefer: outlook.timezone` (Windows or IANA); UTC when absent or unknown (PROVIDERS.md §6). */
export function outputZone(request: FastifyRequest): OutputZone {
  const name = preferences(request).get('outlook.timezone');
  if (name === undefined || name === '') return UTC_OUTPUT;
  const iana = ianaZone(name);
  return iana === undefined ? UTC_OUTPUT : { iana, name };
}

/** Graph treats query option names case-insensitively (docs use both startDateTime and startdatetime). */
export function queryParam(request: FastifyRequest, name: string): string | undefined {
  const query = request.query as Record<string, unknown>;
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(query)) {
    if (key.toLowerCase() === wanted) return Array.isArray(value) ? String(value[0]) : String(value);
  }
  return undefined;
}

export function intParam(request: FastifyRequest, name: string, fallback: number, max: number): number {
  const raw = queryParam(request, name);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) {
    throw badRequest(`Invalid value '${raw}' for query option '${name}'.`, 'BadRequest');
  }
  if (n > max) throw badRequest(`The limit of '${max}' for ${name} was exceeded.`, 'ErrorInvalidParameter');
  return n;
}

const EXT_FILTER =
  /^singleValueExtendedProperties\/any\(\s*(\w+)\s*:\s*\1\/id\s+eq\s+'([^']+)'(?:\s+and\s+\1\/value\s+eq\s+'([^']*)')?\s*\)$/i;

const STARTSWITH = /^startswith\(\s*subject\s*,\s*'((?:[^']|'')*)'\s*\)$/i;

/** The two `$filter` forms supported on /events: the extended-property tag and startswith(subject,'…'). */
export type EventFilter =
  { kind: 'extended'; id: string; value: string | undefined } | { kind: 'subject'; prefix: string };

/** Anything but the supported forms is Graph's invalid filter. */
export function eventFilter(request: FastifyRequest): EventFilter | undefined {
  const raw = queryParam(request, '$filter');
  if (raw === undefined) return undefined;
  const prefix = STARTSWITH.exec(raw.trim());
  if (prefix !== null) return { kind: 'subject', prefix: (prefix[1] ?? '').replace(/''/g, "'") };
  const m = EXT_FILTER.exec(raw.trim());
  if (m === null)
    throw new GraphError(
      400,
      'ErrorInvalidUrlQueryFilter',
      'The query filter contains one or more invalid nodes.',
    );
  return { kind: 'extended', id: m[2] ?? '', value: m[3] };
}

const sameId = (a: string, b: string): boolean =>
  a.replace(/\s+/g, ' ').toLowerCase() === b.replace(/\s+/g, ' ').toLowerCase();

export function matchesFilter(event: StoredEvent, filter: EventFilter): boolean {
  if (filter.kind === 'subject')
    return event.fields.subject.toLowerCase().startsWith(filter.prefix.toLowerCase());
  for (const [id, value] of event.extendedProperties) {
    if (sameId(id, filter.id) && (filter.value === undefined || value === filter.value)) return true;
  }
  return false;
}

/** `$expand=singleValueExtendedProperties($filter=id eq '…' or id eq '…')` → the requested ids. */
export function expandedPropertyIds(request: FastifyRequest): string[] | undefined {
  const raw = queryParam(request, '$expand');
  if (raw === undefined) return undefined;
  const m = /^singleValueExtendedProperties\(\$filter=(.+)\)$/i.exec(raw.trim());
  if (m === null) {
    throw badRequest(
      `Parsing OData Select and Expand failed: Could not find a property named '${raw}' on type 'microsoft.graph.event'.`,
    );
  }
  const ids = [...(m[1] ?? '').matchAll(/id\s+eq\s+'([^']+)'/gi)].map((x) => x[1] ?? '');
  if (ids.length === 0)
    throw new GraphError(
      400,
      'ErrorInvalidUrlQueryFilter',
      'The query filter contains one or more invalid nodes.',
    );
  return ids;
}

/** Adds the expanded properties; Graph omits the collection when none of them is set. */
export function withExtendedProperties(
  json: Record<string, unknown>,
  event: StoredEvent,
  ids: string[] | undefined,
): Record<string, unknown> {
  if (ids === undefined) return json;
  const found = [...event.extendedProperties].filter(([id]) => ids.some((wanted) => sameId(id, wanted)));
  if (found.length === 0) return json;
  return { ...json, singleValueExtendedProperties: found.map(([id, value]) => ({ id, value })) };
}

/** `$select`: Graph always keeps `@odata.etag` and `id`. */
export function applySelect(json: Record<string, unknown>, request: FastifyRequest): Record<string, unknown> {
  const raw = queryParam(request, '$select');
  if (raw === undefined || raw.trim() === '') return json;
  const wanted = new Set(raw.split(',').map((s) => s.trim().toLowerCase()));
  // Graph returns `locations` along with a selected `location` (documented $select samples).
  if (wanted.has('location')) wanted.add('locations');
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(json)) {
    if (key === '@odata.etag' || key === 'id' || wanted.has(key.toLowerCase())) out[key] = value;
  }
  return out;
}
