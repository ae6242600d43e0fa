/**
 * The token vault: OAuth tokens sealed at rest with AES-256-GCM (ARCHITECTURE.md "Secrets").
 *
 * Format: `v1.<keyId>.<iv>.<ciphertext+tag>` (base64url parts, 12-byte IV, 16-byte tag). The key id
 * says which key unseals; the version lets the format change without guessing. The additional
 * authenticated data binds the version, the key id, the user id and the provider, so a sealed value
 * copied into another user's row (or another provider's column) fails authentication instead of
 * handing one user's token to another. The first byte of the plaintext says whether a string or
 * JSON was sealed, and is authenticated with the rest.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Static, TSchema } from 'typebox';
import { Value } from 'typebox/value';
import { SecurityError } from './errors.js';
import { type SealingKey, parseSealingKeys } from './sealing-keys.js';

/** Who a token belongs to; bound into every sealed value as additional authenticated data. */
export interface TokenContext {
  readonly userId: string;
  readonly provider: string;
}

/** Seals and unseals tokens with the configured keys. Create one per process with {@link createTokenVault}. */
export interface TokenVault {
  /** Id of the key that seals (the first configured one). */
  readonly primaryKeyId: string;
  /** Seals a string or a JSON-serializable object for one user and provider. */
  seal(value: string | object, context: TokenContext): string;
  /** Unseals to exactly what was sealed: a string, or the parsed JSON object. */
  unseal(sealed: string, context: TokenContext): string | object;
  /** Unseals a value that was sealed as a string; refuses a sealed object. */
  unsealString(sealed: string, context: TokenContext): string;
  /** Unseals a value that was sealed as JSON and checks it against a TypeBox schema (stored JSON is a trust boundary). */
  unsealJson<S extends TSchema>(sealed: string, context: TokenContext, schema: S): Static<S>;
  /** Unseals and seals again under the primary key (same context, same kind of value). */
  reseal(sealed: string, context: TokenContext): string;
  /** True when the value was sealed under a key other than the primary one. Throws if malformed. */
  needsReseal(sealed: string): boolean;
  /** The key id written in a sealed value. Throws `FL_TOKEN_UNSEAL_FAILED` if it is not a sealed value. */
  keyIdOf(sealed: string): string;
}

const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KIND_STRING = 0x73; // 's'
const KIND_JSON = 0x6a; // 'j'
const sealedPattern = /^v1\.([A-Za-z0-9_-]{1,32})\.([A-Za-z0-9_-]{16})\.([A-Za-z0-9_-]{23,})$/;

function unsealFailed(message: string, cause?: unknown): SecurityError {
  return new SecurityError(
    'FL_TOKEN_UNSEAL_FAILED',
    `Token could not be unsealed: ${message}`,
    cause === undefined ? undefined : { cause },
  );
}

function checkContext(context: TokenContext, code: 'FL_TOKEN_SEAL_FAILED' | 'FL_TOKEN_UNSEAL_FAILED'): void {
  if (!context || typeof context.userId !== 'string' || context.userId === '') {
    throw new SecurityError(code, 'A token context needs a non-empty userId.');
  }
  if (typeof context.provider !== 'string' || context.provider === '') {
    throw new SecurityError(code, 'A token context needs a non-empty provider.');
  }
}

/** Length-unambiguous encoding of everything the ciphertext is bound to. */
function additionalData(keyId: string, context: TokenContext): Buffer {
  return Buffer.from(JSON.stringify(['frontload-token', VERSION, keyId, context.userId, context.provider]));
}

function encode(value: string | object): Buffer {
  if (typeof value === 'string') return Buffer.concat([Buffer.of(KIND_STRING), Buffer.from(value, 'utf8')]);
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch (error) {
    // JSON.stringify's messages name properties (circular structures) or types (BigInt), never values.
    throw new SecurityError('FL_TOKEN_SEAL_FAILED', 'The value to seal is not JSON-serializable.', {
      cause: error,
    });
  }
  if (typeof json !== 'string' || (!json.startsWith('{') && !json.startsWith('['))) {
    throw new SecurityError('FL_TOKEN_SEAL_FAILED', 'Only strings, objects and arrays can be sealed.');
  }
  return Buffer.concat([Buffer.of(KIND_JSON), Buffer.from(json, 'utf8')]);
}

function decode(payload: Buffer): string | object {
  const kind = payload[0];
  const text = payload.subarray(1).toString('utf8');
  if (kind === KIND_STRING) return text;
  if (kind !== KIND_JSON) throw unsealFailed('unknown payload kind.');
  try {
    return JSON.parse(text) as object;
  } catch {
    // Deliberately no `cause`: JSON.parse's message quotes the input, which is the plaintext token.
    throw unsealFailed('the sealed JSON is corrupt.');
  }
}

function encrypt(key: SealingKey, payload: Buffer, context: TokenContext): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key.key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(additionalData(key.id, context));
  const data = Buffer.concat([cipher.update(payload), cipher.final(), cipher.getAuthTag()]);
  payload.fill(0);
  return `${VERSION}.${key.id}.${iv.toString('base64url')}.${data.toString('base64url')}`;
}

function parseSealed(sealed: string): { keyId: string; iv: Buffer; data: Buffer } {
  if (typeof sealed !== 'string') throw unsealFailed('expected a string.');
  const match = sealedPattern.exec(sealed);
  if (!match) {
    const version = sealed.split('.', 1)[0];
    throw version !== VERSION && /^v\d+$/.test(version ?? '')
      ? unsealFailed(`format version "${version}" is not supported.`)
      : unsealFailed(`not a sealed token (expected ${VERSION}.<keyId>.<iv>.<data>).`);
  }
  const [, keyId = '', iv = '', data = ''] = match;
  return { keyId, iv: Buffer.from(iv, 'base64url'), data: Buffer.from(data, 'base64url') };
}

function decrypt(keys: ReadonlyMap<string, SealingKey>, sealed: string, context: TokenContext): Buffer {
  const { keyId, iv, data } = parseSealed(sealed);
  const key = keys.get(keyId);
  if (!key) throw unsealFailed(`it was sealed under key "${keyId}", which is not configured.`);
  if (iv.length !== IV_BYTES || data.length <= TAG_BYTES)
    throw unsealFailed('the sealed value is truncated.');
  try {
    const decipher = createDecipheriv('aes-256-gcm', key.key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(additionalData(keyId, context));
    decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
    return Buffer.concat([decipher.update(data.subarray(0, data.length - TAG_BYTES)), decipher.final()]);
  } catch (error) {
    // Node's message here is "Unsupported state or unable to authenticate data": safe to keep as cause.
    throw unsealFailed(
      'authentication failed (tampered, or sealed for another user, provider or key).',
      error,
    );
  }
}

/**
 * Builds a vault from parsed keys (see {@link parseSealingKeys}) or directly from a
 * `TOKEN_SEALING_KEYS` string. The first key seals; every key unseals.
 */
export function createTokenVault(keys: string | readonly SealingKey[]): TokenVault {
  const list = typeof keys === 'string' ? parseSealingKeys(keys) : keys;
  const primary = list[0];
  if (!primary) throw new SecurityError('FL_SEALING_KEYS_INVALID', 'A token vault needs at least one key.');
  const byId = new Map(list.map((k) => [k.id, k] as const));
  if (byId.size !== list.length) {
    throw new SecurityError('FL_SEALING_KEYS_INVALID', 'Sealing key ids must be unique.');
  }
  const open = (sealed: string, context: TokenContext): string | object => {
    checkContext(context, 'FL_TOKEN_UNSEAL_FAILED');
    const payload = decrypt(byId, sealed, context);
    try {
      return decode(payload);
    } finally {
      payload.fill(0);
    }
  };
  const keyIdOf = (sealed: string): string => parseSealed(sealed).keyId;
  return {
    primaryKeyId: primary.id,
    seal(value, context) {
      checkContext(context, 'FL_TOKEN_SEAL_FAILED');
      return encrypt(primary, encode(value), context);
    },
    unseal: open,
    unsealString(sealed, context) {
      const value = open(sealed, context);
      if (typeof value !== 'string') throw unsealFailed('expected a sealed string, found sealed JSON.');
      return value;
    },
    unsealJson(sealed, context, schema) {
      const value = open(sealed, context);
      if (typeof value === 'string') throw unsealFailed('expected sealed JSON, found a sealed string.');
      // Only the fact of a mismatch is reported: the validator's errors would quote token fields.
      if (!Value.Check(schema, value))
        throw unsealFailed('the sealed JSON does not match the expected shape.');
      return value;
    },
    reseal(sealed, context) {
      checkContext(context, 'FL_TOKEN_UNSEAL_FAILED');
      return encrypt(primary, decrypt(byId, sealed, context), context);
    },
    needsReseal: (sealed) => keyIdOf(sealed) !== primary.id,
    keyIdOf,
  };
}
