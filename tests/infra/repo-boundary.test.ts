import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { boundaryProblems, describeProblems } from './repo-boundary.js';

const root = resolve(import.meta.dirname, '../..');

// Written so that this file itself neither climbs out nor cites anything.
const up = (n: number) => Array.from({ length: n }, () => '..').join('/');
const cite = (doc: string, rest: string) => `${doc} ${rest}`;

/** A small git repository with the given files, every one tracked. */
function repository(files: Record<string, string>): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'repo-boundary-')), 'repo');
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  execFileSync('git', ['init', '-q'], { cwd: dir });
  execFileSync('git', ['add', '.'], { cwd: dir });
  return dir;
}

const docs = {
  'docs/PROVIDERS.md':
    '# P\n## 1. OAuth\n### 1.2 Sub\n## Sources\n| key | address |\n|---|---|\n| G-ONE | https://a |\n| NAMED | https://b |\n',
  'docs/STYLE.md': '# S\n## 2. Rules\n1. **One.**\n2. **Two.**\n',
  'docs/ARCHITECTURE.md': '# A\n## Flows\n1. **Connect** x\n## Contracts\n- **Echoes.** y\n',
};
const made: string[] = [];
afterAll(() => made.forEach((dir) => rmSync(dirname(dir), { recursive: true, force: true })));

describe('the repository stands alone', () => {
  it('has no tracked file that points outside it, and every citation of docs/ resolves', () => {
    expect(describeProblems(boundaryProblems(root), root)).toEqual([]);
  });

  it('reports each kind of reference that leaves the repository or cites what docs/ lacks', () => {
    const dir = repository({
      ...docs,
      'pkg/src/a.ts': [
        `import { b } from '${up(1)}/src/b.js';`, // inside: b.ts exists
        `const fixtures = '${up(3)}/beside/fixtures';`, // leaves from the file
        `// see ${up(1)}/beside/docs/X.md`, // prose read from the root
        `// ${cite('PROVIDERS.md', '§1, §1.2, G-ONE, NAMED')}`, // all resolve
        `// ${cite('PROVIDERS.md', '§4, §8.3, MISSING/NAMED')}`,
        `// a fact (${['G', 'TWO'].join('-')})`,
        `// ${cite('STYLE', 'rule 2')} and ${cite('STYLE', 'rule 9')}`,
        `// ${cite('ARCHITECTURE.md', '"Echoes"')}, ${cite('ARCHITECTURE.md', 'flow 1')}`,
        `// ${cite('ARCHITECTURE.md', '"Nowhere"')}, ${cite('ARCHITECTURE.md', 'flow 7')}`,
      ].join('\n'),
      'pkg/src/b.ts': 'export const b = 1;\n',
      'pkg/README.md': `[docs](${up(1)}/docs/PROVIDERS.md) and [out](${up(2)}/elsewhere/README.md)\n`,
      'pkg/src/abs.ts': '', // written below, once the repository's folder is known
    });
    made.push(dir);
    writeFileSync(join(dir, 'pkg/src/abs.ts'), `const abs = '${join(dirname(dir), 'beside', 'x')}';\n`);
    const problems = describeProblems(boundaryProblems(dir), dir);
    expect(problems.sort()).toEqual(
      [
        `pkg/README.md:1 path leaves the repository: ${up(2)}/elsewhere/README.md`,
        'pkg/src/abs.ts:1 absolute path beside the repository',
        `pkg/src/a.ts:2 path leaves the repository: ${up(3)}/beside/fixtures`,
        `pkg/src/a.ts:3 path leaves the repository: ${up(1)}/beside/docs/X.md`,
        'pkg/src/a.ts:5 docs/PROVIDERS.md has no section §4',
        'pkg/src/a.ts:5 docs/PROVIDERS.md has no section §8.3',
        'pkg/src/a.ts:5 source key MISSING is not in docs/PROVIDERS.md Sources',
        `pkg/src/a.ts:6 source key ${['G', 'TWO'].join('-')} is not in docs/PROVIDERS.md Sources`,
        'pkg/src/a.ts:7 docs/STYLE.md has no rule 9',
        'pkg/src/a.ts:9 docs/ARCHITECTURE.md has no "Nowhere"',
        'pkg/src/a.ts:9 docs/ARCHITECTURE.md has no flow 7',
      ].sort(),
    );
  });
});
