import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describeVariables } from '@frontload/config';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const readme = readFileSync(resolve(root, 'README.md'), 'utf8');

describe('README', () => {
  it('documents every configuration variable in its table', () => {
    const missing = describeVariables()
      .map((v) => v.name)
      .filter((name) => !readme.includes(`| \`${name}\` |`));
    expect(missing).toEqual([]);
  });

  it('has a Quick start with exactly two commands, and CI runs the test one', () => {
    const quickStart = readme.split('## Quick start')[1]?.split('\n## ')[0] ?? '';
    const commands = [...quickStart.matchAll(/```sh\n([^\n]+)\n```/g)].map((m) => m[1]);
    expect(commands).toEqual(['npm ci && npm start', 'npm ci && npm test']);
    expect(readFileSync(resolve(root, '.ci/run'), 'utf8')).toContain('\nnpm ci && npm test\n');
  });
});
