/**
 * `npx frontload plan|apply|undo|runs` — the command line for the same API the settings page uses,
 * authenticated with a personal API token (FRONTLOAD_TOKEN, or --token).
 */
import { parseArgs } from 'node:util';
import { loadConfigOrExit } from '@frontload/config';
import { weekDiff, type PlanOperationView } from './week-diff.js';

const USAGE = `Usage: frontload <command> [options]
  plan [--refresh]               show the current plan as a diff of the week (--refresh plans again first)
  apply [--ops id,id] [--confirm] apply the current plan (or chosen operations)
  runs                           list runs
  undo <runId>                   undo a run
Options: --url <api url>  --token <flp_…>  --zone <IANA zone for display>`;

interface Plan {
  id: string;
  state: string;
  createdAt: string;
  operations: PlanOperationView[];
  notes: { message: string }[];
}

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

async function waitForNewPlan(base: string, token: string, after: string | undefined): Promise<Plan> {
  for (let i = 0; i < 60; i++) {
    const plan = await call<Plan>(base, token, 'GET', '/plan').catch(() => undefined);
    if (plan && plan.id !== after) return plan;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error('no new plan within 30 s (is the planner worker running?)');
}

async function run(argv: string[]): Promise<string> {
  const env = loadConfigOrExit('cli');
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
  const base = values.url ?? env.FRONTLOAD_URL;
  const token = values.token ?? env.FRONTLOAD_TOKEN;
  if (!token)
    throw new Error('No API token: set FRONTLOAD_TOKEN or pass --token (create one on the settings page).');
  const zone = values.zone ?? (await call<{ timeZone: string }>(base, token, 'GET', '/me')).timeZone;
  switch (positionals[0]) {
    case 'plan': {
      let plan = await call<Plan>(base, token, 'GET', '/plan').catch(() => undefined);
      if (values.refresh || !plan) {
        await call(base, token, 'POST', '/plan');
        plan = await waitForNewPlan(base, token, plan?.id);
      }
      const notes = plan.notes.map((n) => `  · ${n.message}`).join('\n');
      return `Plan ${plan.id} (${plan.state}, ${plan.createdAt})\n${weekDiff(plan.operations, zone)}${notes ? `\nLeft alone:\n${notes}` : ''}`;
    }
    case 'apply': {
      const plan = await call<Plan>(base, token, 'GET', '/plan');
      const body = {
        ...(values.ops ? { operationIds: values.ops.split(',') } : {}),
        ...(values.confirm ? { confirm: true } : {}),
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
      await call(base, token, 'POST', `/runs/${positionals[1]}/undo`);
      return `Undo of run ${positionals[1]} queued.`;
    }
    default:
      return USAGE;
  }
}

run(process.argv.slice(2)).then(
  (out) => process.stdout.write(`${out}\n`),
  (error: unknown) => {
    process.stderr.write(`frontload: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
