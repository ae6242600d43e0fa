/**
 * Runs autocannon in its own process (so the load generator does not share the event loop of the
 * servers it measures) and prints its figures as one JSON line. argv[2]: a JSON file holding
 * { url, connections, durationSeconds, requests: [{ headers }] }; requests are sent in turn.
 */
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';
import Type from 'typebox';
import { Value } from 'typebox/value';

const Plan = Type.Object({
  url: Type.String({ pattern: '^http://' }),
  connections: Type.Integer({ minimum: 1, maximum: 1_000 }),
  durationSeconds: Type.Number({ exclusiveMinimum: 0, maximum: 600 }),
  requests: Type.Array(Type.Object({ headers: Type.Record(Type.String(), Type.String()) }), { minItems: 1 }),
});

const plan = Value.Parse(Plan, JSON.parse(readFileSync(process.argv[2]!, 'utf8')));
const result = await autocannon({
  url: plan.url,
  method: 'POST',
  connections: plan.connections,
  duration: plan.durationSeconds,
  requests: plan.requests.map((r) => ({ method: 'POST' as const, headers: r.headers })),
});
process.stdout.write(
  `${JSON.stringify({
    requestsPerSecond: result.requests.average,
    total: result.requests.total,
    latencyMs: { p50: result.latency.p50, p99: result.latency.p99 },
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
  })}\n`,
);
