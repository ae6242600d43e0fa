import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const workspaces = ['shared', 'services', 'workers'].flatMap((group) =>
  readdirSync(join(root, group), { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(root, group, d.name, 'package.json')))
    .map((d) => `${group}/${d.name}`),
);

describe('workspace packages', () => {
  it('each have a README saying what the package is, its entry points and what it may import', () => {
    const lacking = workspaces.filter((dir) => {
      const path = join(root, dir, 'README.md');
      if (!existsSync(path)) return true;
      const text = readFileSync(path, 'utf8');
      const name = (JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8')) as { name: string })
        .name;
      return !text.startsWith(`# ${name}\n`) || !/entry points?/i.test(text) || !/import/i.test(text);
    });
    expect(workspaces.length).toBeGreaterThan(10);
    expect(lacking).toEqual([]);
  });
});
