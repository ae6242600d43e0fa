/**
 * No Docker engine runs here, so the deployment files are checked statically: every variable they
 * set is one the config schema knows, every command is a script that exists, and every probe path
 * is a route the API serves.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describeVariables } from '@frontload/config';
import { buildApp } from '@frontload/api';
import type { Database } from '@frontload/db';
import type { Producers } from '@frontload/jobs';
import type { OAuth } from '@frontload/providers';
import type { TokenVault } from '@frontload/security';
import type { Redis } from 'ioredis';
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
    // Only the route table is read; no dependency is called.
    const app = await buildApp({
      db: {} as Database,
      redis: {} as Redis,
      producers: {} as Producers,
      oauth: {} as OAuth,
      vault: {} as TokenVault,
    });
    try {
      for (const path of paths) expect(app.hasRoute({ method: 'GET', url: path }), path).toBe(true);
    } finally {
      await app.close();
    }
  });
});
