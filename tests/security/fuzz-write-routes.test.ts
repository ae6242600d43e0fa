/**
 * A fuzz pass over every write route the app registers (nothing listed by hand): requests whose
 * body, querystring and path parameters are generated from the route's own schemas, mixed with
 * hostile values (wrong types, unknown keys, NUL and unpaired surrogates, odd strings). No answer
 * may be a 5xx; every 4xx carries a FL_ code, a validation failure names its fields, and a refused
 * request stores nothing.
 *
 * FUZZ_RUNS sets the requests per route (200 for the full pass: FUZZ_RUNS=200 npx vitest run
 * --project tests security/fuzz-write-routes); CI runs a smaller default.
 */
import type { TestApp } from '@frontload/api/testing';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  PARTS,
  appWithWriteRoutes,
  arbitraryFor,
  databaseFingerprint,
  requestUrl,
  type Schema,
  type WriteRoute,
} from './route-inputs.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 12);

interface ErrorAnswer {
  code?: unknown;
  details?: { path?: unknown; in?: unknown }[];
}

/** A params schema for the route: its own, or one string per `:name` of its URL. */
function paramsSchema(route: WriteRoute): Schema {
  const own = route.schema.params;
  if (own?.properties) return own;
  const names = [...route.url.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => m[1]!);
  return {
    type: 'object',
    properties: Object.fromEntries(names.map((n) => [n, { type: 'string', maxLength: 40 }])),
    required: names,
  };
}

describe('fuzzing every write route with schema-generated and hostile input', () => {
  let t: TestApp;
  let routes: WriteRoute[];
  let session: Awaited<ReturnType<TestApp['signIn']>>;
  const knownIds: string[] = [];
  let signIns = 0;

  const signIn = async () => {
    session = await t.signIn(`fuzz-${signIns++}@example.com`);
  };

  beforeAll(async () => {
    ({ t, routes } = await appWithWriteRoutes());
    await signIn();
    // Existing resources, so that generated ids sometimes reach the handlers past the lookups.
    const token = await t.app.inject({
      method: 'POST',
      url: '/api/v1/tokens',
      headers: session.headers,
      payload: { name: 'fuzz' },
    });
    const endpoint = await t.app.inject({
      method: 'POST',
      url: '/api/v1/webhooks',
      headers: session.headers,
      payload: { url: 'https://hooks.example.com/fuzz', eventTypes: ['overload.tripped'] },
    });
    const endpointId = endpoint.json<{ id: string }>().id;
    const delivery = await t.app.inject({
      method: 'POST',
      url: `/api/v1/webhooks/${endpointId}/test`,
      headers: session.headers,
    });
    knownIds.push(token.json<{ id: string }>().id, endpointId, delivery.json<{ id: string }>().id);
  }, 120_000);
  afterAll(() => t?.close());

  it('finds the write routes from the app itself', () => {
    expect(routes.map((r) => `${r.method} ${r.url}`)).toEqual(
      expect.arrayContaining(['POST /api/v1/tokens', 'PUT /api/v1/preferences', 'POST /push/microsoft']),
    );
  });

  it(
    `answers no 5xx, a coded 4xx with field paths, and stores nothing on a 4xx (${RUNS} requests per route)`,
    async () => {
      let fingerprint = await databaseFingerprint(t);
      const seen = { total: 0, refused: 0, validation: 0 };
      for (const route of routes) {
        const input = fc.record({
          body: fc.oneof(
            { weight: 4, arbitrary: arbitraryFor(route.schema.body, { hostile: true, knownIds }) },
            { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
            { weight: 1, arbitrary: fc.constant(undefined) },
          ),
          querystring: arbitraryFor(route.schema.querystring ?? { type: 'object', properties: {} }, {
            hostile: true,
            knownIds,
          }),
          params: arbitraryFor(paramsSchema(route), { hostile: true, knownIds }),
        });
        await fc.assert(
          fc.asyncProperty(input, async ({ body, querystring, params }) => {
            const res = await t.app.inject({
              method: route.method as 'POST',
              url: requestUrl(route, params, querystring),
              ...(body === undefined
                ? { headers: session.headers }
                : {
                    headers: { ...session.headers, 'content-type': 'application/json' },
                    payload: JSON.stringify(body),
                  }),
            });
            const after = await databaseFingerprint(t);
            const label = `${route.method} ${route.url} → ${res.statusCode} ${res.body.slice(0, 300)}`;
            seen.total++;
            expect(res.statusCode, label).toBeLessThan(500);
            if (res.statusCode >= 400) {
              seen.refused++;
              const answer = res.json<ErrorAnswer>();
              expect(String(answer.code), label).toMatch(/^FL_[A-Z_]+$/);
              if (answer.code === 'FL_VALIDATION_FAILED' && answer.details) {
                seen.validation++;
                expect(answer.details.length, label).toBeGreaterThan(0);
                for (const detail of answer.details) {
                  expect(typeof detail.path, label).toBe('string');
                  expect(PARTS, label).toContain(detail.in);
                }
              }
              expect(after, `${label}: a refused request changed stored data`).toBe(fingerprint);
            } else {
              // A write that worked may have signed the session out (logout, account deletion).
              const me = await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: session.headers });
              if (me.statusCode === 401) await signIn();
            }
            fingerprint = await databaseFingerprint(t);
          }),
          { numRuns: RUNS, endOnFailure: true },
        );
      }
      expect(seen.total).toBe(routes.length * RUNS);
      expect(seen.validation).toBeGreaterThan(0);
    },
    Math.max(300_000, RUNS * 50 * 250),
  );
});
