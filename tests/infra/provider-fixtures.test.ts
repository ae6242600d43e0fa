import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const folder = resolve(import.meta.dirname, '../fixtures/provider-docs');
const sources = readFileSync(resolve(folder, 'SOURCES.md'), 'utf8');

/** The `sha256sum` block at the end of SOURCES.md: file name → checksum. */
function listedChecksums(): Map<string, string> {
  const block = sources.split('## sha256')[1]?.split('```')[1] ?? '';
  const rows = [...block.matchAll(/^([0-9a-f]{64}) {2}(\S+)$/gm)];
  return new Map(rows.map((m) => [m[2]!, m[1]!]));
}

describe('provider documentation fixtures', () => {
  const files = readdirSync(folder).filter((name) => name !== 'SOURCES.md');

  it('are all described in SOURCES.md, each with its source row', () => {
    expect(files.length).toBeGreaterThan(0);
    expect(files.filter((name) => !sources.includes(`| ${name} |`))).toEqual([]);
  });

  it('match the sha256 list in SOURCES.md byte for byte, and the list names no other file', () => {
    const listed = listedChecksums();
    const actual = new Map(
      files.map((name) => [
        name,
        createHash('sha256')
          .update(readFileSync(resolve(folder, name)))
          .digest('hex'),
      ]),
    );
    expect(Object.fromEntries(actual)).toEqual(Object.fromEntries(listed));
  });
});
