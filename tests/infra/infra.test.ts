/**
 * No Docker engine runs here, so the deployment files are checked statically: every variable they
 * set is one the config schema knows, every command is a script that exists, every probe path is a
 * route the API serves, and in the compose file as it is rendered every URL a browser is sent to
 * uses a host the host resolves while every URL a container calls uses a name the compose network
 * resolves (checked on the sandbox's own discovery documents and the API's sign-in URL too).
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PRODUCTION_SECRETS, describeVariables, isLocalHttpUrl, loadConfig } from '@frontload/config';
import { createOAuth } from '@frontload/providers/oauth';
import { startSandbox } from '@frontload/testing';
import { buildApp } from '@frontload/api';
import type { Database } from '@frontload/db';
import type { Producers } from '@frontload/jobs';
import type { OAuth } from '@frontload/providers';
import type { TokenVault } from '@frontload/security';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';

const root = resolve(import.meta.dirname, '../..');
const read = (path: string) => readFileSync(join(root, path), 'utf8');
const known = new Set(describeVariables().map((v) => v.name));
// Variables read by the official postgres image, not by Frontload.
const imageOwn = new Set(['POSTGRES_USER', 'POSTGRES_PASSWORD', 'POSTGRES_DB']);

type Json = Record<string, unknown>;
const compose = parse(read('infra/docker-compose.yml'), { merge: true }) as {
  services: Record<string, Json>;
};
const k8s = ['config.yaml', 'api.yaml', 'workers.yaml'].flatMap((f) =>
  parseAllDocuments(read(`infra/k8s/${f}`)).map((d) => d.toJSON() as Json),
);

function walk(node: unknown, visit: (key: string, value: unknown) => void) {
  if (Array.isArray(node)) node.forEach((n) => walk(n, visit));
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      visit(k, v);
      walk(v, visit);
    }
  }
}

function scriptOf(command: string[]): { workspace: string; script: string } | undefined {
  const i = command.indexOf('run');
  const w = command.indexOf('-w');
  if (command[0] !== 'npm' || i < 0 || w < 0) return undefined;
  return { script: command[i + 1]!, workspace: command[w + 1]! };
}

const workspaceScripts = new Map<string, Record<string, string>>(
  [
    'shared/db',
    'services/api',
    'services/provider-sandbox',
    'workers/sync',
    'workers/planner',
    'workers/notifier',
  ].map((dir) => {
    const pkg = JSON.parse(read(`${dir}/package.json`)) as { name: string; scripts: Record<string, string> };
    return [pkg.name, pkg.scripts];
  }),
);

describe('deployment files', () => {
  it('set only environment variables that the config schema defines', () => {
    const names = new Set<string>();
    for (const service of Object.values(compose.services)) {
      for (const name of Object.keys((service.environment as Json | undefined) ?? {})) names.add(name);
    }
    for (const doc of k8s) {
      if (doc.kind === 'ConfigMap') Object.keys(doc.data as Json).forEach((n) => names.add(n));
      if (doc.kind === 'Secret') Object.keys(doc.stringData as Json).forEach((n) => names.add(n));
      walk(doc, (key, value) => {
        if (key === 'env' && Array.isArray(value)) value.forEach((e: { name: string }) => names.add(e.name));
      });
    }
    const unknown = [...names].filter((n) => !known.has(n) && !imageOwn.has(n));
    expect(names.size).toBeGreaterThan(10);
    expect(unknown).toEqual([]);
  });

  it('give Kubernetes every secret production requires, so the API and workers start there', () => {
    const config = k8s.find((d) => d.kind === 'ConfigMap')?.data as Record<string, string>;
    const secret = k8s.find((d) => d.kind === 'Secret')?.stringData as Record<string, string>;
    expect(isLocalHttpUrl(config.PUBLIC_URL!)).toBe(false);
    expect(Object.keys(secret)).toEqual(expect.arrayContaining([...PRODUCTION_SECRETS]));
    // Its placeholders (which the operator replaces) are not development defaults either.
    const env = { ...config, ...secret };
    expect(() => loadConfig('api', env)).not.toThrow();
    expect(() => loadConfig('worker', env)).not.toThrow();
  });

  it('run only npm scripts that exist in the named workspace', () => {
    const commands: string[][] = [];
    for (const service of Object.values(compose.services)) {
      if (Array.isArray(service.command)) commands.push(service.command as string[]);
      const test = (service.healthcheck as { test?: string[] } | undefined)?.test;
      if (test?.[1] === 'npm') commands.push(test.slice(1));
    }
    for (const doc of k8s) {
      walk(doc, (key, value) => {
        if (key === 'command' && Array.isArray(value)) commands.push(value as string[]);
      });
    }
    const dockerfileCmd = /CMD (\[.*\])/.exec(read('infra/Dockerfile'))?.[1];
    commands.push(JSON.parse(dockerfileCmd ?? '[]') as string[]);
    const npmCommands = commands.map(scriptOf).filter((c) => c !== undefined);
    expect(npmCommands.length).toBeGreaterThanOrEqual(10);
    for (const { workspace, script } of npmCommands) {
      expect(workspaceScripts.get(workspace)?.[script], `${workspace} ${script}`).toBeTypeOf('string');
    }
  });

  it('probe only paths the API actually serves', async () => {
    const paths = new Set<string>();
    for (const doc of k8s) {
      walk(doc, (key, value) => {
        if (key === 'httpGet') paths.add((value as { path: string }).path);
      });
    }
    expect([...paths].sort()).toEqual(['/healthz', '/readyz']);
    // Only the route table is read; no dependency is called (the Redis client never connects).
    const redis = new Redis({ lazyConnect: true });
    const app = await buildApp({
      db: {} as Database,
      redis,
      producers: {} as Producers,
      oauth: {} as OAuth,
      vault: {} as TokenVault,
    });
    try {
      for (const path of paths) expect(app.hasRoute({ method: 'GET', url: path }), path).toBe(true);
    } finally {
      await app.close();
      redis.disconnect();
    }
  });
});

/**
 * The compose file as `docker compose config` renders it with nothing set in the shell: `${VAR:-x}`
 * becomes x, `${VAR}` empty, `$$` a dollar; YAML anchors and merge keys resolved.
 */
function renderCompose(text: string) {
  const interpolated = text.replace(
    /\$\$|\$\{([A-Z0-9_]+)(?::?-([^}]*))?\}/g,
    (all, _name, fallback?: string) => (all === '$$' ? '$' : (fallback ?? '')),
  );
  return parse(interpolated, { merge: true }) as { services: Record<string, Json> };
}

const rendered = renderCompose(read('infra/docker-compose.yml'));
const envOf = (service: string) => (rendered.services[service]?.environment ?? {}) as Record<string, string>;
/** The port a service listens on inside the network, from its own variables. */
const listensOn: Record<string, (env: Record<string, string>) => number> = {
  postgres: () => 5432,
  redis: () => 6379,
  sandbox: (env) => Number(env.SANDBOX_PORT ?? 4010),
  api: (env) => Number(env.PORT ?? 3000),
};
/** What the host reaches: each published port mapped to the service and its port in the network. */
const published = new Map<number, { service: string; port: number }>();
for (const [service, spec] of Object.entries(rendered.services)) {
  for (const entry of (spec.ports as string[] | undefined) ?? []) {
    const [host, container] = entry.split(':').slice(-2).map(Number);
    // A port published only on the loopback still counts: the browser runs on the host.
    published.set(host!, { service, port: container! });
  }
}
const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);
const portOf = (url: URL) => Number(url.port || (url.protocol === 'https:' ? 443 : 80));

/** Why a browser on the host cannot open `value` (which service it must reach), or undefined. */
function browserProblem(value: string, service: string): string | undefined {
  const url = new URL(value);
  if (!LOOPBACK.has(url.hostname)) return `${value}: the host cannot resolve ${url.hostname}`;
  const target = published.get(portOf(url));
  if (target?.service !== service) return `${value}: port ${portOf(url)} is not published by ${service}`;
  if (target.port !== listensOn[service]!(envOf(service)))
    return `${value}: ${service} does not listen on ${target.port}`;
  return undefined;
}

/** Why a container cannot call `value` on `service`, or undefined. */
function containerProblem(value: string, service: string): string | undefined {
  const url = new URL(value);
  if (url.hostname !== service) return `${value}: containers reach ${service} by its service name`;
  if (portOf(url) !== listensOn[service]!(envOf(service))) return `${value}: ${service} listens elsewhere`;
  return undefined;
}

/** Which service each URL variable points at, and who follows it: a browser or a container. */
const URL_VARIABLES: Record<string, { service: string; caller: 'browser' | 'container' }> = {
  PUBLIC_URL: { service: 'api', caller: 'browser' },
  PUSH_PUBLIC_URL: { service: 'api', caller: 'container' },
  DATABASE_URL: { service: 'postgres', caller: 'container' },
  REDIS_URL: { service: 'redis', caller: 'container' },
  GOOGLE_OAUTH_BASE_URL: { service: 'sandbox', caller: 'container' },
  GOOGLE_API_BASE_URL: { service: 'sandbox', caller: 'container' },
  MICROSOFT_LOGIN_BASE_URL: { service: 'sandbox', caller: 'container' },
  MICROSOFT_LOGIN_BROWSER_URL: { service: 'sandbox', caller: 'browser' },
  MICROSOFT_GRAPH_BASE_URL: { service: 'sandbox', caller: 'container' },
  SANDBOX_PUBLIC_URL: { service: 'sandbox', caller: 'container' },
  SANDBOX_BROWSER_URL: { service: 'sandbox', caller: 'browser' },
};

describe('compose, as rendered, from a browser on the host', () => {
  it('sends the browser only to host names the host resolves, and containers only to service names', () => {
    const problems: string[] = [];
    let checked = 0;
    for (const [name, spec] of Object.entries(rendered.services)) {
      for (const [variable, value] of Object.entries(envOf(name))) {
        const meaning = URL_VARIABLES[variable];
        if (!meaning && /^[a-z][a-z0-9+.-]*:\/\//i.test(String(value)))
          problems.push(`${name}.${variable}: a URL this test does not know the caller of`);
        if (!meaning || value === '') continue;
        checked += 1;
        const problem =
          meaning.caller === 'browser'
            ? browserProblem(String(value), meaning.service)
            : containerProblem(String(value), meaning.service);
        if (problem) problems.push(`${name}.${variable}: ${problem}`);
      }
      expect(spec.image ?? spec.build, name).toBeDefined();
    }
    expect(checked).toBeGreaterThan(30);
    expect(problems).toEqual([]);
  });

  it("has the sandbox's discovery documents send the browser to the host and servers to the service", async () => {
    const env = envOf('sandbox');
    const sandbox = await startSandbox({
      publicUrl: env.SANDBOX_PUBLIC_URL!,
      ...(env.SANDBOX_BROWSER_URL ? { browserUrl: env.SANDBOX_BROWSER_URL } : {}),
    });
    try {
      const google = (await (
        await fetch(`${sandbox.url}/.well-known/openid-configuration`)
      ).json()) as Record<string, string>;
      const tenant = envOf('api').MICROSOFT_TENANT ?? 'common';
      const microsoft = (await (
        await fetch(`${sandbox.url}/${tenant}/v2.0/.well-known/openid-configuration`)
      ).json()) as Record<string, string>;
      const problems = [
        browserProblem(google.authorization_endpoint!, 'sandbox'),
        browserProblem(microsoft.authorization_endpoint!, 'sandbox'),
        ...['token_endpoint', 'revocation_endpoint', 'jwks_uri', 'userinfo_endpoint'].map((k) =>
          containerProblem(google[k]!, 'sandbox'),
        ),
        ...['token_endpoint', 'jwks_uri'].map((k) => containerProblem(microsoft[k]!, 'sandbox')),
      ].filter(Boolean);
      expect(problems).toEqual([]);
    } finally {
      await sandbox.close();
    }
  });

  it('has the API send the browser to a Microsoft sign-in page the host resolves', async () => {
    // The API reads the sign-in page from the sandbox's discovery document (Google's is checked in
    // the test above: the API uses its authorization_endpoint as it is). Here the test, on the host,
    // stands in for the API container and reaches the sandbox on its local port; Microsoft's issuer
    // is Entra's name, wherever its documents are fetched from.
    const env = envOf('api');
    const sandboxEnv = envOf('sandbox');
    const sandbox = await startSandbox({
      publicUrl: sandboxEnv.SANDBOX_PUBLIC_URL!,
      ...(sandboxEnv.SANDBOX_BROWSER_URL ? { browserUrl: sandboxEnv.SANDBOX_BROWSER_URL } : {}),
    });
    try {
      const oauth = createOAuth({
        publicUrl: env.PUBLIC_URL!,
        google: { clientId: 'c', clientSecret: 's', oauthBaseUrl: env.GOOGLE_OAUTH_BASE_URL! },
        microsoft: {
          clientId: 'c',
          clientSecret: 's',
          tenant: env.MICROSOFT_TENANT ?? 'common',
          loginBaseUrl: sandbox.url,
          browserLoginBaseUrl: env.MICROSOFT_LOGIN_BROWSER_URL,
        },
      });
      const signIn = await oauth.authorizationUrl('microsoft', 'state', 'verifier'.repeat(6));
      expect(browserProblem(signIn.href, 'sandbox')).toBeUndefined();
      expect(browserProblem(signIn.searchParams.get('redirect_uri')!, 'api')).toBeUndefined();
    } finally {
      await sandbox.close();
    }
  });
});
