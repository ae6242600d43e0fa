/**
 * Test support stays out of production: the layer rules refuse any production source (a src/ file that
 * is not a *.test.ts) importing the test-only package @frontload/testing or test code, the repository
 * keeps those rules, and the image build never copies test code.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { cruise, type ICruiseOptions, type IReporterOutput } from 'dependency-cruiser';
import { afterAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const config = createRequire(import.meta.url)(join(root, '.dependency-cruiser.cjs')) as {
  forbidden: NonNullable<NonNullable<ICruiseOptions['ruleSet']>['forbidden']>;
  options: ICruiseOptions;
};
const testRules = ['testing-is-dev-only', 'production-does-not-import-tests'];
const ruleSet = { forbidden: config.forbidden.filter((r) => testRules.includes(r.name ?? '')) };

function violations(result: IReporterOutput) {
  if (typeof result.output === 'string') throw new Error('expected a cruise result');
  return result.output.summary.violations.map((v) => `${v.rule.name}: ${v.from} -> ${v.to}`).sort();
}

const scratch = mkdtempSync(join(tmpdir(), 'layer-rules-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/**
 * Writes a scratch tree: each file imports the listed files, named from the tree's root (the import
 * specifiers are made relative here, so this file names no path that leaves the repository).
 */
function tree(files: Record<string, string[]>) {
  for (const [path, imports] of Object.entries(files)) {
    const lines = imports.map((target) => {
      const specifier = relative(dirname(path), target).replace(/\.ts$/, '');
      return `import '${specifier.startsWith('.') ? specifier : `./${specifier}`}';\n`;
    });
    mkdirSync(dirname(join(scratch, path)), { recursive: true });
    writeFileSync(join(scratch, path), `${lines.join('')}export const value = 1;\n`);
  }
}

describe('layer rules for test support', () => {
  it('refuse production source importing @frontload/testing or test code, and allow tests to', async () => {
    const testing = 'shared/testing/src/index.ts';
    tree({
      [testing]: [],
      // Production source, wherever it sits under src/, may not import the test-only package…
      'services/api/src/testing/test-app.ts': [testing],
      'shared/providers/src/__fixtures__/session.ts': [testing],
      // …nor a test/ folder, tests/, a fixture or a test file.
      'services/api/src/app.ts': ['services/api/test/harness.ts', 'services/api/src/app.test.ts'],
      'shared/db/src/repos.ts': ['tests/helpers.ts', 'shared/db/src/__fixtures__/rows.ts'],
      'shared/db/src/__fixtures__/rows.ts': [],
      'tests/helpers.ts': [],
      // Tests and test folders may.
      'services/api/test/harness.ts': [testing, 'services/api/src/app.ts'],
      'services/api/src/app.test.ts': [testing, 'services/api/test/harness.ts'],
      'shared/db/src/db.test.ts': [testing],
    });
    const { tsConfig: _ignored, ...options } = config.options;
    const result = await cruise(['shared', 'services', 'tests'], {
      ...options,
      validate: true,
      ruleSet,
      baseDir: scratch,
    });
    expect(violations(result)).toEqual([
      'production-does-not-import-tests: services/api/src/app.ts -> services/api/src/app.test.ts',
      'production-does-not-import-tests: services/api/src/app.ts -> services/api/test/harness.ts',
      'production-does-not-import-tests: shared/db/src/repos.ts -> shared/db/src/__fixtures__/rows.ts',
      'production-does-not-import-tests: shared/db/src/repos.ts -> tests/helpers.ts',
      'testing-is-dev-only: services/api/src/testing/test-app.ts -> shared/testing/src/index.ts',
      'testing-is-dev-only: shared/providers/src/__fixtures__/session.ts -> shared/testing/src/index.ts',
    ]);
  });

  it('find no production source in the repository importing test support', async () => {
    const result = await cruise(['shared', 'services', 'workers'], {
      ...config.options,
      validate: true,
      ruleSet,
      baseDir: root,
    });
    expect(violations(result)).toEqual([]);
  });
});

/** Docker's .dockerignore matching: a pattern excludes a path when it matches it or one of its folders. */
function dockerignored(path: string, patterns: string[]) {
  const regex = (p: string) =>
    new RegExp(
      `^${p
        .replace(/[.+^${}()|[\]\\]/g, '\\$&')
        .replace(/\*\*\//g, '\u0000')
        .replace(/\*/g, '[^/]*')
        .replace(/\?/g, '[^/]')
        .replaceAll('\u0000', '(?:.*/)?')}$`,
    );
  const parts = path.split('/');
  const candidates = parts.map((_, i) => parts.slice(0, i + 1).join('/'));
  let ignored = false;
  for (const line of patterns) {
    const negated = line.startsWith('!');
    const re = regex(negated ? line.slice(1) : line);
    if (candidates.some((c) => re.test(c))) ignored = !negated;
  }
  return ignored;
}

describe('the production image', () => {
  const patterns = readFileSync(join(root, '.dockerignore'), 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  const files = execFileSync('git', ['ls-files'], { cwd: root, encoding: 'utf8' })
    .split('\n')
    .filter(Boolean);
  const isTestCode = (f: string) =>
    /\.test\.ts$/.test(f) || /(^|\/)(test|__fixtures__)\//.test(f) || /^tests\//.test(f);

  it('is built from a context without test files, test folders or fixtures', () => {
    const shipped = files.filter(
      (f) => isTestCode(f) && f !== 'tests/package.json' && !dockerignored(f, patterns),
    );
    expect(files.filter(isTestCode).length).toBeGreaterThan(100);
    expect(shipped).toEqual([]);
  });

  it('keeps the production source and the files the build needs in its context', () => {
    const needed = files.filter(
      (f) =>
        /^(shared|services|workers)\/[^/]+\/(package\.json|tsconfig\.build\.json|src\/.*\.ts)$/.test(f) &&
        !isTestCode(f),
    );
    expect(needed.length).toBeGreaterThan(100);
    expect(needed.filter((f) => dockerignored(f, patterns))).toEqual([]);
    expect(dockerignored('tests/package.json', patterns)).toBe(false);
  });

  it('drops the test-only package @frontload/testing before the runtime stage copies the workspace', () => {
    const dockerfile = readFileSync(join(root, 'infra/Dockerfile'), 'utf8');
    const build = dockerfile.slice(dockerfile.indexOf(' AS build'), dockerfile.indexOf(' AS runtime'));
    expect(build).toMatch(/rm -rf shared\/testing node_modules\/@frontload\/testing/);
  });
});
