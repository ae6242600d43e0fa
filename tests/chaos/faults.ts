/**
 * Injecting a step's faults into a running stack, and healing them at the step's end. Provider and
 * push faults are armed after the step's calendar changes (the people's own clients must not be hit)
 * and before the held push notifications go out; process faults strike once work is under way.
 */
import { waitUntil } from '@frontload/testing';
import type { Provider } from './calendar-agent.js';
import { connectThroughApi } from './consent.js';
import type { Fault } from './script.js';
import type { Stack } from './stack.js';

const API: Record<Provider, string> = { google: '/calendar/v3/', microsoft: '/v1.0/' };
const TOKEN_ROUTE: Record<Provider, string> = {
  google: 'POST /token',
  microsoft: 'POST /:tenant/oauth2/v2.0/token',
};
/** The incremental listing the sync worker reads with (a hang there is a sync timeout). */
const LIST_ROUTE: Record<Provider, string> = {
  google: 'GET /calendar/v3/calendars/:calendarId/events',
  microsoft: 'GET /v1.0/me/calendarView/delta',
};

type Accounts = Record<Provider, string>;

function routesFor(f: Extract<Fault, { kind: 'http' }>): string[] {
  if (f.on === 'token') return [TOKEN_ROUTE[f.provider]];
  if (f.on === 'read') return [`GET ${API[f.provider]}*`];
  return ['POST', 'PATCH', 'DELETE'].map((method) => `${method} ${API[f.provider]}*`);
}

/** Arms the provider, token and push faults of a step (before its notifications are released). */
export async function armFaults(stack: Stack, faults: Fault[], accounts: Accounts): Promise<void> {
  const control = stack.sandbox.control;
  for (const f of faults) {
    if (f.kind === 'http') {
      for (const route of routesFor(f)) {
        await control('POST', '/faults', {
          provider: f.provider,
          route,
          // Token requests carry no bearer token, so they name no account.
          ...(f.on === 'token' ? {} : { accountId: accounts[f.provider] }),
          status: f.status,
          count: f.count,
          ...(f.status === 429 ? { retryAfterSeconds: 1 } : {}),
        });
      }
    } else if (f.kind === 'timeout') {
      await control('POST', '/faults', {
        provider: f.provider,
        route: LIST_ROUTE[f.provider],
        accountId: accounts[f.provider],
        timeout: true,
        count: f.count,
      });
    } else if (f.kind === 'syncTokenGone') {
      await control('POST', `/accounts/${accounts[f.provider]}/invalidate-sync-tokens`);
    } else if (f.kind === 'refreshTokenDeath') {
      await control('POST', `/accounts/${accounts[f.provider]}/revoke-tokens`);
    } else if (f.kind === 'push') {
      await control('POST', '/push-faults', {
        provider: f.provider,
        accountId: accounts[f.provider],
        mode: f.mode,
        count: f.count,
        ...(f.mode === 'delay' ? { delayMs: 1_500 } : {}),
      });
    }
  }
}

/** Waits a few seconds at most for `queues` to be working on a job; whether they were. */
const busy = (stack: Stack, queues: string[]) =>
  waitUntil(
    async () => {
      for (const q of queues) if ((await stack.activeJobs(q)) > 0) return true;
      return false;
    },
    { timeoutMs: 4_000, intervalMs: 10 },
  ).catch(() => false);

/** Strikes the process faults of a step while its work runs; says what each struck. */
export async function strikeProcesses(stack: Stack, faults: Fault[]): Promise<string[]> {
  const struck: string[] = [];
  for (const f of faults) {
    if (f.kind === 'killWorker') {
      // Mid-job when the queue gets one within a few seconds; otherwise the worker dies idle.
      const midJob = await busy(stack, [f.queue]);
      await stack.killWorker(f.worker);
      await stack.ensureWorkers();
      struck.push(`SIGKILL ${f.worker} ${midJob ? `mid-${f.queue}` : 'idle'}`);
    } else if (f.kind === 'restartRedis') {
      await stack.restartRedis();
      struck.push('Redis restarted');
    } else if (f.kind === 'dropPostgres') {
      const midJob = await busy(stack, ['sync', 'apply', 'plan']);
      struck.push(
        `${await stack.dropPostgresConnections()} Postgres sessions dropped${midJob ? ' mid-job' : ''}`,
      );
    }
  }
  return struck;
}

/**
 * Heals everything: no fault rules left, every worker running, and every connection whose refresh
 * token died connected again by its user (as the connection-lost email asks them to). Returns the
 * workers that had died on their own (a crash the process supervisor would restart).
 */
export async function heal(stack: Stack, accounts: Accounts): Promise<string[]> {
  await stack.sandbox.control('DELETE', '/faults');
  const crashed = await stack.ensureWorkers();
  const { rows } = await stack.db.query<{ provider: Provider }>(
    `select provider from connections where status = 'needs_reauth'`,
  );
  for (const { provider } of rows) await connectThroughApi(stack.apiUrl, provider, accounts[provider]);
  return crashed;
}
