/**
 * One input guard for every route: no string anywhere in a request body, querystring or path
 * parameters (values and object keys alike) may hold a NUL character or an unpaired UTF-16
 * surrogate. Postgres refuses both in text and jsonb, so they would otherwise surface as a 500
 * after part of the work was done; here they are a 400 FL_VALIDATION_FAILED naming the field.
 *
 * It lives in the schema compiler: `safeText` is an Ajv keyword on the app's Ajv instance
 * (`ajvSafeText`), and `guardRouteSchemas` (an onRoute hook) puts it at the root of each route's
 * body, querystring and params schema, adding one where a route declares none. The keyword walks
 * the value once and reports each offending string at its JSON pointer, so the error lists the
 * same field paths as every other schema failure.
 */
import type { FastifySchema, FastifyServerOptions, RouteOptions } from 'fastify';

/** Fastify's own Ajv (v8, through @fastify/ajv-compiler), as its `ajv.plugins` option receives it. */
type AjvPlugin = Extract<
  NonNullable<NonNullable<FastifyServerOptions['ajv']>['plugins']>[number],
  (...args: never[]) => unknown
>;
type Ajv = Parameters<AjvPlugin>[0];
type KeywordDefinition = Extract<Parameters<Ajv['addKeyword']>[0], { validate?: unknown }>;
type ErrorObject = {
  keyword: string;
  instancePath: string;
  schemaPath: string;
  params: object;
  message: string;
};

export const SAFE_TEXT_KEYWORD = 'safeText';
const MESSAGE = 'must not contain NUL characters or unpaired UTF-16 surrogates';

/** Whether a string can be stored as Postgres text: well-formed UTF-16 and no NUL. */
// eslint-disable-next-line no-control-regex -- NUL is exactly what this looks for
const UNSAFE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
export const isSafeText = (text: string): boolean => !UNSAFE.test(text);

const pointerSegment = (key: string | number) => String(key).replaceAll('~', '~0').replaceAll('/', '~1');

function collect(value: unknown, path: string, errors: ErrorObject[]): void {
  if (typeof value === 'string') {
    if (!isSafeText(value)) errors.push(error(path));
  } else if (Array.isArray(value)) {
    value.forEach((item, index) => collect(item, `${path}/${index}`, errors));
  } else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      const at = `${path}/${pointerSegment(key)}`;
      if (!isSafeText(key)) errors.push(error(at));
      collect(item, at, errors);
    }
  }
}

const error = (instancePath: string): ErrorObject => ({
  keyword: SAFE_TEXT_KEYWORD,
  instancePath,
  schemaPath: `#/${SAFE_TEXT_KEYWORD}`,
  params: {},
  message: MESSAGE,
});

/** Ajv plugin (Fastify's `ajv.plugins`): defines the `safeText` keyword. */
export function ajvSafeText(ajv: Ajv): Ajv {
  const validate: NonNullable<KeywordDefinition['validate']> & { errors?: ErrorObject[] } = (
    enabled: boolean,
    data: unknown,
    _parentSchema?: unknown,
    context?: { instancePath: string },
  ) => {
    if (!enabled) return true;
    const errors: ErrorObject[] = [];
    collect(data, context?.instancePath ?? '', errors);
    validate.errors = errors;
    return errors.length === 0;
  };
  return ajv.addKeyword({ keyword: SAFE_TEXT_KEYWORD, schemaType: 'boolean', errors: true, validate });
}

const PARTS = ['body', 'querystring', 'params'] as const;

/** onRoute hook: adds the `safeText` keyword to every request part's schema of the route. */
export function guardRouteSchemas(route: RouteOptions): void {
  const schema: FastifySchema = { ...route.schema };
  for (const part of PARTS) {
    const own = schema[part] as Record<string, unknown> | undefined;
    // A copy: TypeBox schemas are shared between routes and with response schemas.
    schema[part] = { ...own, [SAFE_TEXT_KEYWORD]: true };
  }
  route.schema = schema;
}

/** A route schema as its author wrote it: the guard's keyword (and the parts only it added) removed, for docs. */
export function withoutGuard<S extends object>(schema: S): S {
  const copy = { ...schema } as Record<string, unknown>;
  for (const part of PARTS) {
    const own = copy[part] as Record<string, unknown> | undefined;
    if (!own || !(SAFE_TEXT_KEYWORD in own)) continue;
    const { [SAFE_TEXT_KEYWORD]: _guard, ...rest } = own;
    if (Reflect.ownKeys(rest).length === 0) delete copy[part];
    else copy[part] = rest;
  }
  return copy as S;
}
