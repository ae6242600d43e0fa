/**
 * Parses `TOKEN_SEALING_KEYS` (`keyId:base64(32 bytes)`, comma-separated, first one seals). Keys are
 * held as `KeyObject`s so that logging or inspecting a key never prints its bytes, and error messages
 * name a key by its id or position, never by its material.
 */
import { type KeyObject, createSecretKey, randomBytes } from 'node:crypto';
import { SecurityError } from './errors.js';

/** One AES-256 key and the id written into every token it seals. */
export interface SealingKey {
  readonly id: string;
  readonly key: KeyObject;
}

/** AES-256 needs exactly 32 bytes of key. */
export const SEALING_KEY_BYTES = 32;

/**
 * Key ids appear inside sealed tokens between dots, so they may not contain one; short ids keep the
 * column small, and a fixed alphabet keeps them safe in logs and URLs.
 */
const keyIdPattern = /^[A-Za-z0-9_-]{1,32}$/;
const base64Pattern = /^[A-Za-z0-9+/]+={0,2}$/;

function invalid(message: string): SecurityError {
  return new SecurityError('FL_SEALING_KEYS_INVALID', `TOKEN_SEALING_KEYS: ${message}`);
}

function parseOne(entry: string, position: number): SealingKey {
  const colon = entry.indexOf(':');
  if (colon < 0) throw invalid(`entry ${position} is not "keyId:base64key".`);
  const id = entry.slice(0, colon).trim();
  const material = entry.slice(colon + 1).trim();
  if (!keyIdPattern.test(id)) {
    throw invalid(`entry ${position} has an invalid key id (1–32 of A–Z a–z 0–9 _ -).`);
  }
  if (!base64Pattern.test(material) || material.length % 4 !== 0) {
    throw invalid(`key "${id}" is not standard base64.`);
  }
  const bytes = Buffer.from(material, 'base64');
  if (bytes.length !== SEALING_KEY_BYTES) {
    throw invalid(`key "${id}" decodes to ${bytes.length} bytes; it must be exactly ${SEALING_KEY_BYTES}.`);
  }
  const key = createSecretKey(bytes);
  bytes.fill(0);
  return { id, key };
}

/**
 * Parses and validates a `TOKEN_SEALING_KEYS` value: at least one entry, each `keyId:base64` of
 * exactly 32 bytes, ids unique. The first key is the primary (it seals); all keys unseal.
 * Throws `FL_SEALING_KEYS_INVALID` with a message that names the faulty entry but not its key.
 */
export function parseSealingKeys(value: string): SealingKey[] {
  const entries = value
    .split(',')
    .map((e) => e.trim())
    .filter((e) => e !== '');
  if (entries.length === 0) throw invalid('at least one key is required.');
  const keys = entries.map((entry, i) => parseOne(entry, i + 1));
  const seen = new Set<string>();
  for (const { id } of keys) {
    if (seen.has(id)) throw invalid(`key id "${id}" appears more than once.`);
    seen.add(id);
  }
  return keys;
}

/** A fresh random key entry (`keyId:base64`) for operators rotating keys; put it first in the list. */
export function generateSealingKey(id: string): string {
  if (!keyIdPattern.test(id)) throw invalid('the new key id must be 1–32 of A–Z a–z 0–9 _ -.');
  return `${id}:${randomBytes(SEALING_KEY_BYTES).toString('base64')}`;
}
