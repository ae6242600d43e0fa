/**
 * Test support stays out of production: the layer rules refuse any production source (a src/ file that
 * is not a *.test.ts) importing the test-only package @frontload/testing or test code, the repository
 * keeps those rules, and the image build never copies test code.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
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

function tree(files: Record<string, string>) {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(scratch, path)), { recursive: true });
    writeFileSync(join(scratch, path), text);
  }
}

describe('layer rules for test support', () => {
  it('refuse production source importing @frontload/testing or test code, and allow tests to', async () => {
    const testing = "import '../../testing/src/index';\n";
    tree({
      'shared/testing/src/index.ts': 'export const fixture = 1;\n',
      // Production source, wherever it sits under src/, may not import the test-only package…
      'services/api/src/testing/test-app.ts': "import '../../../../shared/testing/src/index';\n",
      'shared/providers/src/__fixtures__/session.ts': "import '../../../testing/src/index';\n",
      // …nor a test/ folder, tests/, a fixture or a test file.
      'services/api/src/app.ts': "import '../test/harness';\nimport './app.test';\n",
      'shared/db/src/repos.ts': "import '../../../tests/helpers';\nimport './__fixtures__/rows';\n",
      'shared/db/src/__fixtures__/rows.ts': 'export const rows = [];\n',
      'tests/helpers.ts': 'export const helper = 1;\n',
      // Tests and test folders may.
      'services/api/test/harness.ts': "import '../../../shared/testing/src/index';\nimport '../src/app';\n",
      'services/api/src/app.test.ts':
        "import '../../../shared/testing/src/index';\nimport '../test/harness';\n",
      'shared/db/src/db.test.ts': testing.replace('../../', '../../../'),
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
