/**
 * Fields every log line carries while a request or a job is handled, wherever it is logged from.
 * Code deep below a request handler or a job processor (repositories, provider adapters, the token
 * source) logs through the root logger it was built with; an AsyncLocalStorage carries the request
 * id or the job's id, queue and name to those lines, and the pino `mixin` in `loggerOptions` adds
 * them.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Logger } from 'pino';

/** The fields of a log context: `reqId` for a request; `jobId`, `queue`, `jobName` for a job. */
export type LogContextFields = Readonly<Record<string, string | number | undefined>>;

const storage = new AsyncLocalStorage<LogContextFields>();

/** Runs `fn` with `fields` added to the current context (nested contexts keep the outer fields). */
export function withLogContext<T>(fields: LogContextFields, fn: () => T): T {
  const outer = storage.getStore();
  return storage.run(outer ? { ...outer, ...fields } : fields, fn);
}

/** The fields of the context the caller runs in (empty outside any). */
export function currentLogContext(): LogContextFields {
  return storage.getStore() ?? {};
}

/**
 * The pino mixin: the context's fields, minus those the logger already binds (a request's child
 * logger binds `reqId`, a job's child logger binds `jobId`), so no key appears twice in a line.
 */
export function logContextMixin(_merge: object, _level: number, logger?: Logger): Record<string, unknown> {
  const fields = storage.getStore();
  if (!fields) return {};
  const bound = logger ? logger.bindings() : {};
  const added: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (value !== undefined && !(key in bound)) added[key] = value;
  }
  return added;
}
