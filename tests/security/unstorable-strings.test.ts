/**
 * A NUL character or an unpaired surrogate in any string of any write route reached Postgres and
 * answered 500 FL_INTERNAL. Generated from the route schemas the app registers (nothing listed by
 * hand): for every write route, every string field of its body, querystring and path parameters is
 * set, in an otherwise schema-shaped request, to each unstorable string. Each answer must be a 400
 * FL_VALIDATION_FAILED naming that field (a path whose bytes do not decode: 400 FL_BAD_URL; the
 * admin dashboard refuses a non-admin before reading input), and nothing may be stored.
 */
import type { TestApp } from '@frontload/api/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  PARTS,
  appWithWriteRoutes,
  databaseFingerprint,
  requestUrl,
  sampleValid,
  stringFieldPaths,
  type Part,
  type WriteRoute,
} from './route-inputs.js';

/** Sets the value at a JSON pointer, creating the objects and arrays on the way. */
function setAt(root: unknown, pointer: string, value: unknown): unknown {
  if (pointer === '') return value;
  const keys = pointer.slice(1).split('/');
  const top = (root && typeof root === 'object' ? structuredClone(root) : {}) as Record<string, unknown>;
  let node: Record<string, unknown> = top;
  keys.forEach((key, i) => {
    if (i === keys.length - 1) {
      node[key] = value;
      return;
    }
    const next = node[key];
    const container = next && typeof next === 'object' ? next : /^\d+$/.test(keys[i + 1]!) ? [] : {};
    node[key] = container;
    node = container as Record<string, unknown>;
  });
  return top;
}

/** The route's fields per part: its schema's string fields, and every `:param` of its URL. */
function stringFields(route: WriteRoute): { part: Part; path: string }[] {
  const fields: { part: Part; path: string }[] = [];
  for (const part of PARTS) {
    for (const path of stringFieldPaths(route.schema[part])) fields.push({ part, path });
  }
  for (const [, name] of route.url.matchAll(/:([A-Za-z0-9_]+)/g)) {
    if (!fields.some((f) => f.part === 'params' && f.path === `/${name}`))
      fields.push({ part: 'params', path: `/${name}` });
  }
  return fields;
}

// A string with a NUL in it, and strings with a lone high and a lone low surrogate.
const UNSTORABLE = ['ab\u0000cd', 'ab\ud800cd', 'ab\udc00'];

describe('NUL and unpaired surrogates in every string field of every write route', () => {
  let t: TestApp;
  let routes: WriteRoute[];
  let headers: Record<string, string>;

  beforeAll(async () => {
    ({ t, routes } = await appWithWriteRoutes());
    headers = (await t.signIn('unstorable@example.com')).headers;
  }, 120_000);
  afterAll(() => t?.close());

  it('finds the write routes and their string fields from the registered schemas', () => {
    const fields = routes.flatMap((r) =>
      stringFields(r).map((f) => `${r.method} ${r.url} ${f.part}${f.path}`),
    );
    // The fields the issue named must be among those generated.
    expect(fields).toEqual(
      expect.arrayContaining([
        'POST /api/v1/tokens body/name',
        'POST /api/v1/webhooks body/description',
        'PUT /api/v1/preferences body/skipWeeks/message',
        'PATCH /api/v1/people/:email params/email',
      ]),
    );
    expect(fields.length).toBeGreaterThan(30);
  });

  it('answers 400 FL_VALIDATION_FAILED naming the field, and stores nothing', async () => {
    const failures: string[] = [];
    let validated = 0;
    for (const route of routes) {
      for (const field of stringFields(route)) {
        for (const [index, bad] of UNSTORABLE.entries()) {
          const input: Record<Part, unknown> = {
            body: sampleValid(route.schema.body, index),
            querystring: sampleValid(route.schema.querystring, index),
            params: sampleValid(route.schema.params, index),
          };
          input[field.part] = setAt(input[field.part], field.path, bad);
          const before = await databaseFingerprint(t);
          const res = await t.app.inject({
            method: route.method as 'POST',
            url: requestUrl(route, input.params, input.querystring),
            ...(input.body === undefined
              ? { headers }
              : {
                  headers: { ...headers, 'content-type': 'application/json' },
                  payload: JSON.stringify(input.body),
                }),
          });
          const label = `${route.method} ${route.url} ${field.part}${field.path} = ${JSON.stringify(bad)}`;
          const body = res.json<{ code?: string; details?: { path: string; in?: string }[] }>();
          if ((await databaseFingerprint(t)) !== before) failures.push(`${label}: stored something`);
          // The admin dashboard refuses a non-admin before reading any input.
          if (res.statusCode === 403 && route.url.startsWith('/admin/')) continue;
          // An unpaired surrogate has no UTF-8 form: in a path it arrives as bytes that do not
          // decode, and the router refuses the URL itself before any parameter exists.
          if (field.part === 'params' && !bad.includes('\u0000')) {
            if (res.statusCode !== 400 || body.code !== 'FL_BAD_URL')
              failures.push(`${label}: ${res.statusCode} ${res.body.slice(0, 300)}`);
            continue;
          }
          const named = body.details?.some((d) => d.path === field.path && d.in === field.part);
          if (res.statusCode !== 400 || body.code !== 'FL_VALIDATION_FAILED' || !named) {
            failures.push(`${label}: ${res.statusCode} ${res.body.slice(0, 300)}`);
          } else validated++;
        }
      }
    }
    expect(failures).toEqual([]);
    expect(validated).toBeGreaterThan(40);
  }, 300_000);
});
