/**
 * Outbound webhook signing per Standard Webhooks (https://www.standardwebhooks.com/), through the
 * `standardwebhooks` library so that any receiver using a Standard Webhooks verifier accepts us.
 * During a secret rotation an endpoint has two secrets; we sign with both and send both signatures
 * in one header, so the receiver verifies whichever secret it currently holds.
 */
import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { SecurityError } from './errors.js';

/** The three Standard Webhooks request headers. */
export interface WebhookHeaders {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
}

/** Input of {@link signWebhook}. */
export interface SignWebhookInput {
  /** `whsec_` secrets: one, or two while a rotation overlaps (newest first by convention). */
  secrets: readonly string[];
  /** Stable across retries of the same message, so receivers can deduplicate. */
  messageId: string;
  /** When this attempt is sent: the caller's clock, never read here. */
  timestamp: Date;
  /** The exact bytes that will be sent; re-serializing after signing breaks the signature. */
  body: string;
}

const SECRET_PREFIX = 'whsec_';
/** The spec asks for 24 to 64 random bytes. */
const MIN_SECRET_BYTES = 24;
const MAX_SECRET_BYTES = 64;
const base64Pattern = /^[A-Za-z0-9+/]+={0,2}$/;
/** Printable ASCII without spaces or commas: safe in a header and in the signed `id.timestamp.body` string. */
const messageIdPattern = /^[\x21-\x2b\x2d-\x7e]{1,256}$/;

/**
 * A new signing secret, `whsec_` plus base64 of `bytes` random bytes (default 32, allowed 24–32).
 * Shown to the user once; store it sealed.
 */
export function generateWebhookSecret(bytes = 32): string {
  if (!Number.isInteger(bytes) || bytes < MIN_SECRET_BYTES || bytes > 32) {
    throw new RangeError(`A webhook secret has 24 to 32 random bytes, not ${bytes}.`);
  }
  return `${SECRET_PREFIX}${randomBytes(bytes).toString('base64')}`;
}

/** Whether a string is a well-formed `whsec_` secret (24–64 bytes of standard base64). */
export function isWebhookSecret(secret: string): boolean {
  if (typeof secret !== 'string' || !secret.startsWith(SECRET_PREFIX)) return false;
  const material = secret.slice(SECRET_PREFIX.length);
  if (!base64Pattern.test(material) || material.length % 4 !== 0) return false;
  const length = Buffer.from(material, 'base64').length;
  return length >= MIN_SECRET_BYTES && length <= MAX_SECRET_BYTES;
}

function checkInput(input: SignWebhookInput): void {
  if (input.secrets.length === 0) {
    throw new SecurityError('FL_WEBHOOK_SECRET_INVALID', 'At least one webhook secret is required.');
  }
  input.secrets.forEach((secret, i) => {
    if (!isWebhookSecret(secret)) {
      // The position, not the value: the message may end up in a log.
      throw new SecurityError(
        'FL_WEBHOOK_SECRET_INVALID',
        `Webhook secret #${i + 1} is not a whsec_ secret of 24–64 base64 bytes.`,
      );
    }
  });
  if (!messageIdPattern.test(input.messageId)) {
    throw new SecurityError('FL_WEBHOOK_SIGN_FAILED', 'The message id must be 1–256 printable characters.');
  }
  if (!(input.timestamp instanceof Date) || Number.isNaN(input.timestamp.getTime())) {
    throw new SecurityError('FL_WEBHOOK_SIGN_FAILED', 'The timestamp must be a valid Date.');
  }
}

/**
 * Signs one delivery attempt. Returns the Standard Webhooks headers; `webhook-signature` holds one
 * `v1,<base64 HMAC-SHA256>` per distinct secret, separated by spaces, over `id.timestamp.body`.
 */
export function signWebhook(input: SignWebhookInput): WebhookHeaders {
  checkInput(input);
  const signatures = [...new Set(input.secrets)].map((secret) =>
    new Webhook(secret).sign(input.messageId, input.timestamp, input.body),
  );
  return {
    'webhook-id': input.messageId,
    'webhook-timestamp': String(Math.floor(input.timestamp.getTime() / 1000)),
    'webhook-signature': signatures.join(' '),
  };
}
