/**
 * Request-body validation with Graph's OData reader errors: unknown property → "The property 'x' does not
 * exist on type 'microsoft.graph.event'…", wrong primitive → "Cannot convert the literal …", both 400
 * `RequestBodyRead`. OData annotations (`@odata.type`) are allowed anywhere and dropped before checking.
 */
import type { TSchema } from 'typebox';
import type { TLocalizedValidationError } from 'typebox/error';
import { Value } from 'typebox/value';
import { GraphError } from './errors.js';
import { EDM_TYPES } from './event-schema.js';

function stripAnnotations(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripAnnotations);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    if (!key.startsWith('@odata.')) out[key] = stripAnnotations(inner);
  }
  return out;
}

function valueAt(root: unknown, pointer: string): unknown {
  let current = root;
  for (const part of pointer.split('/').slice(1)) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

function readError(
  typeName: string,
  root: unknown,
  error: TLocalizedValidationError | undefined,
): GraphError {
  if (error === undefined) return new GraphError(400, 'RequestBodyRead', 'The request body is not valid.');
  const params = error.params as { additionalProperties?: string[]; type?: string };
  const extra = params.additionalProperties?.[0];
  if (extra !== undefined) {
    return new GraphError(
      400,
      'RequestBodyRead',
      `The property '${extra}' does not exist on type '${typeName}'. Make sure to only use property names ` +
        'that are defined by the type or mark the type as open type.',
    );
  }
  const actual = valueAt(root, error.instancePath);
  const property =
    error.instancePath
      .split('/')
      .filter((p) => !/^\d+$/.test(p))
      .pop() ?? '';
  if (actual !== null && typeof actual === 'object') {
    const node = Array.isArray(actual) ? 'StartArray' : 'StartObject';
    return new GraphError(
      400,
      'RequestBodyRead',
      `An unexpected '${node}' node was found for property named '${property}' when reading from the JSON ` +
        "reader. A 'PrimitiveValue' node was expected.",
    );
  }
  if (actual === undefined) {
    return new GraphError(
      400,
      'RequestBodyRead',
      `Property '${property}' is required on type '${typeName}'.`,
    );
  }
  const edm = EDM_TYPES[params.type ?? ''] ?? 'Edm.String';
  return new GraphError(
    400,
    'RequestBodyRead',
    `Cannot convert the literal '${String(actual)}' to the expected type '${edm}'.`,
  );
}

/** Validates `body` against `schema`; throws Graph's RequestBodyRead error otherwise. */
export function readBody<T>(schema: TSchema, body: unknown, typeName: string): T {
  if (body === undefined || body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new GraphError(400, 'BadRequest', 'Empty Payload. JSON content expected.');
  }
  const clean = stripAnnotations(body);
  if (Value.Check(schema, clean)) return clean as T;
  const errors = [...Value.Errors(schema, clean)];
  // Prefer the additionalProperties error: it names the offending key, as Graph's reader does.
  const unknown = errors.find(
    (e) => (e.params as { additionalProperties?: unknown }).additionalProperties !== undefined,
  );
  const typed = errors.find((e) => e.keyword !== 'boolean' && e.keyword !== 'anyOf');
  throw readError(typeName, clean, unknown ?? typed ?? errors[0]);
}

/** Case-insensitive enum check with Graph's message for an unknown member. */
export function enumValue<T extends string>(value: string, allowed: readonly T[]): T {
  const hit = allowed.find((a) => a.toLowerCase() === value.toLowerCase());
  if (hit === undefined)
    throw new GraphError(400, 'RequestBodyRead', `Requested value '${value}' was not found.`);
  return hit;
}
