/**
 * OAuth parameters as single strings. Query strings and forms may repeat a key (Fastify then gives an
 * array) or carry JSON values; the accounts host reads the first string of each and ignores the rest,
 * so malformed requests end as OAuth errors, never as crashes.
 */
export type Params = Record<string, string | undefined>;

export function singleValues(input: unknown): Params {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return {};
  const out: Params = {};
  for (const [key, value] of Object.entries(input)) {
    const first = Array.isArray(value) ? value[0] : value;
    if (typeof first === 'string') out[key] = first;
  }
  return out;
}
