import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { DEVELOPMENT_SEALING_KEY } from '@frontload/config';
import Type from 'typebox';
import { describe, expect, it } from 'vitest';
import { SecurityError } from './errors.js';
import { resealAll } from './key-rotation.js';
import { generateSealingKey, parseSealingKeys } from './sealing-keys.js';
import { createTokenVault } from './token-vault.js';

const keyA = `old1:${randomBytes(32).toString('base64')}`;
const keyB = `new2:${randomBytes(32).toString('base64')}`;
const alice = { userId: 'user-a', provider: 'google' };
const SECRET = 'ya29.super-secret-refresh-token-4d1b';

/** Runs `fn`, expects a SecurityError with `code`, and returns it for further checks. */
function expectCode(fn: () => unknown, code: string): SecurityError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(SecurityError);
    expect((error as SecurityError).code).toBe(code);
    return error as SecurityError;
  }
  throw new Error(`expected ${code}, nothing was thrown`);
}

/** Everything an error could leak through: message, stack, cause chain, inspection. */
function everythingIn(error: unknown): string {
  return inspect(error, { depth: 10, showHidden: true });
}

/** Flips one character of the part at `index` of a sealed value (v1.keyId.iv.data). */
function tamper(sealed: string, index: number): string {
  const parts = sealed.split('.');
  const part = parts[index] ?? '';
  const flipped = part[5] === 'A' ? 'B' : 'A';
  parts[index] = `${part.slice(0, 5)}${flipped}${part.slice(6)}`;
  return parts.join('.');
}

describe('parseSealingKeys', () => {
  it('accepts the development default and puts the primary first', () => {
    const keys = parseSealingKeys(`${keyB}, ${DEVELOPMENT_SEALING_KEY}`);
    expect(keys.map((k) => k.id)).toEqual(['new2', 'dev1']);
    expect(keys[0]?.key.symmetricKeySize).toBe(32);
  });

  it.each([
    ['', /at least one key/],
    [' , ', /at least one key/],
    ['nocolon', /entry 1 is not "keyId:base64key"/],
    [`bad.id:${randomBytes(32).toString('base64')}`, /entry 1 has an invalid key id/],
    ['k1:not base64!', /key "k1" is not standard base64/],
    [`k1:${randomBytes(16).toString('base64')}`, /decodes to 16 bytes; it must be exactly 32/],
    [`${keyA},${keyA}`, /key id "old1" appears more than once/],
  ])('refuses %j with a clear message', (value, message) => {
    const error = expectCode(() => parseSealingKeys(value), 'FL_SEALING_KEYS_INVALID');
    expect(error.message).toMatch(message);
  });

  it('never echoes key material, in errors or when keys are inspected', () => {
    const material = randomBytes(31).toString('base64');
    const error = expectCode(() => parseSealingKeys(`k1:${material}`), 'FL_SEALING_KEYS_INVALID');
    expect(everythingIn(error)).not.toContain(material);
    const keys = parseSealingKeys(keyA);
    expect(inspect(keys, { depth: 10 })).not.toContain(keyA.slice(5));
    expect(JSON.stringify(keys)).not.toContain(keyA.slice(5));
  });

  it('generates entries it accepts', () => {
    const [key] = parseSealingKeys(generateSealingKey('k2026_11'));
    expect(key?.id).toBe('k2026_11');
  });
});

describe('token vault', () => {
  const vault = createTokenVault(keyA);

  it('round-trips strings and objects in the versioned format', () => {
    const sealed = vault.seal(SECRET, alice);
    expect(sealed).toMatch(/^v1\.old1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+$/);
    expect(sealed).not.toContain(SECRET);
    expect(vault.unseal(sealed, alice)).toBe(SECRET);
    expect(vault.unsealString(sealed, alice)).toBe(SECRET);
    const tokens = { accessToken: 'at', refreshToken: SECRET, expiresAt: 1_790_000_000 };
    expect(vault.unseal(vault.seal(tokens, alice), alice)).toEqual(tokens);
  });

  it('uses a fresh IV every time', () => {
    expect(vault.seal(SECRET, alice)).not.toBe(vault.seal(SECRET, alice));
  });

  it('validates sealed JSON against a schema', () => {
    const schema = Type.Object({ refreshToken: Type.String() });
    const sealed = vault.seal({ refreshToken: SECRET }, alice);
    expect(vault.unsealJson(sealed, alice, schema).refreshToken).toBe(SECRET);
    const wrongShape = vault.seal({ refresh_token: SECRET }, alice);
    const error = expectCode(() => vault.unsealJson(wrongShape, alice, schema), 'FL_TOKEN_UNSEAL_FAILED');
    expect(everythingIn(error)).not.toContain(SECRET);
    expectCode(() => vault.unsealString(sealed, alice), 'FL_TOKEN_UNSEAL_FAILED');
    expectCode(() => vault.unsealJson(vault.seal(SECRET, alice), alice, schema), 'FL_TOKEN_UNSEAL_FAILED');
  });

  it('does not unseal for another user or another provider', () => {
    const sealed = vault.seal(SECRET, alice);
    for (const other of [
      { userId: 'user-b', provider: 'google' },
      { userId: 'user-a', provider: 'microsoft' },
      { userId: 'user-a', provider: 'Google' },
    ]) {
      const error = expectCode(() => vault.unseal(sealed, other), 'FL_TOKEN_UNSEAL_FAILED');
      expect(everythingIn(error)).not.toContain(SECRET);
    }
  });

  it('refuses tampered key id, IV, ciphertext and tag', () => {
    const sealed = vault.seal(SECRET, alice);
    const tag = sealed.slice(0, -3) + (sealed.endsWith('AAA') ? 'BBB' : 'AAA');
    for (const forged of [tamper(sealed, 2), tamper(sealed, 3), tag, sealed.slice(0, -4)]) {
      const error = expectCode(() => vault.unseal(forged, alice), 'FL_TOKEN_UNSEAL_FAILED');
      expect(error.message).toMatch(/authentication failed|truncated/);
      expect(everythingIn(error)).not.toContain(SECRET);
    }
    const otherKey = sealed.replace('v1.old1.', 'v1.zzz9.');
    expect(expectCode(() => vault.unseal(otherKey, alice), 'FL_TOKEN_UNSEAL_FAILED').message).toMatch(
      /key "zzz9", which is not configured/,
    );
  });

  it('refuses malformed values and unknown versions with clear messages', () => {
    expect(expectCode(() => vault.unseal('plain', alice), 'FL_TOKEN_UNSEAL_FAILED').message).toMatch(
      /not a sealed token/,
    );
    const v2 = vault.seal(SECRET, alice).replace(/^v1/, 'v2');
    expect(expectCode(() => vault.unseal(v2, alice), 'FL_TOKEN_UNSEAL_FAILED').message).toMatch(
      /version "v2" is not supported/,
    );
    expectCode(() => vault.keyIdOf('v1..x.y'), 'FL_TOKEN_UNSEAL_FAILED');
  });

  it('refuses empty contexts and values that are not JSON-serializable', () => {
    expectCode(() => vault.seal(SECRET, { userId: '', provider: 'google' }), 'FL_TOKEN_SEAL_FAILED');
    const circular: Record<string, unknown> = { refreshToken: SECRET };
    circular.self = circular;
    const error = expectCode(() => vault.seal(circular, alice), 'FL_TOKEN_SEAL_FAILED');
    expect(everythingIn(error)).not.toContain(SECRET);
  });
});

describe('key rotation', () => {
  const oldVault = createTokenVault(keyA);
  const rotated = createTokenVault(`${keyB},${keyA}`);
  const newOnly = createTokenVault(keyB);

  it('still unseals tokens sealed under the old key once a new primary is added', () => {
    const sealed = oldVault.seal(SECRET, alice);
    expect(rotated.primaryKeyId).toBe('new2');
    expect(rotated.keyIdOf(sealed)).toBe('old1');
    expect(rotated.needsReseal(sealed)).toBe(true);
    expect(rotated.unseal(sealed, alice)).toBe(SECRET);
    expect(rotated.needsReseal(rotated.seal(SECRET, alice))).toBe(false);
  });

  it('resealAll moves every row to the primary key and reports the rest', () => {
    const bob = { userId: 'user-b', provider: 'microsoft' };
    const rows = [
      { id: 1, sealed: oldVault.seal(SECRET, alice), context: alice },
      { id: 2, sealed: oldVault.seal({ refreshToken: SECRET }, bob), context: bob },
      { id: 3, sealed: rotated.seal('already-new', alice), context: alice },
      { id: 4, sealed: oldVault.seal(SECRET, alice), context: bob },
      { id: 5, sealed: 'garbage', context: alice },
    ];
    const result = resealAll(rows, rotated);
    expect(result.resealed.map((r) => [r.id, r.previousKeyId])).toEqual([
      [1, 'old1'],
      [2, 'old1'],
    ]);
    expect(result.unchanged).toEqual([3]);
    expect(result.failed.map((f) => [f.id, f.error.code])).toEqual([
      [4, 'FL_TOKEN_UNSEAL_FAILED'],
      [5, 'FL_TOKEN_UNSEAL_FAILED'],
    ]);
    const [first, second] = result.resealed;
    expect(first?.previous).toBe(rows[0]?.sealed);
    // The old key can now be removed: the resealed values open with the new key alone.
    expect(newOnly.unseal(first?.sealed ?? '', alice)).toBe(SECRET);
    expect(newOnly.unseal(second?.sealed ?? '', bob)).toEqual({ refreshToken: SECRET });
    expectCode(() => newOnly.unseal(rows[0]?.sealed ?? '', alice), 'FL_TOKEN_UNSEAL_FAILED');
    expect(everythingIn(result.failed)).not.toContain(SECRET);
  });
});
