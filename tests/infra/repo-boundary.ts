/**
 * The repository stands alone: no tracked file may point at a path outside it, and every citation of
 * the project's docs (docs/PROVIDERS.md sections and source keys, docs/STYLE.md rules and sections,
 * docs/ARCHITECTURE.md sections and flows) must resolve inside docs/.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

/** One problem: the file (relative to the root), its line, and what is wrong. */
export interface BoundaryProblem {
  file: string;
  line: number;
  problem: string;
}

/** Tracked files that are not ours to word (third-party samples) or are not text. */
const SKIPPED = [
  /^tests\/fixtures\/provider-docs\//,
  /(^|\/)package-lock\.json$/,
  /\.(png|jpe?g|gif|ico|woff2?)$/,
];
/** This checker and its test quote citations on purpose. */
const SELF = /^tests\/infra\/repo-boundary(\.test)?\.ts$/;

/** A run of `../` steps, with what follows it (a relative path that climbs). */
const CLIMBING_PATH = /(?<![\w./-])((?:\.\.\/)+(?:\.\.(?![\w.-]))?[\w@$.-]*(?:\/[\w@$.*-]+)*\/?)/g;
/** `PROVIDERS.md §3`, `PROVIDERS.md §3, §8.4`, `PROVIDERS §5`. */
const PROVIDERS_CITATION = /PROVIDERS(?:\.md)?((?:[ ,]*(?:and )?§ ?\d+(?:\.\d+)?)+)/g;
/** The rest of the parenthesis (or line) a PROVIDERS citation sits in: it may name source keys. */
const CITATION_TAIL = /^[^)\]\n]*/;
/** A list item of the citation that is only upper-case keys, `MORGAN/NANGO` in `§1, MORGAN/NANGO)`. */
const UNPREFIXED_KEYS =
  /[,;] ?([A-Z][A-Z0-9]{3,}(?:-[A-Z0-9]+)*(?:\/[A-Z][A-Z0-9]{3,}(?:-[A-Z0-9]+)*)*)(?=[,;]|$)/g;
/** A documentation source key: G-, M- or I- followed by upper-case words (G-PUSH, I-GRAPH-2285). */
const PREFIXED_KEY = /\b[GMI]-[A-Z0-9]+(?:-[A-Z0-9]+)*\b/g;
/** `STYLE rule 9`, `STYLE.md §2 rule 7`, `STYLE rules 3 and 4`. */
const STYLE_RULE = /STYLE(?:\.md)?(?: §2)? rules? (\d+)(?:(?:, | and )(\d+))*/g;
/** `STYLE §1.3`, `STYLE.md §3` (not followed by "rule"). */
const STYLE_SECTION = /STYLE(?:\.md)? §(\d+(?:\.\d+)?)(?! rule)/g;
/** `ARCHITECTURE.md "Echoes"`, `ARCHITECTURE "Contracts": Time`. */
const ARCHITECTURE_NAME = /ARCHITECTURE(?:\.md)? "([^"]+)"/g;
/** `ARCHITECTURE.md flow 8`. */
const ARCHITECTURE_FLOW = /ARCHITECTURE(?:\.md)? flow (\d+)/g;

const lineOf = (text: string, index: number) => text.slice(0, index).split('\n').length;

/** What docs/ offers to be cited: sections, source keys, rules, flows, names. */
interface Citable {
  providerSections: Set<string>;
  providerKeys: Set<string>;
  styleRules: Set<string>;
  styleSections: Set<string>;
  architectureText: string;
  architectureFlows: Set<string>;
}

function readDoc(root: string, name: string): string {
  const path = join(root, 'docs', name);
  return existsSync(path) ? readFileSync(path, 'utf8') : '';
}

function citable(root: string): Citable {
  const providers = readDoc(root, 'PROVIDERS.md');
  const style = readDoc(root, 'STYLE.md');
  const architecture = readDoc(root, 'ARCHITECTURE.md');
  const sources = providers.split(/^## Sources$/m)[1] ?? '';
  const flows = architecture.split(/^## Flows$/m)[1]?.split(/^## /m)[0] ?? '';
  return {
    providerSections: new Set([...providers.matchAll(/^#{2,3} (\d+(?:\.\d+)?)\.? /gm)].map((m) => m[1]!)),
    providerKeys: new Set([...sources.matchAll(/^\| ([A-Z][A-Z0-9-]+) \|/gm)].map((m) => m[1]!)),
    styleRules: new Set([...style.matchAll(/^(\d+)\. /gm)].map((m) => m[1]!)),
    styleSections: new Set([...style.matchAll(/^#{2,3} (\d+(?:\.\d+)?)\.? /gm)].map((m) => m[1]!)),
    architectureText: architecture,
    architectureFlows: new Set([...flows.matchAll(/^(\d+)\. /gm)].map((m) => m[1]!)),
  };
}

/** Whether a path exists, reading an import's `.js` as the `.ts` source it compiles from. */
const exists = (path: string) =>
  existsSync(path) || (/\.[cm]?js$/.test(path) && existsSync(path.replace(/js$/, 'ts')));

/**
 * Relative paths in `text` that leave `root`: read from the file's folder (code, links), or, when
 * nothing exists there, read from the root (prose in a comment naming a folder beside the repository).
 */
function climbingPaths(root: string, file: string, text: string): BoundaryProblem[] {
  const from = dirname(join(root, file));
  const leaves = (target: string) => target !== root && !target.startsWith(root + sep);
  const problems: BoundaryProblem[] = [];
  for (const m of text.matchAll(CLIMBING_PATH)) {
    const path = m[1]!.replace(/\.+$/, '');
    const fromFile = resolve(from, path);
    if (leaves(fromFile) || (!exists(fromFile) && leaves(resolve(root, path))))
      problems.push({ file, line: lineOf(text, m.index), problem: `path leaves the repository: ${path}` });
  }
  return problems;
}

/** Absolute paths into the folder that holds the repository (its siblings). */
function siblingPaths(root: string, file: string, text: string): BoundaryProblem[] {
  const parent = dirname(root);
  // A repository cloned straight into a shared folder has no private parent to guard.
  if (['/', '/tmp', '/home', '/root', '/var/tmp'].includes(parent)) return [];
  const problems: BoundaryProblem[] = [];
  let index = text.indexOf(parent + '/');
  while (index !== -1) {
    const inside = text.startsWith(root, index) && !/[\w.-]/.test(text[index + root.length] ?? '');
    if (!inside)
      problems.push({ file, line: lineOf(text, index), problem: `absolute path beside the repository` });
    index = text.indexOf(parent + '/', index + 1);
  }
  return problems;
}

function providerCitations(docs: Citable, file: string, text: string): BoundaryProblem[] {
  const problems: BoundaryProblem[] = [];
  for (const m of text.matchAll(PROVIDERS_CITATION)) {
    const line = lineOf(text, m.index);
    for (const [, section] of m[1]!.matchAll(/§ ?(\d+(?:\.\d+)?)/g))
      if (!docs.providerSections.has(section!))
        problems.push({ file, line, problem: `docs/PROVIDERS.md has no section §${section}` });
    // Keys named in the same parenthesis without a prefix (`MORGAN/NANGO`).
    const tail = CITATION_TAIL.exec(text.slice(m.index + m[0].length))?.[0] ?? '';
    for (const [, item] of tail.matchAll(UNPREFIXED_KEYS))
      for (const key of item!.split('/'))
        if (!docs.providerKeys.has(key) && !/^[GMI]-/.test(key))
          problems.push({ file, line, problem: `source key ${key} is not in docs/PROVIDERS.md Sources` });
  }
  for (const m of text.matchAll(PREFIXED_KEY))
    if (!docs.providerKeys.has(m[0]))
      problems.push({
        file,
        line: lineOf(text, m.index),
        problem: `source key ${m[0]} is not in docs/PROVIDERS.md Sources`,
      });
  return problems;
}

function styleAndArchitectureCitations(docs: Citable, file: string, text: string): BoundaryProblem[] {
  const problems: BoundaryProblem[] = [];
  const at = (index: number, problem: string) => problems.push({ file, line: lineOf(text, index), problem });
  for (const m of text.matchAll(STYLE_RULE))
    for (const rule of m.slice(1).filter(Boolean))
      if (!docs.styleRules.has(rule!)) at(m.index, `docs/STYLE.md has no rule ${rule}`);
  for (const m of text.matchAll(STYLE_SECTION))
    if (!docs.styleSections.has(m[1]!)) at(m.index, `docs/STYLE.md has no section §${m[1]}`);
  for (const m of text.matchAll(ARCHITECTURE_NAME))
    if (!docs.architectureText.includes(m[1]!)) at(m.index, `docs/ARCHITECTURE.md has no "${m[1]}"`);
  for (const m of text.matchAll(ARCHITECTURE_FLOW))
    if (!docs.architectureFlows.has(m[1]!)) at(m.index, `docs/ARCHITECTURE.md has no flow ${m[1]}`);
  return problems;
}

/** Every tracked text file of the repository at `root`, with its text. */
function trackedTexts(root: string): { file: string; text: string }[] {
  const files = execFileSync('git', ['ls-files', '-z'], { cwd: root, encoding: 'utf8' })
    .split('\0')
    .filter((f) => f && !SKIPPED.some((re) => re.test(f)));
  return files.flatMap((file) => {
    const path = join(root, file);
    if (!existsSync(path) || !statSync(path).isFile()) return [];
    const buffer = readFileSync(path);
    return buffer.includes(0) ? [] : [{ file, text: buffer.toString('utf8') }];
  });
}

/** Every problem in the repository at `root` (a git work tree). */
export function boundaryProblems(root: string): BoundaryProblem[] {
  const base = resolve(root);
  const docs = citable(base);
  return trackedTexts(base).flatMap(({ file, text }) => [
    ...climbingPaths(base, file, text),
    ...siblingPaths(base, file, text),
    ...(SELF.test(file) ? [] : providerCitations(docs, file, text)),
    ...(SELF.test(file) ? [] : styleAndArchitectureCitations(docs, file, text)),
  ]);
}

/** `file:line problem`, one per line, for a readable failure. */
export function describeProblems(problems: readonly BoundaryProblem[], root: string): string[] {
  return problems.map((p) => `${relative(root, join(root, p.file))}:${p.line} ${p.problem}`);
}
