// Deterministic ids from content. The ledger uses operation keys as idempotency keys, and created
// events get client-chosen ids, so the same intended change always gets the same name.

const SEEDS = [0x9e3779b1, 0x85ebca77, 0xc2b2ae3d, 0x27d4eb2f] as const;

// FNV-1a over UTF-16 code units with a per-lane seed, finished with the murmur3 avalanche.
function finish(hash: number): string {
  let h = hash;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0).toString(16).padStart(8, '0');
}

/** A 128-bit hex digest of the parts (not cryptographic: names, not secrets). */
export function contentHash(parts: readonly (string | number)[]): string {
  const text = parts.join('\u001f');
  // The four lanes in one pass over the text (they are independent: same digest as four passes).
  let [a, b, c, d] = SEEDS.map((seed) => (0x811c9dc5 ^ seed) >>> 0) as [number, number, number, number];
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    a = Math.imul(a ^ code, 0x01000193);
    b = Math.imul(b ^ code, 0x01000193);
    c = Math.imul(c ^ code, 0x01000193);
    d = Math.imul(d ^ code, 0x01000193);
  }
  return finish(a) + finish(b) + finish(c) + finish(d);
}

/** The idempotency key of an operation: its kind plus a digest of its target and desired state. */
export function operationKey(kind: string, parts: readonly (string | number)[]): string {
  return `${kind}:${contentHash([kind, ...parts])}`;
}

/**
 * The id of a focus block we create: lowercase hex after "fl", which is valid base32hex for a Google
 * client-chosen id (5–1024 characters of a–v, 0–9) and a fine Graph transactionId.
 */
export function focusBlockId(idSeed: string, start: string, end: string): string {
  return `fl${contentHash(['focusBlock', idSeed, start, end])}`;
}
