import Type, { type Static, type TObject, type TSchema } from 'typebox';
import { Value } from 'typebox/value';
import {
  DEVELOPMENT_SEALING_KEY,
  PRODUCTION_SECRETS,
  apiVariables,
  cliVariables,
  commonVariables,
  sandboxVariables,
  workerVariables,
} from './variables.js';

const schemas = {
  api: Type.Object({ ...commonVariables, ...apiVariables }),
  worker: Type.Object({ ...commonVariables, ...workerVariables }),
  sandbox: Type.Object(sandboxVariables),
  cli: Type.Object(cliVariables),
} satisfies Record<string, TObject>;

export type ProcessKind = keyof typeof schemas;
export type EnvFor<K extends ProcessKind> = Readonly<Static<(typeof schemas)[K]>>;
export type ApiEnv = EnvFor<'api'>;
export type WorkerEnv = EnvFor<'worker'>;
export type SandboxEnv = EnvFor<'sandbox'>;
export type CliEnv = EnvFor<'cli'>;

export interface ConfigProblem {
  variable: string;
  /** What the variable must be (from its schema). */
  expected: string;
  /** The value that was given, when one was (secrets are never echoed). */
  received?: string;
}

/** Thrown when one or more variables are missing or malformed; lists every one of them. */
export class ConfigError extends Error {
  readonly code = 'FL_CONFIG_INVALID';
  constructor(
    readonly kind: ProcessKind,
    readonly problems: ConfigProblem[],
  ) {
    super(
      `Invalid configuration for the ${kind} process:\n` +
        problems
          .map(
            (p) =>
              `  - ${p.variable}: expected ${p.expected}${p.received === undefined ? '' : `, got "${p.received}"`}`,
          )
          .join('\n'),
    );
    this.name = 'ConfigError';
  }
}

const secretLike = /SECRET|KEY|PASSWORD|TOKEN/;

function describeExpected(schema: TSchema): string {
  const s = schema as Record<string, unknown>;
  const parts: string[] = [];
  if (Array.isArray(s.anyOf))
    parts.push(`one of ${(s.anyOf as { const: unknown }[]).map((x) => x.const).join(', ')}`);
  else if (typeof s.type === 'string') parts.push(s.type === 'integer' ? 'an integer' : `a ${s.type}`);
  if (typeof s.minimum === 'number' && typeof s.maximum === 'number')
    parts.push(`from ${s.minimum} to ${s.maximum}`);
  else if (typeof s.minimum === 'number') parts.push(`at least ${s.minimum}`);
  if (typeof s.minLength === 'number' && s.minLength > 1) parts.push(`of at least ${s.minLength} characters`);
  if (typeof s.pattern === 'string') parts.push(`matching ${s.pattern}`);
  if (typeof s.description === 'string') parts.push(`(${s.description})`);
  return parts.join(' ');
}

/** Whether a URL is local development: http on localhost, 127.0.0.1 or [::1]. */
export function isLocalHttpUrl(value: string): boolean {
  if (!URL.canParse(value)) return false;
  const url = new URL(value);
  return url.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
}

const sealingKeyMaterial = (entry: string) => entry.slice(entry.indexOf(':') + 1).trim();

/** Whether a secret is unset or still holds its development value (any key of the dev sealing key). */
function isDevelopmentSecret(variable: string, value: unknown, fallback: unknown): boolean {
  if (value === undefined || value === fallback) return true;
  if (variable === 'TOKEN_SEALING_KEYS' && typeof value === 'string') {
    const devKey = sealingKeyMaterial(DEVELOPMENT_SEALING_KEY);
    return value.split(',').some((entry) => sealingKeyMaterial(entry) === devKey);
  }
  return false;
}

/**
 * Outside local development (PUBLIC_URL not local http), every production secret this process kind
 * reads must be set to a value of its own. Names each offending variable, never its value.
 */
function productionSecretProblems(schema: TObject, value: Record<string, unknown>): ConfigProblem[] {
  const publicUrl = value.PUBLIC_URL;
  if (typeof publicUrl !== 'string' || isLocalHttpUrl(publicUrl)) return [];
  return PRODUCTION_SECRETS.filter((variable) => variable in schema.properties)
    .filter((variable) =>
      isDevelopmentSecret(
        variable,
        value[variable],
        (schema.properties[variable] as { default?: unknown }).default,
      ),
    )
    .map((variable) => ({
      variable,
      expected:
        `a secret of your own: PUBLIC_URL is not a local http URL, so this variable may be neither unset ` +
        `nor its development default`,
    }));
}

/**
 * Parses the variables one process kind reads from `env`, applying embedded defaults.
 * Unknown variables are ignored; every invalid one is reported at once in a {@link ConfigError}.
 * A well-formed PUBLIC_URL that is not local http also requires each
 * production secret (PRODUCTION_SECRETS) to be set to something other than its development default.
 */
export function loadConfig<K extends ProcessKind>(
  kind: K,
  env: Record<string, string | undefined>,
): EnvFor<K> {
  const schema: TObject = schemas[kind];
  const picked: Record<string, unknown> = {};
  for (const name of Object.keys(schema.properties)) {
    const raw = env[name];
    if (raw !== undefined && raw !== '') picked[name] = raw;
  }
  const value = Value.Convert(schema, Value.Default(schema, picked)) as Record<string, unknown>;
  // Each variable is checked on its own so that one bad value never hides another.
  const problems: ConfigProblem[] = [];
  for (const [variable, prop] of Object.entries(schema.properties)) {
    const required = schema.required?.includes(variable) ?? false;
    const missing = value[variable] === undefined;
    if (missing ? !required : Value.Check(prop, value[variable])) continue;
    const given = env[variable];
    problems.push({
      variable,
      expected: describeExpected(prop),
      ...(given !== undefined && !secretLike.test(variable) ? { received: given } : {}),
    });
  }
  const reported = new Set(problems.map((p) => p.variable));
  if (!reported.has('PUBLIC_URL')) {
    problems.push(...productionSecretProblems(schema, value).filter((p) => !reported.has(p.variable)));
  }
  if (problems.length > 0) throw new ConfigError(kind, problems);
  return Object.freeze(value) as EnvFor<K>;
}

/** For `main.ts`: parse once, or print every problem and exit non-zero. */
export function loadConfigOrExit<K extends ProcessKind>(kind: K): EnvFor<K> {
  try {
    return loadConfig(kind, process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
}

/** Every variable of every process kind, with its default and meaning (README table, infra checks). */
export function describeVariables(): {
  name: string;
  kinds: ProcessKind[];
  default?: unknown;
  description: string;
}[] {
  const rows = new Map<
    string,
    { name: string; kinds: ProcessKind[]; default?: unknown; description: string }
  >();
  for (const [kind, schema] of Object.entries(schemas) as [ProcessKind, TObject][]) {
    for (const [name, prop] of Object.entries(schema.properties)) {
      const p = prop as { default?: unknown; description?: string };
      const row = rows.get(name) ?? { name, kinds: [], default: p.default, description: p.description ?? '' };
      row.kinds.push(kind);
      rows.set(name, row);
    }
  }
  return [...rows.values()];
}
