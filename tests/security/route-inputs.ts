/**
 * Request inputs generated from the API's own route schemas, for the suites that cover every write
 * route without listing any: the routes come from the app's `onRoute` dependency as it registers
 * them, and each body, querystring and params value from its JSON schema (TypeBox), as a fast-check
 * arbitrary. `hostile` mixes in strings and values an attacker or a clumsy client would send.
 */
import { buildTestApp, type TestApp } from '@frontload/api/testing';
import fc from 'fast-check';
import type { RouteOptions } from 'fastify';

export type Schema = Record<string, unknown>;
export type Part = 'body' | 'querystring' | 'params';
export const PARTS: readonly Part[] = ['body', 'querystring', 'params'];

/** A route that changes state: every method but GET, HEAD and OPTIONS. */
export interface WriteRoute {
  method: string;
  url: string;
  schema: Partial<Record<Part, Schema>>;
}

/** Builds the test app and collects every write route it registers, with its request schemas. */
export async function appWithWriteRoutes(): Promise<{ t: TestApp; routes: WriteRoute[] }> {
  const registered: RouteOptions[] = [];
  const t = await buildTestApp({ onRoute: (route) => registered.push(route) });
  const routes: WriteRoute[] = [];
  for (const route of registered) {
    for (const method of [route.method].flat()) {
      if (['GET', 'HEAD', 'OPTIONS'].includes(method)) continue;
      const schema: WriteRoute['schema'] = {};
      for (const part of PARTS) {
        const own = (route.schema as Record<string, unknown> | undefined)?.[part];
        if (own && typeof own === 'object') schema[part] = own as Schema;
      }
      routes.push({ method, url: route.url, schema });
    }
  }
  return { t, routes };
}

/** Strings Postgres cannot store (NUL, unpaired UTF-16 surrogates): the API must refuse each. */
export const UNSTORABLE_STRINGS = ['\u0000', 'a\u0000b', '\ud800', 'x\udfff', '\udc00\ud83d', 'end\ud83d'];
/** Strings that are storable but hostile: every route must answer them without a 5xx. */
const ODD_STRINGS = [
  '',
  ' ',
  '%00',
  '\\u0000',
  "'; drop table users; --",
  '../'.repeat(3) + 'etc/passwd', // path traversal
  '<script>alert(1)</script>',
  '\u2028\u2029',
  '\u202e\u0007\u001b[31m',
  '😀👩🏽‍💻',
  '\uffff\ufffe',
  'a'.repeat(5_000),
  '{"__proto__":{"x":1}}',
  'constructor',
  '__proto__',
  '2026-02-30',
  '0000-00-00',
  '9999-12-31T23:59:60Z',
];

const unstorable = fc.constantFrom(...UNSTORABLE_STRINGS);
/** A string with an unstorable piece spliced in somewhere. */
const spliced = (base: fc.Arbitrary<string>) =>
  fc
    .tuple(base, unstorable, fc.nat())
    .map(([s, bad, at]) => s.slice(0, at % (s.length + 1)) + bad + s.slice(at % (s.length + 1)));

function stringArbitrary(schema: Schema): fc.Arbitrary<string> {
  const minLength = typeof schema.minLength === 'number' ? schema.minLength : 0;
  const maxLength = typeof schema.maxLength === 'number' ? schema.maxLength : 40;
  const fit = (arb: fc.Arbitrary<string>) =>
    arb.filter((s) => s.length >= minLength && s.length <= maxLength);
  switch (schema.format) {
    case 'uuid':
      return fc.uuid();
    case 'date':
      return fc
        .date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true })
        .map((d) => d.toISOString().slice(0, 10));
    case 'date-time':
      return fc
        .date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true })
        .map((d) => d.toISOString());
    case 'email':
      return fc.emailAddress();
    case 'uri':
    case 'url':
      return fc.webUrl();
  }
  if (typeof schema.pattern === 'string') return fit(fc.stringMatching(new RegExp(schema.pattern)));
  return fc.string({ minLength, maxLength: Math.min(maxLength, minLength + 40), unit: 'grapheme' });
}

function numberArbitrary(schema: Schema, integer: boolean): fc.Arbitrary<number> {
  const min = typeof schema.minimum === 'number' ? schema.minimum : -1_000_000;
  const max = typeof schema.maximum === 'number' ? schema.maximum : 1_000_000;
  const step = schema.multipleOf;
  if (typeof step === 'number')
    return fc.integer({ min: Math.ceil(min / step), max: Math.floor(max / step) }).map((k) => k * step);
  return integer ? fc.integer({ min, max }) : fc.double({ min, max, noNaN: true, noDefaultInfinity: true });
}

/** What an attacker puts in place of a well-typed value. */
const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  unstorable,
  fc.constantFrom(...ODD_STRINGS),
  fc.constantFrom(null, true, 0, -1, 1e308, -0, 2 ** 53 + 1, 1.5, [], {}, [null], { '\u0000': 1 }),
  fc.jsonValue({ maxDepth: 3 }),
);

export interface ArbitraryOptions {
  /** Mix hostile values in (wrong types, odd and unstorable strings, unknown keys). */
  hostile: boolean;
  /** Ids of existing resources, used as uuid values now and then so requests reach the handlers. */
  knownIds?: readonly string[];
}

/** A fast-check arbitrary of values for a JSON schema (the subset TypeBox emits). */
export function arbitraryFor(schema: Schema | undefined, options: ArbitraryOptions): fc.Arbitrary<unknown> {
  const valid = wellTyped(schema ?? {}, options);
  if (!options.hostile) return valid;
  return fc.oneof({ weight: 6, arbitrary: valid }, { weight: 1, arbitrary: hostileValue });
}

function wellTyped(schema: Schema, options: ArbitraryOptions): fc.Arbitrary<unknown> {
  if ('const' in schema) return fc.constant(schema.const);
  if (Array.isArray(schema.enum)) return fc.constantFrom(...(schema.enum as unknown[]));
  for (const key of ['anyOf', 'oneOf'] as const) {
    const branches = schema[key];
    if (Array.isArray(branches)) return fc.oneof(...branches.map((b) => arbitraryFor(b as Schema, options)));
  }
  const type = schema.type;
  if (Array.isArray(type)) return fc.oneof(...type.map((t) => wellTyped({ ...schema, type: t }, options)));
  switch (type) {
    case 'string': {
      let arb = stringArbitrary(schema);
      if (schema.format === 'uuid' && options.knownIds?.length)
        arb = fc.oneof(arb, fc.constantFrom(...options.knownIds));
      return options.hostile
        ? fc.oneof({ weight: 5, arbitrary: arb }, { weight: 1, arbitrary: spliced(arb) })
        : arb;
    }
    case 'integer':
      return numberArbitrary(schema, true);
    case 'number':
      return numberArbitrary(schema, false);
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array': {
      const items = arbitraryFor((schema.items as Schema | undefined) ?? {}, options);
      const minLength = typeof schema.minItems === 'number' ? schema.minItems : 0;
      const maxLength = Math.min(typeof schema.maxItems === 'number' ? schema.maxItems : 4, minLength + 4);
      return schema.uniqueItems
        ? fc.uniqueArray(items, { minLength, maxLength, selector: (v) => JSON.stringify(v) })
        : fc.array(items, { minLength, maxLength });
    }
    case 'object':
      return objectArbitrary(schema, options);
  }
  return schema.properties ? objectArbitrary(schema, options) : fc.jsonValue({ maxDepth: 2 });
}

function objectArbitrary(schema: Schema, options: ArbitraryOptions): fc.Arbitrary<unknown> {
  const properties = (schema.properties as Record<string, Schema> | undefined) ?? {};
  const required = new Set((schema.required as string[] | undefined) ?? []);
  const record = fc.record(
    Object.fromEntries(Object.entries(properties).map(([k, v]) => [k, arbitraryFor(v, options)])),
    { requiredKeys: [...required].filter((k) => k in properties) },
  );
  if (!options.hostile) return record;
  // Now and then an unknown key, with a hostile name or value.
  const extraKey = fc.oneof(fc.string({ maxLength: 12 }), unstorable, fc.constantFrom(...ODD_STRINGS));
  return fc.oneof(
    { weight: 5, arbitrary: record },
    {
      weight: 1,
      arbitrary: fc.tuple(record, extraKey, hostileValue).map(([r, k, v]) => ({ ...(r as object), [k]: v })),
    },
  );
}

/** A deterministic value that satisfies the schema's shape, for tests that change one field. */
export function sampleValid(schema: Schema | undefined, seed: number, knownIds?: readonly string[]): unknown {
  return fc.sample(arbitraryFor(schema, { hostile: false, ...(knownIds ? { knownIds } : {}) }), {
    seed,
    numRuns: 1,
  })[0];
}

/** Every string-typed field of a schema, as JSON pointers (array items as index 0). */
export function stringFieldPaths(schema: Schema | undefined, at = ''): string[] {
  if (!schema) return [];
  if (schema.type === 'string' && !('const' in schema) && !Array.isArray(schema.enum)) return [at];
  const paths: string[] = [];
  for (const key of ['anyOf', 'oneOf'] as const) {
    const branches = schema[key];
    if (Array.isArray(branches)) for (const b of branches) paths.push(...stringFieldPaths(b as Schema, at));
  }
  if (schema.type === 'array' && schema.items)
    paths.push(...stringFieldPaths(schema.items as Schema, `${at}/0`));
  for (const [key, sub] of Object.entries((schema.properties as Record<string, Schema> | undefined) ?? {})) {
    paths.push(...stringFieldPaths(sub, `${at}/${key}`));
  }
  return [...new Set(paths)];
}

/** Percent-encodes any string, unpaired surrogates included (as the bytes a lax client would send). */
export function encodeAny(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    const next = text.charCodeAt(i + 1);
    if (unit >= 0xd800 && unit <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
      out += encodeURIComponent(text.slice(i, i + 2));
      i++;
    } else if (unit >= 0xd800 && unit <= 0xdfff) {
      // Three bytes, as UTF-8 would encode the code point if it were allowed (WTF-8).
      const bytes = [0xe0 | (unit >> 12), 0x80 | ((unit >> 6) & 0x3f), 0x80 | (unit & 0x3f)];
      out += bytes.map((b) => `%${b.toString(16).toUpperCase()}`).join('');
    } else {
      out += encodeURIComponent(text[i]!);
    }
  }
  return out;
}

/** The request URL for a route: params substituted into its path, querystring appended. */
export function requestUrl(route: WriteRoute, params: unknown, query: unknown): string {
  const values = (params && typeof params === 'object' ? params : {}) as Record<string, unknown>;
  const path = route.url.replace(/:([A-Za-z0-9_]+)/g, (_, name: string) =>
    encodeAny(
      typeof values[name] === 'string' ? (values[name] as string) : JSON.stringify(values[name] ?? ''),
    ),
  );
  const entries = query && typeof query === 'object' && !Array.isArray(query) ? Object.entries(query) : [];
  const qs = entries
    .map(([k, v]) => `${encodeAny(k)}=${encodeAny(typeof v === 'string' ? v : JSON.stringify(v))}`)
    .join('&');
  return qs ? `${path}?${qs}` : path;
}

/**
 * A fingerprint of every table's content, to prove a refused request stored nothing. Sessions'
 * and tokens' last-use stamps change on every authenticated request and are left out.
 */
export async function databaseFingerprint(t: TestApp): Promise<string> {
  const { rows: tables } = await t.db.query<{ name: string }>(
    `select table_name as name from information_schema.tables
     where table_schema = 'public' and table_type = 'BASE TABLE' and table_name <> 'schema_migrations'
     order by table_name`,
  );
  const parts: string[] = [];
  for (const { name } of tables) {
    const { rows } = await t.db.query<{ digest: string | null }>(
      `select md5(string_agg((to_jsonb(t) - 'last_used_at' - 'last_seen_at')::text, ',' order by
         (to_jsonb(t) - 'last_used_at' - 'last_seen_at')::text)) as digest from "${name}" t`,
    );
    parts.push(`${name}:${rows[0]?.digest ?? '-'}`);
  }
  return parts.join('\n');
}
