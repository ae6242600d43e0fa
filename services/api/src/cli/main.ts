/**
 * `npx frontload plan|apply|undo|runs` — the command line for the same API the settings page uses,
 * authenticated with a personal API token (FRONTLOAD_TOKEN, or --token). `main` is exported so it
 * can be run against an API in process; run as a program, it prints its answer and sets the exit code.
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadConfigOrExit } from '@frontload/config';
import { weekDiff, type PlanOperationView } from './week-diff.js';

const USAGE = `Usage: frontload <command> [options]
  plan [--refresh]               show the current plan as a diff of the week (--refresh plans again first)
  apply [--ops id,id] [--confirm] apply the current plan (or chosen operations); --confirm goes ahead
                                 past the blast-radius limit and with changes that cannot be undone
  runs                           list runs
  undo <runId>                   undo a run
Options: --url <api url>  --token <flp_…>  --zone <IANA zone for display>`;

interface Plan {
  id: string;
  state: string;
  createdAt: string;
  /** When planning again last found this plan still current. */
  checkedAt?: string | null;
  operations: (PlanOperationView & { irreversible?: string | null })[];
  notes: { message: string }[];
}

/** Where the API is and who is asking. */
export interface CliSettings {
  FRONTLOAD_URL: string;
  FRONTLOAD_TOKEN?: string | undefined;
}

/** How `plan --refresh` waits for the planner's answer. */
export interface WaitSettings {
  pollMs: number;
  timeoutMs: number;
}

const DEFAULT_WAIT: WaitSettings = { pollMs: 250, timeoutMs: 30_000 };

async function call<T>(
  base: string,
  token: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<T> {
  const response = await fetch(new URL(`/api/v1${path}`, base), {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? null : JSON.stringify(body),
  });
  const text = await response.text();
  const data = text ? (JSON.parse(text) as unknown) : undefined;
  if (!response.ok) {
    const error = data as { code?: string; message?: string } | undefined;
    throw new Error(`${response.status} ${error?.code ?? ''}: ${error?.message ?? text}`);
  }
  return data as T;
}

/**
 * The planner's answer to a request made at `requestedAt` (the API's clock): a plan created after it,
 * or the current one when the planner found it still current after it (nothing changed).
 */
async function waitForAnswer(
  base: string,
  token: string,
  requestedAt: string,
  wait: WaitSettings,
): Promise<Plan> {
  const since = Date.parse(requestedAt);
  const answered = (plan: Plan) =>
    Date.parse(plan.createdAt) >= since || (plan.checkedAt != null && Date.parse(plan.checkedAt) >= since);
  const deadline = Date.now() + wait.timeoutMs;
  for (;;) {
    const plan = await call<Plan>(base, token, 'GET', '/plan').catch(() => undefined);
    if (plan && answered(plan)) return plan;
    if (Date.now() >= deadline) break;
    await new Promise((r) => setTimeout(r, wait.pollMs));
  }
  throw new Error(
    `no answer from the planner within ${Math.round(wait.timeoutMs / 1000)} s (is the planner worker running?)`,
  );
}

/** The current plan (planned again first with `refresh`, or when there is none) as a diff of the week. */
async function planCommand(
  base: string,
  token: string,
  zone: string,
  refresh: boolean,
  wait: WaitSettings,
): Promise<string> {
  let plan = await call<Plan>(base, token, 'GET', '/plan').catch(() => undefined);
  if (refresh || !plan) {
    const { requestedAt } = await call<{ requestedAt: string }>(base, token, 'POST', '/plan');
    plan = await waitForAnswer(base, token, requestedAt, wait);
  }
  const unchanged = plan.checkedAt != null && Date.parse(plan.checkedAt) > Date.parse(plan.createdAt);
  const notes = plan.notes.map((n) => `  · ${n.message}`).join('\n');
  const final = plan.operations.filter((o) => o.irreversible);
  const warning = final.length
    ? `\n${final.length} change(s) cannot be undone (apply asks for --confirm): ${final[0]!.irreversible}`
    : '';
  return `Plan ${plan.id} (${plan.state}, ${plan.createdAt}${unchanged ? `; unchanged when planned again at ${plan.checkedAt}` : ''})\n${weekDiff(plan.operations, zone)}${notes ? `\nNotes:\n${notes}` : ''}${warning}`;
}

async function run(argv: string[], settings: CliSettings, wait: WaitSettings): Promise<string> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      url: { type: 'string' },
      token: { type: 'string' },
      zone: { type: 'string' },
      refresh: { type: 'boolean' },
      ops: { type: 'string' },
      confirm: { type: 'boolean' },
    },
  });
  if (!['plan', 'apply', 'runs', 'undo'].includes(positionals[0] ?? '')) return USAGE;
  const base = values.url ?? settings.FRONTLOAD_URL;
  const token = values.token ?? settings.FRONTLOAD_TOKEN;
  if (!token)
    throw new Error('No API token: set FRONTLOAD_TOKEN or pass --token (create one on the settings page).');
  const zone = values.zone ?? (await call<{ timeZone: string }>(base, token, 'GET', '/me')).timeZone;
  switch (positionals[0]) {
    case 'plan':
      return planCommand(base, token, zone, values.refresh === true, wait);
    case 'apply': {
      const plan = await call<Plan>(base, token, 'GET', '/plan');
      const body = {
        ...(values.ops ? { operationIds: values.ops.split(',') } : {}),
        // --confirm answers both questions the API may ask: past the blast radius, and changes
        // that cannot be undone (Microsoft skip-week cancellations).
        ...(values.confirm ? { confirm: true, confirmIrreversible: true } : {}),
      };
      const result = await call<{ runId: string; operations: number }>(
        base,
        token,
        'POST',
        `/plans/${plan.id}/apply`,
        body,
      );
      return `Applying ${result.operations} operation(s): run ${result.runId}`;
    }
    case 'runs': {
      const { runs } = await call<{ runs: { id: string; kind: string; state: string; createdAt: string }[] }>(
        base,
        token,
        'GET',
        '/runs',
      );
      return (
        runs.map((r) => `${r.id}  ${r.kind.padEnd(4)}  ${r.state.padEnd(17)} ${r.createdAt}`).join('\n') ||
        'No runs yet.'
      );
    }
    case 'undo': {
      if (!positionals[1]) throw new Error('undo needs a run id (see `frontload runs`)');
      const { irreversible = [] } = await call<{ irreversible?: { eventId: string; reason: string }[] }>(
        base,
        token,
        'POST',
        `/runs/${positionals[1]}/undo`,
      );
      const kept = irreversible.map((o) => `\n  ${o.eventId}: ${o.reason}`).join('');
      return `Undo of run ${positionals[1]} queued.${kept ? `\nCannot be undone (they stay as they are):${kept}` : ''}`;
    }
    default:
      return USAGE;
  }
}

/** Runs one command; the answer to print, and the exit code (0 done, 1 failed). */
export async function main(
  argv: string[],
  settings: CliSettings,
  wait: WaitSettings = DEFAULT_WAIT,
): Promise<{ code: number; out: string }> {
  try {
    return { code: 0, out: await run(argv, settings, wait) };
  } catch (error: unknown) {
    return { code: 1, out: `frontload: ${error instanceof Error ? error.message : String(error)}` };
  }
}

const invoked =
  process.argv[1] !== undefined && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url);
if (invoked) {
  const { code, out } = await main(process.argv.slice(2), loadConfigOrExit('cli'));
  (code === 0 ? process.stdout : process.stderr).write(`${out}\n`);
  process.exitCode = code;
}
