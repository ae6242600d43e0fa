/**
 * One run of a chaos script on a fresh stack: both users connect and switch to autopilot, then each
 * step sets the clock, lets the people change their calendars while push notifications are held,
 * releases them (with the step's faults when the run is faulty), waits for quiescence, heals, runs
 * the periodic catch-up sweep a simulated minute later and waits again. After every step the users'
 * own events are checked, and their edits Frontload must respect (no block where they deleted one, no
 * protected person's 1:1 cancelled); after the last one the ledger, our events, the mirror and the
 * notifications.
 */
import { newIntent, performActivities, type SimUser, type UserIntent } from './activity.js';
import type { Provider } from './calendar-agent.js';
import { calendarView, type ViewEvent } from './calendar-view.js';
import {
  appliedTargets,
  deletedSlotViolations,
  duplicateViolations,
  ledgerCheck,
  mirrorViolations,
  notificationCheck,
  protectedCancelViolations,
  userEventViolations,
  type Delivery,
  type LedgerSummary,
  type NotificationSummary,
} from './checks.js';
import { connectThroughApi, writeHeaders } from './consent.js';
import { armFaults, heal, strikeProcesses } from './faults.js';
import { quiesce } from './quiesce.js';
import { PROVIDERS, USERS, type Script, type Step } from './script.js';
import { startStack, type Stack } from './stack.js';

/** The periodic sweep runs this long (simulated) after a step's own work. */
const SWEEP_AFTER_MS = 2 * 60_000;

export interface RunRecord {
  calendars: Record<Provider, ViewEvent[]>;
  violations: string[];
  ledger: LedgerSummary;
  notifications: NotificationSummary;
  /** Every run started, with its operations: for diagnosing a seed that fails. */
  journal: string[];
  seconds: number;
}

async function journal(stack: Stack): Promise<string[]> {
  const { rows } = await stack.db.query<{ line: string }>(
    `select concat_ws(' ', c.provider, p.state, o.seq, o.kind, o.status, o.error, o.desired::text) as line
     from plans p join operations o on o.plan_id = p.id join connections c on c.id = o.connection_id
     where p.state <> 'superseded' order by p.created_at, o.seq`,
  );
  return rows.map((r) => r.line);
}

type Users = Record<Provider, SimUser>;
type Intents = Record<Provider, UserIntent>;

async function api(
  stack: Stack,
  headers: Record<string, string>,
  method: string,
  path: string,
  body?: unknown,
) {
  const res = await fetch(`${stack.apiUrl}${path}`, {
    method,
    headers,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return res.json() as Promise<Record<string, unknown>>;
}

/** Both users sign in with their calendar, see their first preview, confirm it and turn on autopilot. */
async function setUp(stack: Stack): Promise<Users> {
  const accounts = await stack.sandbox.control<{ id: string; email: string }[]>('GET', '/accounts');
  const cookies = {} as Record<Provider, string>;
  for (const provider of PROVIDERS) {
    const account = accounts.find((a) => a.email === USERS[provider])!;
    cookies[provider] = await connectThroughApi(stack.apiUrl, provider, account.id);
  }
  await quiesce(stack, 'the first syncs and plans');
  const users = {} as Users;
  for (const provider of PROVIDERS) {
    const headers = await writeHeaders(stack.apiUrl, cookies[provider]);
    headers['content-type'] = 'application/json';
    const plan = await api(stack, headers, 'GET', '/api/v1/plan');
    await api(stack, headers, 'POST', `/api/v1/plans/${String(plan.id)}/apply`, {
      confirm: true,
      confirmIrreversible: true,
    });
    // Autopilot applies every plan from now on: switched on after the first preview was applied, a
    // plan job running in between cannot start that preview under the hand-applied one.
    await api(stack, headers, 'PATCH', '/api/v1/mode', { mode: 'autopilot' });
    const { rows } = await stack.db.query<{ id: string; user_id: string }>(
      'select id, user_id from connections where provider = $1',
      [provider],
    );
    const account = accounts.find((a) => a.email === USERS[provider])!;
    users[provider] = {
      provider,
      email: USERS[provider],
      accountId: account.id,
      userId: rows[0]!.user_id,
      connectionId: rows[0]!.id,
      headers,
    };
  }
  await quiesce(stack, 'the confirmed first runs');
  return users;
}

const views = async (stack: Stack, users: Users) => {
  const out = {} as Record<Provider, ViewEvent[]>;
  for (const p of PROVIDERS) out[p] = await calendarView(stack.sandbox, users[p].accountId, users[p].email);
  return out;
};

interface StepOutcome {
  violations: string[];
  /** What the process faults struck, and what stalled or died on its own. */
  struck: string[];
}

async function runStep(
  stack: Stack,
  users: Users,
  intents: Intents,
  step: Step,
  index: number,
  faulty: boolean,
): Promise<StepOutcome> {
  const faults = faulty ? step.faults : [];
  const accounts = { google: users.google.accountId, microsoft: users.microsoft.accountId };
  await stack.setClock(step.at);
  await stack.sandbox.control('POST', '/push/hold');
  for (const p of PROVIDERS)
    await performActivities(stack, users[p], step.activity[p], `s${index}${p[0]}`, intents[p]);
  // Nothing has heard of the changes yet: this is the calendar the step's plans must start from.
  const before = await views(stack, users);
  const { rows } = await stack.db.query<{ now: Date }>('select now()');
  await armFaults(stack, faults, accounts);
  const released = stack.sandbox.control('POST', '/push/release', {
    reverse: faults.some((f) => f.kind === 'reorderPushes'),
  });
  if (step.weekly)
    for (const p of PROVIDERS)
      await stack.producers.enqueuePlan({ userId: users[p].userId, reason: 'schedule' });
  const struck = await strikeProcesses(stack, faults);
  await released;
  // Under faults, work may stall until they heal (a dead connection waits for its user).
  const stalled = await quiesce(stack, `step ${index} (${step.label}) under its faults`, 60_000).then(
    () => undefined,
    (error: Error) => error.message,
  );
  const crashed = await heal(stack, accounts);
  if (stalled) struck.push(`stalled until healed: ${stalled}`);
  for (const c of crashed) struck.push(`worker died on its own: ${c}`);
  await quiesce(stack, `step ${index} (${step.label}) healed`);
  await stack.setClock(step.at + SWEEP_AFTER_MS);
  await stack.producers.enqueueCatchUpSweep({});
  await quiesce(stack, `step ${index} (${step.label}) after the catch-up sweep`);
  // A dead refresh token is noticed at the next refresh, which may be the sweep's work (a dropped push
  // left nothing else to do): its user reconnects then, as the connection-lost email asks, before the
  // step ends rather than days later at the next one.
  const { rows: lost } = await stack.db.query(`select 1 from connections where status = 'needs_reauth'`);
  if (lost.length > 0) {
    struck.push(`reconnected after the sweep: ${lost.length}`);
    await heal(stack, accounts);
    await quiesce(stack, `step ${index} (${step.label}) after reconnecting`);
  }
  const after = await views(stack, users);
  const targets = await appliedTargets(stack.db, rows[0]!.now);
  const violations: string[] = [];
  for (const p of PROVIDERS) {
    const found = [
      ...userEventViolations(before[p], after[p], targets),
      // The user's own edits hold after every step, whatever the faults did.
      ...deletedSlotViolations(after[p], intents[p].deletedSlots),
      ...(await protectedCancelViolations(stack.db, users[p].userId, intents[p].protectedSince)),
    ];
    violations.push(...found.map((v) => `step ${index} (${step.label}), ${p}: ${v}`));
  }
  return { violations, struck };
}

export async function simulate(
  script: Script,
  faulty: boolean,
  options: {
    progress?: (line: string) => void;
    logLevel?: string;
    /** Called after each step at quiescence (diagnosing a seed: read the stack's mirror, plans, …). */
    afterStep?: (stack: Stack, step: number) => Promise<void>;
  } = {},
): Promise<RunRecord> {
  const began = Date.now();
  const progress = options.progress ?? (() => undefined);
  const stack = await startStack({
    startAtMs: script.startAtMs,
    label: `${script.seed}-${faulty ? 'f' : 'c'}`,
    ...(options.logLevel ? { logLevel: options.logLevel } : {}),
  });
  try {
    const users = await setUp(stack);
    const intents: Intents = { google: newIntent(), microsoft: newIntent() };
    const violations: string[] = [];
    for (const [i, step] of script.steps.entries()) {
      const stepBegan = Date.now();
      const outcome = await runStep(stack, users, intents, step, i + 1, faulty);
      violations.push(...outcome.violations);
      await options.afterStep?.(stack, i + 1);
      const faults = faulty ? step.faults.map((f) => Object.values(f).join(':')).join(', ') : 'none';
      const struck = outcome.struck.length > 0 ? ` (${outcome.struck.join('; ')})` : '';
      progress(
        `  step ${i + 1} ${step.label} [${faults}]${struck} ${((Date.now() - stepBegan) / 1000).toFixed(1)} s`,
      );
    }
    const calendars = await views(stack, users);
    for (const p of PROVIDERS) {
      violations.push(...duplicateViolations(calendars[p]).map((v) => `${p}: ${v}`));
      violations.push(
        ...(await mirrorViolations(stack.db, users[p].connectionId, calendars[p])).map((v) => `${p}: ${v}`),
      );
    }
    const ledger = await ledgerCheck(stack.db);
    const deliveries = await stack.sandbox.control<Delivery[]>('GET', '/push/deliveries');
    const outages = faulty
      ? script.steps
          .filter((st) => st.faults.some((f) => f.kind === 'restartRedis' || f.kind === 'dropPostgres'))
          .map((st) => ({ from: st.at, to: st.at + SWEEP_AFTER_MS }))
      : [];
    const notifications = notificationCheck(deliveries, outages);
    violations.push(...ledger.violations, ...notifications.violations);
    return {
      calendars,
      violations,
      ledger,
      notifications,
      journal: await journal(stack),
      seconds: (Date.now() - began) / 1000,
    };
  } finally {
    await stack.sandbox.control('POST', '/push/release').catch(() => undefined);
    await stack.close();
  }
}
