/**
 * SQL lives in @frontload/db: its repositories are the only production code that sends a statement.
 * Everything else (the API's routes and command line, the workers, the other shared packages) asks a
 * repository, so a table is read one way everywhere (the preferences read validates the same way for
 * the API, the planner, the apply guard and the notifier).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');

const SQL_VERB = String.raw`(?:select|insert|update|delete|with|create|alter|drop|lock|truncate|begin|commit)\b`;
/** A `.query(`/`.exec(` (with or without a row type) whose first argument is SQL text. */
const SQL_TEXT = new RegExp(String.raw`\.(?:query|exec)\s*(?:<[^>(]*>)?\(\s*['"\x60]\s*${SQL_VERB}`, 'i');
/** A database handle's `.query(`/`.exec(`, whatever its argument (a statement kept in a constant). */
const DB_CALL = /\b(?:db|tx|client|pool|database)\s*\.\s*(?:query|exec)\s*(?:<[^>(]*>)?\(/;

/** The lines of `text` that send SQL, as `line: code`. */
function sqlCalls(text: string): string[] {
  const hits: string[] = [];
  const lines = text.split('\n');
  lines.forEach((line, i) => {
    // The SQL text may start on the next line: `db.query<Row>(\n  'select …'`.
    const window = `${line}\n${lines[i + 1] ?? ''}`;
    if (DB_CALL.test(line) || (/\.(?:query|exec)\b/.test(line) && SQL_TEXT.test(window)))
      hits.push(`${i + 1}: ${line.trim()}`);
  });
  return hits;
}

/** Production source: every package's src/ file but tests and fixtures; @frontload/db itself excepted. */
function productionSources(): string[] {
  return execFileSync(
    'git',
    ['ls-files', '--cached', '--others', '--exclude-standard', 'shared', 'services', 'workers'],
    {
      cwd: root,
      encoding: 'utf8',
    },
  )
    .split('\n')
    .filter((f) => /^(shared|services|workers)\/[^/]+\/src\/.*\.ts$/.test(f))
    .filter((f) => !/\.test\.ts$/.test(f) && !f.includes('/__fixtures__/'))
    .filter((f) => !f.startsWith('shared/db/') && !f.startsWith('shared/testing/'));
}

describe('SQL outside @frontload/db', () => {
  it('is recognised in the shapes production code would write it', () => {
    expect(
      sqlCalls("const { rows } = await db.query<{ data: unknown }>('select data from x', [id]);"),
    ).toHaveLength(1);
    expect(sqlCalls('await tx.query(\n  `update users set mode = $2 where id = $1`,')).toHaveLength(1);
    expect(sqlCalls('const r = await options.db.query(STATEMENT, [id]);')).toHaveLength(1);
    expect(sqlCalls("await client.exec('select 1')")).toHaveLength(1);
    expect(sqlCalls('const m = /^Bearer\\s+(\\S+)$/i.exec(header);')).toEqual([]);
    expect(sqlCalls('client.calendar.freebusy.query({ requestBody })')).toEqual([]);
    expect(sqlCalls('await pipeline.exec();')).toEqual([]);
  });

  it('is never sent by production source: every statement is a repository method of shared/db', () => {
    const files = productionSources();
    expect(files.length).toBeGreaterThan(100);
    const found = files.flatMap((f) =>
      sqlCalls(readFileSync(join(root, f), 'utf8')).map((hit) => `${f}:${hit}`),
    );
    expect(found).toEqual([]);
  });
});
