/**
 * Test support: the providers' documentation samples in tests/fixtures/provider-docs (provenance in its
 * SOURCES.md), and payloads recorded from the provider sandbox next to each adapter
 * (`google/__fixtures__`, `microsoft/__fixtures__`) for cases the documentation samples lack.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/** tests/fixtures/provider-docs at the repository root, four levels above this folder. */
export const SHARED_FIXTURES = resolve(import.meta.dirname, '../../../../tests/fixtures/provider-docs');

/** A JSON fixture from the shared folder. */
export function sharedJson(name: string): unknown {
  return JSON.parse(readFileSync(resolve(SHARED_FIXTURES, name), 'utf8')) as unknown;
}

/**
 * A Google documentation sample kept verbatim as text (SOURCES.md: "NOT valid JSON as published"):
 * drops the `#` comment lines, the request line and `...` placeholders, then trailing commas.
 */
export function googleDocJson(name: string): unknown {
  const text = readFileSync(resolve(SHARED_FIXTURES, name), 'utf8')
    .split('\n')
    .filter((line) => {
      const t = line.trim();
      return !t.startsWith('#') && t !== '...' && !/^(GET|POST|PUT|PATCH|DELETE) \//.test(t);
    })
    .join('\n')
    .replace(/,(\s*[}\]])/g, '$1');
  return JSON.parse(text) as unknown;
}

/** A payload recorded from the sandbox, next to an adapter (`google` or `microsoft`). */
export function recordedJson(provider: 'google' | 'microsoft', name: string): unknown {
  return JSON.parse(
    readFileSync(resolve(import.meta.dirname, '..', provider, '__fixtures__', name), 'utf8'),
  ) as unknown;
}
