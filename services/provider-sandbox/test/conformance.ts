/**
 * Conformance checks shared by every suite: Calendar responses against the discovery document's
 * schemas (converted to JSON Schema, unknown members refused), errors against the shape of Google's
 * documented error bodies in the repository's provider documentation fixtures.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { Captured } from './helpers.js';

/** Provider documentation samples kept in the repository (provenance in its SOURCES.md). */
export const FIXTURES = join(import.meta.dirname, '../../../tests/fixtures/provider-docs');

type DiscoverySchema = Record<string, unknown>;

/** Discovery schema → JSON Schema: `$ref: "Event"` → definitions, objects closed unless declared open. */
export function toJsonSchema(node: DiscoverySchema): Record<string, unknown> {
  if (typeof node.$ref === 'string') return { $ref: `#/definitions/${node.$ref}` };
  const out: Record<string, unknown> = {};
  if (node.type === 'any') return {};
  if (typeof node.type === 'string') out.type = node.type === 'integer' ? 'integer' : node.type;
  if (node.format === 'date-time' || node.format === 'date') out.format = node.format;
  if (node.format === 'int64' && node.type === 'string') out.pattern = '^-?\\d+$';
  if (Array.isArray(node.enum)) out.enum = node.enum;
  if (node.items) out.items = toJsonSchema(node.items as DiscoverySchema);
  if (node.properties) {
    const props = node.properties as Record<string, DiscoverySchema>;
    out.properties = Object.fromEntries(Object.entries(props).map(([k, v]) => [k, toJsonSchema(v)]));
  }
  if (node.additionalProperties)
    out.additionalProperties = toJsonSchema(node.additionalProperties as DiscoverySchema);
  else if (node.type === 'object') out.additionalProperties = false;
  return out;
}

const discovery = JSON.parse(readFileSync(join(FIXTURES, 'google-calendar-v3-discovery.json'), 'utf8')) as {
  schemas: Record<string, DiscoverySchema>;
};
const definitions = Object.fromEntries(
  Object.entries(discovery.schemas).map(([name, s]) => [name, toJsonSchema(s)]),
);
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
const ajv = addFormats(new Ajv({ allErrors: true, strict: false }));
ajv.addSchema({ $id: 'calendar', definitions });
const validators = new Map<string, ValidateFunction>();

export function validatorFor(schema: string): ValidateFunction {
  let validate = validators.get(schema);
  if (!validate) {
    validate = ajv.compile({ $ref: `calendar#/definitions/${schema}` });
    validators.set(schema, validate);
  }
  return validate;
}

/** The discovery schema a successful response of a route must satisfy. */
export function schemaFor(method: string, route: string): string | undefined {
  const r = route.replace('/calendar/v3', '');
  if (r === '/calendars/:calendarId/events' || r.endsWith('/instances'))
    return method === 'GET' ? 'Events' : 'Event';
  if (r === '/calendars/:calendarId/events/:eventId') return 'Event';
  if (r === '/calendars/:calendarId/events/watch') return 'Channel';
  if (r === '/users/me/calendarList') return 'CalendarList';
  if (r === '/users/me/calendarList/:calendarId') return 'CalendarListEntry';
  if (r === '/calendars/:calendarId') return 'Calendar';
  if (r === '/users/me/settings') return 'Settings';
  if (r === '/users/me/settings/:setting') return 'Setting';
  if (r === '/freeBusy') return 'FreeBusyResponse';
  return undefined;
}

const fixtureErrors = readdirSync(FIXTURES)
  .filter((f) => f.startsWith('google-error-'))
  .map((f) => JSON.parse(readFileSync(join(FIXTURES, f), 'utf8')) as { error: Record<string, unknown> });

const ITEM_KEYS = new Set(
  fixtureErrors.flatMap((f) => (f.error.errors as Record<string, unknown>[]).flatMap((e) => Object.keys(e))),
);
const ENVELOPE_KEYS = new Set(fixtureErrors.flatMap((f) => Object.keys(f.error)));

/** Problems with an error body compared with Google's documented ones (empty when it matches). */
export function errorShapeProblems(body: unknown, status: number): string[] {
  const problems: string[] = [];
  const error = (body as { error?: Record<string, unknown> } | undefined)?.error;
  if (!error || Object.keys(body as object).length !== 1) return ['body is not {"error": {...}}'];
  for (const key of Object.keys(error))
    if (!ENVELOPE_KEYS.has(key)) problems.push(`unknown envelope member ${key}`);
  if (error.code !== status) problems.push(`code ${String(error.code)} != HTTP ${status}`);
  if (typeof error.message !== 'string') problems.push('message is not a string');
  const items = error.errors;
  if (!Array.isArray(items) || items.length === 0) return [...problems, 'errors[] missing'];
  for (const item of items as Record<string, unknown>[]) {
    for (const key of Object.keys(item)) if (!ITEM_KEYS.has(key)) problems.push(`unknown item member ${key}`);
    for (const key of ['domain', 'reason', 'message'])
      if (typeof item[key] !== 'string') problems.push(`item.${key} missing`);
    if ((item.location === undefined) !== (item.locationType === undefined))
      problems.push('location without locationType');
  }
  if ((items[0] as Record<string, unknown>).message !== error.message)
    problems.push('message differs from errors[0].message');
  return problems;
}

/** Every captured response checked; returns human-readable failures (empty = conformant). */
export function conformanceFailures(captured: Captured[]): string[] {
  const failures: string[] = [];
  for (const c of captured) {
    if (c.status >= 400) {
      const problems = errorShapeProblems(c.body, c.status);
      if (problems.length > 0) failures.push(`${c.method} ${c.route} ${c.status}: ${problems.join('; ')}`);
      continue;
    }
    const schema = schemaFor(c.method, c.route);
    if (!schema) {
      failures.push(`${c.method} ${c.route}: no discovery schema mapped`);
      continue;
    }
    const validate = validatorFor(schema);
    if (!validate(c.body))
      failures.push(`${c.method} ${c.route} → ${schema}: ${ajv.errorsText(validate.errors)}`);
  }
  return failures;
}
