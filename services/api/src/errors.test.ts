import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Errors } from './errors.js';

const api = resolve(import.meta.dirname, '..');

describe('the API error catalogue', () => {
  it('is the only place the API defines a coded error: no route keeps its own beside it', () => {
    const sources = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', 'src'], {
      cwd: api,
      encoding: 'utf8',
    })
      .split('\n')
      .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && f !== 'src/errors.ts');
    expect(sources.length).toBeGreaterThan(20);
    const elsewhere = sources.filter((f) =>
      /@fastify\/error|createError\(/.test(readFileSync(join(api, f), 'utf8')),
    );
    expect(elsewhere).toEqual([]);
  });

  it("holds the push receivers' refusals with their codes and statuses", () => {
    const unknown = new Errors.PushUnknownChannel();
    const forged = new Errors.PushForbidden();
    expect([unknown.code, unknown.statusCode, forged.code, forged.statusCode]).toEqual([
      'FL_PUSH_UNKNOWN_CHANNEL',
      401,
      'FL_PUSH_FORBIDDEN',
      403,
    ]);
  });
});
