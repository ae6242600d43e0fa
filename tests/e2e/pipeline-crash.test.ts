/**
 * A run survives its worker being killed at any step. The seeded TLM week on the Google and on the
 * Microsoft sandbox is planned, then applied with the `apply` job processed by a real planner worker
 * process (same processors and config path as workers/planner/src/main.ts, see
 * __fixtures__/planner-worker.ts). The worker is SIGKILLed once in every operation k = 1..N in turn,
 * and a fresh process started each time (BullMQ's stalled-job check hands it the killed job). The kill
 * points rotate through the three instants a crash can hit an operation already marked `intent`:
 * before its write left, while the write is at the provider (dropped with the connection), and after
 * the provider applied it but before the ledger recorded it. At the end the ledger, the provider's
 * calendar and its request log must show every operation done exactly once, nothing lost.
 */
import { fileURLToPath } from 'node:url';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEVELOPMENT_SEALING_KEY } from '@frontload/config';
import { openDatabase, repositories, type Database, type OperationRow } from '@frontload/db';
import { graphTransactionId } from '@frontload/providers';
import { waitUntil } from '@frontload/testing';
import { spawnTypeScript, type SpawnedProcess } from '@frontload/testing/spawn';
import type { PlannerDeps } from '@frontload/worker-planner';
import { Temporal } from 'temporal-polyfill';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planUser } from '../../workers/planner/src/plan-user.js';
import { sandboxPlannerDeps } from './pipeline-harness.js';
import { startSyncHarness, type SyncHarness } from './sync-harness.js';

const fixture = fileURLToPath(new URL('./__fixtures__/planner-worker.ts', import.meta.url));
const REDIS_URL = 'redis://127.0.0.1:6379';
/** Each provider read waits this long in the sandbox: the window to kill before the write. */
const READ_LATENCY_MS = 400;
/** A write armed for a mid-write kill waits this long before the sandbox handles it. */
const WRITE_LATENCY_MS = 800;
const WRITE_METHODS = ['POST', 'PATCH', 'PUT', 'DELETE'];
const ZONE = 'Europe/Berlin';

/** An event as the sandbox dumps it, in the provider's own shape (Google or Graph fields). */
type RawEvent = {
  id: string;
  status?: string;
  isCancelled?: boolean;
  transactionId?: string;
  start?: { dateTime?: string; timeZone?: string };
  extendedProperties?: { private?: Record<string, string> };
};
/**
 * before-write: the operation is `intent`, its read in progress, nothing sent.
 * mid-write: its write has reached the provider and is held there; the dead client's request is
 *   never handled (the sandbox drops it with the connection).
 * after-write: the provider applied the write and answered, but the ledger has not recorded it (the
 *   test holds a lock on the operation's row, so the worker's `applied` update waits, and ends that
 *   update's database session with the process).
 */
type KillPoint = 'before-write' | 'mid-write' | 'after-write';
const KILL_POINTS: KillPoint[] = ['after-write', 'before-write', 'mid-write'];

type LogEntry = { at: number; method: string; route: string; status: number; emailsSent?: unknown[] };
type Desired = { eventId?: string; seriesId?: string; after?: { start: string; end: string } };

/** What differs between the providers: the account, the write routes, how our events are recognised. */
interface Profile {
  provider: 'google' | 'microsoft';
  email: string;
  /** Prefix of every calendar API route (write routes are slowed down under it). */
  api: string;
  /** The key a focus block is found by in the dump, and the one its client id must give. */
  focusKey(event: RawEvent): string | undefined;
  expectedKey(clientId: string): string;
  isCreate(entry: LogEntry): boolean;
  /**
   * Whether the reconcile read finds a focus block by its client id. Google: yes (the client id is
   * the event id). Graph: no — getEvent(clientId) asks /me/events/{clientId}, which is never an
   * Outlook id, so a create whose answer was lost is POSTed again and only Graph's transactionId
   * dedupe keeps the calendar free of a duplicate (reported; the calendar checks hold either way).
   */
  reconcilesCreates: boolean;
}

const profiles: Profile[] = [
  {
    provider: 'google',
    email: 'alex.tlm@sandbox.test',
    api: '/calendar/v3/',
    focusKey: (e) => (e.extendedProperties?.private?.frontload === undefined ? undefined : e.id),
    expectedKey: (clientId) => clientId,
    isCreate: (e) => e.route === 'POST /calendar/v3/calendars/:calendarId/events',
    reconcilesCreates: true,
  },
  {
    provider: 'microsoft',
    email: 'alex.tlm@contoso.sandbox.test',
    api: '/v1.0/',
    focusKey: (e) => (e.transactionId?.startsWith('frontload.') ? e.transactionId : undefined),
    expectedKey: (clientId) => graphTransactionId({ kind: 'focusBlock' }, clientId),
    isCreate: (e) => e.method === 'POST' && /\/events$/.test(e.route),
    reconcilesCreates: false,
  },
];

/** Weekday and wall-clock time in the user's zone of a dumped start (Google: offset; Graph: local + zone). */
function localSlot(start: { dateTime?: string; timeZone?: string }): number[] {
  const text = start.dateTime!;
  const at = /(Z|[+-]\d\d:\d\d)$/.test(text)
    ? Temporal.Instant.from(text).toZonedDateTimeISO(ZONE)
    : start.timeZone === 'UTC'
      ? Temporal.Instant.from(`${text}Z`).toZonedDateTimeISO(ZONE)
      : Temporal.PlainDateTime.from(text).toZonedDateTime(ZONE);
  return [at.dayOfWeek, at.hour, at.minute];
}

describe.each(profiles)(
  'rewrite pipeline on $provider: the planner worker SIGKILLed at every step of a run',
  (profile) => {
    let h: SyncHarness;
    let deps: PlannerDeps;
    let dataDir: string;
    let accountId: string;
    let userId: string;
    let writes: Record<string, string>;
    let planId: string;
    let operations: OperationRow[];
    let logStart: number;
    const workers: SpawnedProcess[] = [];
    /** A single-connection pool, to hold a row lock across statements. */
    let locker: Database;
    /** Where each kill landed in operation k. */
    const kills: { k: number; at: KillPoint }[] = [];

    const spawnWorker = () => {
      const spawned = spawnTypeScript(fixture, {
        // stalledIntervalMs lockDurationMs
        args: ['300', '1000'],
        env: {
          DATABASE_URL: h.t.databaseUrl,
          REDIS_URL,
          QUEUE_PREFIX: h.t.prefix,
          DATA_DIR: dataDir,
          GOOGLE_API_BASE_URL: h.sandbox.url,
          MICROSOFT_GRAPH_BASE_URL: h.sandbox.url,
          GOOGLE_OAUTH_BASE_URL: h.sandbox.url,
          MICROSOFT_LOGIN_BASE_URL: h.sandbox.url,
          TOKEN_SEALING_KEYS: DEVELOPMENT_SEALING_KEY,
          WORKER_CONCURRENCY: '1',
          LOG_LEVEL: 'warn',
          LOG_PRETTY: 'false',
        },
      });
      workers.push(spawned);
      return spawned;
    };
    const alive = (p: SpawnedProcess) => p.child.exitCode === null && p.child.signalCode === null;
    const ledger = async () => repositories(h.t.db).plans.operations(planId);
    const calendar = async () =>
      (await h.sandbox.control<RawEvent[]>('GET', `/accounts/${accountId}/events`)).filter(
        (e) => e.status !== 'cancelled' && e.isCancelled !== true,
      );
    const requestLog = async () =>
      (await h.sandbox.control<LogEntry[]>('GET', `/requests?accountId=${accountId}`)).slice(logStart);

    /** A create whose answer the killed worker never recorded, and that the provider cannot reconcile. */
    const isResentCreate = (kill: { k: number; at: KillPoint }) =>
      !profile.reconcilesCreates &&
      kill.at === 'after-write' &&
      operations[kill.k - 1]!.kind === 'createFocusBlock';
    const resentCreates = () => kills.filter(isResentCreate).length;
    const writesLogged = async () =>
      (await requestLog()).filter(
        (e) =>
          WRITE_METHODS.includes(e.method) &&
          e.route.startsWith(`${e.method} ${profile.api}`) &&
          e.route.includes('/events') &&
          e.status < 300,
      );
    const faultIds = async () =>
      new Set((await h.sandbox.control<{ id: string }[]>('GET', '/faults')).map((f) => f.id));

    beforeAll(async () => {
      h = await startSyncHarness({ push: false });
      locker = await openDatabase({ url: h.t.databaseUrl, maxConnections: 1 });
      dataDir = await mkdtemp(join(tmpdir(), 'frontload-crash-'));
      await h.sandbox.control('POST', '/reset', { seedDemo: true });
      const accounts = await h.sandbox.control<{ id: string; email: string; provider: string }[]>(
        'GET',
        '/accounts',
      );
      accountId = accounts.find((a) => a.provider === profile.provider && a.email === profile.email)!.id;
      ({ userId } = await h.connect(profile.provider, accountId));
      await h.idle(60_000);
      const user = await repositories(h.t.db).users.byId(userId);
      writes = await h.t.csrfHeaders((await h.t.signIn(user!.email)).cookie);
      deps = sandboxPlannerDeps(h);
      expect(await planUser(userId, deps)).toMatchObject({ outcome: 'stored' });
      const { rows } = await h.t.db.query<{ id: string }>(
        `select id from plans where user_id = $1 and kind = 'plan' and state = 'preview'
       order by created_at desc limit 1`,
        [userId],
      );
      planId = rows[0]!.id;
      operations = await ledger();
      // Every read of the calendar is slowed down, so an operation stays in `intent` for at least
      // READ_LATENCY_MS before its write can leave: the window for a kill before the write.
      await h.sandbox.control('POST', '/faults', {
        provider: profile.provider,
        route: `GET ${profile.api}*`,
        accountId,
        latencyMs: READ_LATENCY_MS,
      });
    }, 180_000);

    afterAll(async () => {
      for (const w of workers) if (alive(w)) w.child.kill('SIGKILL');
      await Promise.all(workers.map((w) => w.exited));
      await locker?.close();
      await h?.sandbox.control('DELETE', '/faults').catch(() => undefined);
      await h?.close();
      if (dataDir) await rm(dataDir, { recursive: true, force: true });
    });

    it('finishes the run after a SIGKILL at each operation in turn, each operation applied once in the ledger', async () => {
      const n = operations.length;
      expect(n).toBeGreaterThanOrEqual(3);
      expect(operations.map((o) => o.kind)).toEqual(
        expect.arrayContaining(['moveSeries', 'createFocusBlock']),
      );
      logStart = (await h.sandbox.control<LogEntry[]>('GET', `/requests?accountId=${accountId}`)).length;
      let worker = spawnWorker();
      const res = await h.t.app.inject({
        method: 'POST',
        url: `/api/v1/plans/${planId}/apply`,
        headers: writes,
        payload: { confirm: true },
      });
      expect(res.statusCode, res.body).toBe(202);

      for (let k = 1; k <= n; k++) {
        const op = operations[k - 1]!;
        const at = KILL_POINTS[(k - 1) % KILL_POINTS.length]!;
        // Operation k marked `intent`; its read of the event is held by the read latency.
        await waitUntil(
          async () => {
            if (!alive(worker)) throw new Error(`worker exited on its own:\n${worker.output()}`);
            const row = (await ledger()).find((r) => r.id === op.id)!;
            return row.status === 'intent';
          },
          { timeoutMs: 90_000, intervalMs: 20, what: `operation ${k}/${n} (${op.kind}) to reach intent` },
        );
        if (at === 'after-write') {
          await locker.query('begin');
          await locker.query('select id from operations where id = $1 for update', [op.id]);
          // The worker's `applied` update waits on the lock: the provider has answered the write.
          await waitUntil(
            async () => {
              const { rows } = await h.t.db.query<{ n: number }>(
                `select count(*)::int as n from pg_stat_activity
                 where datname = current_database() and wait_event_type = 'Lock'
                   and query ilike 'update operations%'`,
              );
              return rows[0]!.n > 0;
            },
            { timeoutMs: 90_000, what: `operation ${k}'s outcome to wait on the ledger` },
          );
          worker.child.kill('SIGKILL');
          await worker.exited;
          // Postgres would still run the update the dead worker had already sent once the lock goes;
          // ending its session first makes this a crash just before the ledger write left.
          await h.t.db.query(
            `select pg_terminate_backend(pid) from pg_stat_activity
             where datname = current_database() and wait_event_type = 'Lock'
                   and query ilike 'update operations%'`,
          );
          await locker.query('rollback');
        } else if (at === 'mid-write') {
          // Arm one slow write per method now (the read still holds the worker back); the first one
          // consumed is operation k's write, arrived at the provider and held there.
          const armed = await Promise.all(
            WRITE_METHODS.map(async (method) =>
              h.sandbox.control<{ id: string }>('POST', '/faults', {
                provider: profile.provider,
                route: `${method} ${profile.api}*`,
                accountId,
                count: 1,
                latencyMs: WRITE_LATENCY_MS,
              }),
            ),
          );
          await waitUntil(
            async () => {
              const live = await faultIds();
              return armed.some((f) => !live.has(f.id));
            },
            { timeoutMs: 90_000, intervalMs: 10, what: `operation ${k}'s write to reach the provider` },
          );
          worker.child.kill('SIGKILL');
          await worker.exited;
          const live = await faultIds();
          for (const f of armed) if (live.has(f.id)) await h.sandbox.control('DELETE', `/faults/${f.id}`);
        } else {
          worker.child.kill('SIGKILL');
          await worker.exited;
        }
        kills.push({ k, at });
        worker = spawnWorker();
      }

      const plan = await waitUntil(
        async () => {
          const p = await repositories(h.t.db).plans.byId(planId);
          return p && p.state !== 'applying' ? p : undefined;
        },
        { timeoutMs: 60_000, what: 'the run to finish after the last restart' },
      );
      expect(kills.map((k) => k.k)).toEqual(operations.map((_, i) => i + 1));
      expect(plan.state).toBe('applied');
      const rows = await ledger();
      expect(rows.map((r) => [r.kind, r.status])).toEqual(operations.map((o) => [o.kind, 'applied']));
      // Exactly one write per operation reached the provider (by the killed worker, whose write landed
      // after it died, or by its successor); no operation was written twice.
      const logged = await writesLogged();
      expect(logged.length, JSON.stringify(logged, null, 1)).toBe(n + resentCreates());
      // Killed after the write: the successor found it done and recorded it without writing again.
      // Killed before it or mid-write: nothing had landed, and the successor wrote it.
      expect(rows.map((r) => (r.provider_result as { wrote?: boolean } | null)?.wrote)).toEqual(
        kills.map((k) => k.at !== 'after-write' || isResentCreate(k)),
      );
    }, 480_000);

    it('leaves exactly the planned focus blocks (no duplicate, no duplicate create request) and each series moved once', async () => {
      const events = await calendar();
      const focusKeys = operations
        .filter((o) => o.kind === 'createFocusBlock')
        .map((o) => profile.expectedKey((o.desired as Desired).eventId!))
        .sort();
      const ours = events.flatMap((e) => profile.focusKey(e) ?? []).sort();
      expect(ours).toEqual(focusKeys);
      // One create request per focus block, each answered with success: no create was ever retried
      // (Google would refuse a second insert of the same id, Graph would dedupe it by transactionId).
      const creates = (await requestLog()).filter((e) => profile.isCreate(e));
      expect(creates.length).toBe(focusKeys.length + resentCreates());
      expect(creates.every((e) => e.status < 300)).toBe(true);

      const moves = operations.filter((o) => o.kind === 'moveSeries');
      for (const op of moves) {
        const desired = op.desired as Desired;
        const want = Temporal.Instant.from(desired.after!.start).toZonedDateTimeISO(ZONE);
        const master = events.find((e) => e.id === desired.seriesId);
        expect(master, `series ${desired.seriesId}`).toBeDefined();
        // Moved once: a second shift of the master would have put it on yet another weekday or time.
        expect(localSlot(master!.start!)).toEqual([want.dayOfWeek, want.hour, want.minute]);
      }
      // Attendees were told about each moved 1:1 once at most, and nothing about focus blocks.
      const emails = (await requestLog()).flatMap((e) => e.emailsSent ?? []);
      expect(emails.length).toBeLessThanOrEqual(moves.length);
    }, 60_000);
  },
);
