/**
 * The stack for browser journeys: the provider sandbox, the API on a real loopback port (so a real
 * browser can follow OAuth redirects to it), optional worker processes, and Debian's chromium
 * driven by playwright-core. Never a downloaded browser: when /usr/bin/chromium is missing it is
 * installed with apt, which this machine (and CI's) reaches as root.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildTestApp, type TestApp } from '@frontload/api/testing';
import {
  REPO_ROOT,
  TEST_REDIS_URL,
  freePort,
  spawnTypeScript,
  startSandbox,
  type RunningSandbox,
  type SpawnedProcess,
  waitUntil,
} from '@frontload/testing';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { expect } from 'vitest';

export const CHROMIUM = '/usr/bin/chromium';
export const SCREENSHOTS = fileURLToPath(new URL('./screenshots/', import.meta.url));

/** Installs Debian's chromium when it is absent (the test setup's only network use: Debian's mirror). */
export function ensureChromium(): void {
  if (existsSync(CHROMIUM)) return;
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', '--no-install-recommends', 'chromium'], {
    stdio: 'inherit',
    env,
  });
}

/** A headless chromium with a fresh profile and everything that would phone home turned off. */
export async function launchBrowser(): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  ensureChromium();
  const profile = mkdtempSync(join(tmpdir(), 'frontload-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1360, height: 900 },
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

export interface Stack {
  sandbox: RunningSandbox;
  t: TestApp;
  /** Where the browser reaches the API (and so the page). */
  url: string;
  workers: SpawnedProcess[];
  close(): Promise<void>;
}

/** Worker entries a journey can ask for; each runs as its own process, as `npm start` runs it. */
const WORKER_ENTRIES = {
  sync: 'workers/sync/src/main.ts',
  planner: 'workers/planner/src/main.ts',
  notifier: 'workers/notifier/src/main.ts',
} as const;

/** Starts the sandbox, the API on a free port, and the requested workers on the app's queues. */
export async function startStack(
  options: { workers?: (keyof typeof WORKER_ENTRIES)[]; seedDemo?: boolean } = {},
): Promise<Stack> {
  const sandbox = await startSandbox({ seedDemo: options.seedDemo ?? false });
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const t = await buildTestApp({
    sandboxUrl: sandbox.url,
    publicUrl: url,
    webhookPolicy: { allowHttp: true, allowLoopback: true },
  });
  await t.app.listen({ host: '127.0.0.1', port });
  const dataDir = mkdtempSync(join(tmpdir(), 'frontload-workers-'));
  const workers = (options.workers ?? []).map((name) =>
    spawnTypeScript(join(REPO_ROOT, WORKER_ENTRIES[name]), {
      env: {
        DATABASE_URL: t.databaseUrl,
        REDIS_URL: TEST_REDIS_URL,
        QUEUE_PREFIX: t.prefix,
        DATA_DIR: dataDir,
        PUBLIC_URL: url,
        // Push on loopback: the sandbox notifies the API of every change, so the mirror follows at once.
        PUSH_PUBLIC_URL: url,
        GOOGLE_OAUTH_BASE_URL: sandbox.url,
        GOOGLE_API_BASE_URL: sandbox.url,
        MICROSOFT_LOGIN_BASE_URL: sandbox.url,
        MICROSOFT_GRAPH_BASE_URL: sandbox.url,
        WEBHOOK_ALLOW_HTTP: 'true',
        WEBHOOK_ALLOW_LOOPBACK: 'true',
        LOG_LEVEL: 'warn',
      },
    }),
  );
  return {
    sandbox,
    t,
    url,
    workers,
    async close() {
      for (const worker of workers) worker.child.kill('SIGTERM');
      await Promise.all(workers.map((w) => w.exited));
      await t.close();
      await sandbox.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Waits until the workers have nothing left to do for this stack: no sync or plan job waiting,
 * running or delayed (the schedules' own future jobs aside), and the newest plan unchanged across
 * two looks. A journey that reads a preview and then acts on it calls this first, so a replan
 * still on its way (after a save, a push, "Plan now") cannot supersede the plan it acts on. With
 * `page`, it then waits until that page shows the newest plan.
 */
export async function settle(stack: Stack, page?: Page, timeoutMs = 60_000): Promise<void> {
  const redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1 });
  const queues = ['sync', 'plan'].map(
    (name) => new Queue(name, { connection: redis, prefix: stack.t.prefix }),
  );
  const busy = async () => {
    for (const queue of queues) {
      const jobs = await queue.getJobs(['waiting', 'active', 'prioritized', 'delayed']);
      if (jobs.some((job) => !job.repeatJobKey && !job.id?.startsWith('repeat:'))) return true;
    }
    return false;
  };
  const newestPlan = async () =>
    (
      await stack.t.db.query<{ id: string }>(
        `select id from plans where kind = 'plan' order by created_at desc, id desc limit 1`,
      )
    ).rows[0]?.id ?? null;
  try {
    let last: string | null | undefined;
    await waitUntil(
      async () => {
        if (await busy()) return ((last = undefined), false);
        const newest = await newestPlan();
        const steady = last !== undefined && newest === last;
        last = newest;
        return steady;
      },
      { timeoutMs, intervalMs: 1_500, what: 'the sync and plan queues to settle' },
    );
  } finally {
    await Promise.all(queues.map((queue) => queue.close()));
    redis.disconnect();
  }
  if (!page) return;
  // The page hears of the newest plan on its live stream and draws it by itself (no reload).
  const newest = await newestPlan();
  if (newest === null) return;
  await waitUntil(
    async () =>
      (await page
        .locator('#week .plan-panel')
        .getAttribute('data-plan-id')
        .catch(() => null)) === newest,
    { timeoutMs: 15_000, intervalMs: 250, what: `the page to show the newest plan (${newest})` },
  );
}

/** Runs a check; when it fails, the workers' recent output is added to the error to show why. */
export async function withWorkerLogs<T>(stack: Stack, check: () => Promise<T>): Promise<T> {
  try {
    return await check();
  } catch (error) {
    const logs = stack.workers.map((w) => w.output().slice(-4000)).join('\n---\n');
    if (error instanceof Error) error.message += `\nworker output:\n${logs}`;
    throw error;
  }
}

/**
 * Presses "Plan now" and waits until `ready` holds for what the page draws by itself (the preview the
 * journey needs); the workers' output is added if it never does.
 */
export async function planNowUntil(stack: Stack, page: Page, ready: () => Promise<boolean>): Promise<void> {
  await page.getByRole('button', { name: 'Plan now' }).click();
  await withWorkerLogs(stack, () => expect.poll(ready, { timeout: 60_000, interval: 500 }).toBe(true));
}

/** Saves a full-page screenshot under tests/browser/screenshots (gitignored). */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

const axeSource = (): string => (createRequire(import.meta.url)('axe-core') as { source: string }).source;

/** An axe-core violation as the journeys report it. */
export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/** Runs axe-core in the page (its source injected, no CDN) and returns the serious and critical violations. */
export async function seriousA11yViolations(page: Page): Promise<AxeViolation[]> {
  // Evaluated through the DevTools protocol: an injected <script> would (rightly) be blocked by our CSP.
  await page.evaluate(axeSource());
  const violations = await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run(): Promise<{ violations: AxeViolation[] }> } }).axe;
    return (await axe.run()).violations;
  });
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => ({ target: n.target })),
    }));
}

/** On the sandbox consent page: picks the account by email and answers yes (Allow / Accept). */
export async function consent(page: Page, email: string, allowLabel: RegExp): Promise<void> {
  await page.getByLabel(new RegExp(email.replace(/[.]/g, '\\.'))).check();
  await page.getByRole('button', { name: allowLabel }).click();
}

/**
 * Opens the settings page afresh in a new tab of `page`'s browser context (the same signed-in user) and
 * waits until it is drawn: what a user sees coming back later. The journeys never reload a page to see
 * a change; the page follows changes by itself.
 */
export async function openFreshPage(stack: Stack, page: Page, path = '/'): Promise<Page> {
  const fresh = await page.context().newPage();
  await fresh.goto(`${stack.url}${path}`);
  await fresh.locator('body[data-ready="true"]').waitFor();
  return fresh;
}

/**
 * From the start page: follows the link `connectLink`, consents as `email` with `allowLabel`, and
 * waits until the sync worker has filled the mirror and the page, following the first sync by itself,
 * has drawn the week (no reload).
 */
export async function connectAndShowWeek(
  stack: Stack,
  page: Page,
  connectLink: string,
  email: string,
  allowLabel: RegExp,
): Promise<void> {
  await page.goto(stack.url);
  await page.getByRole('link', { name: connectLink }).click();
  await page.waitForURL(new RegExp(`^${stack.sandbox.url}`));
  await consent(page, email, allowLabel);
  await page.waitForURL(`${stack.url}/`);
  await page.locator('body[data-ready="true"]').waitFor();
  await waitUntil(async () => (await page.locator('#week .event').count()) > 0 || undefined, {
    timeoutMs: 45_000,
    intervalMs: 500,
    what: 'the synced week to be drawn',
  });
}

/** Signs a new user in by giving the browser a session cookie, for journeys that are not about OAuth. */
export async function signInAs(stack: Stack, context: BrowserContext, email: string): Promise<string> {
  const { userId, cookie } = await stack.t.signIn(email);
  const [name, value] = cookie.split('=') as [string, string];
  await context.addCookies([{ name, value, url: stack.url, httpOnly: true, sameSite: 'Lax' }]);
  return userId;
}
