/**
 * Client-chosen Google event ids make creates idempotent (PROVIDERS.md §4, G-EV): base32hex
 * characters `a-v0-9`, 5–1024 long. A clientId already in that form is used as is; any other string is
 * hashed (SHA-256, base32hex, 52 characters), so the same operation always yields the same id.
 */
import { createHash } from 'node:crypto';

const ALPHABET = '0123456789abcdefghijklmnopqrstuv';
const VALID_ID = /^[a-v0-9]{5,1024}$/;

function base32hex(bytes: Uint8Array): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
    }
    buffer &= (1 << bits) - 1;
  }
  if (bits > 0) out += ALPHABET[(buffer << (5 - bits)) & 31];
  return out;
}

/** The Google event id for a create whose clientId is `clientId`. */
export function googleEventId(clientId: string): string {
  if (VALID_ID.test(clientId)) return clientId;
  return base32hex(createHash('sha256').update(clientId, 'utf8').digest());
}
