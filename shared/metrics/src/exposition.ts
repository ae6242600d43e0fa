/**
 * Reading the Prometheus text format back: the value of one sample, for tests, benchmarks and
 * anything else that scrapes a Frontload process.
 */

/** Escapes a label value as the text format writes it. */
const escapeLabel = (value: string) =>
  value.replaceAll('\\', '\\\\').replaceAll('\n', '\\n').replaceAll('"', '\\"');

/**
 * The value of the sample `name` whose labels include every one of `labels` (other labels may be
 * present), or undefined when there is none. With several matches, their sum.
 */
export function sampleValue(
  exposition: string,
  name: string,
  labels: Readonly<Record<string, string>> = {},
): number | undefined {
  const wanted = Object.entries(labels).map(([key, value]) => `${key}="${escapeLabel(value)}"`);
  let total: number | undefined;
  for (const line of exposition.split('\n')) {
    if (line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)/.exec(line);
    if (!match || match[1] !== name) continue;
    const present = new Set(splitLabels(match[2] ?? ''));
    if (wanted.every((pair) => present.has(pair))) total = (total ?? 0) + Number(match[3]);
  }
  return total;
}

/** `a="1",b="x,y"` → [`a="1"`, `b="x,y"`] (commas inside quoted values stay). */
function splitLabels(text: string): string[] {
  return [...text.matchAll(/[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\]|\\.)*"/g)].map((m) => m[0]);
}
