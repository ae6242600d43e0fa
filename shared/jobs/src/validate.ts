/** Checks a payload against its catalogue schema and explains every bad field. */
import { Value } from 'typebox/value';
import { JOBS, type JobName, type JobPayload } from './catalogue.js';
import { JobPayloadError, type PayloadIssue } from './errors.js';

interface SchemaError {
  keyword: string;
  schemaPath: string;
  instancePath: string;
  params: Record<string, unknown>;
  message: string;
}

const fieldOf = (instancePath: string) =>
  instancePath === '' ? '(payload)' : instancePath.slice(1).replaceAll('/', '.');

/**
 * Turns TypeBox's errors into one issue per field. A union of literals reports one `const` error
 * per branch plus an `anyOf`; they are folded into "must be one of a, b, c".
 */
export function describeIssues(errors: readonly SchemaError[]): PayloadIssue[] {
  const issues = new Map<string, string>();
  const allowed = new Map<string, unknown[]>();
  for (const error of errors) {
    const field = fieldOf(error.instancePath);
    if (error.keyword === 'const' && error.schemaPath.includes('/anyOf/')) {
      allowed.set(field, [...(allowed.get(field) ?? []), error.params.allowedValue]);
    } else if (error.keyword === 'additionalProperties') {
      const extra = error.params.additionalProperties;
      for (const name of Array.isArray(extra) ? extra : []) issues.set(String(name), 'is not allowed');
    } else if (error.keyword === 'required') {
      const missing = error.params.requiredProperties;
      for (const name of Array.isArray(missing) ? missing : []) issues.set(String(name), 'is required');
    } else if (error.keyword !== 'boolean' && !issues.has(field)) {
      issues.set(field, error.message);
    }
  }
  for (const [field, values] of allowed) issues.set(field, `must be one of ${values.join(', ')}`);
  return [...issues].map(([field, message]) => ({ field, message }));
}

/** Returns the payload typed, or throws {@link JobPayloadError} naming each bad field. */
export function validatePayload<N extends JobName>(name: N, payload: unknown): JobPayload<N> {
  const definition = JOBS[name];
  if (definition === undefined)
    throw new JobPayloadError(String(name), [{ field: '(job)', message: 'is not in the catalogue' }]);
  const schema = definition.schema;
  if (Value.Check(schema, payload)) return payload as JobPayload<N>;
  throw new JobPayloadError(name, describeIssues([...Value.Errors(schema, payload)] as SchemaError[]));
}
