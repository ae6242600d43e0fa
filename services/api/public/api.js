/**
 * The page's only way to the server: JSON over fetch with the session cookie. Writes carry the CSRF
 * token, fetched once from /api/v1/csrf-token (the matching secret sits in an httpOnly cookie).
 */

/** A refused request, with the API's error body (`code`, `message`, `details`). */
export class ApiError extends Error {
  constructor(status, body) {
    super(body?.message ?? `Request failed (${status})`);
    this.status = status;
    this.code = body?.code ?? 'FL_UNKNOWN';
    this.details = Array.isArray(body?.details) ? body.details : [];
  }
}

let csrfToken;

/**
 * This page's name on its writes (`x-fl-page`): the live stream tells the user's other pages of each
 * change, and tells this one it was its own, so it does not draw again what it just drew.
 */
export const PAGE_ID = Array.from(crypto.getRandomValues(new Uint8Array(12)), (b) =>
  b.toString(16).padStart(2, '0'),
).join('');

async function token() {
  if (!csrfToken) {
    const res = await fetch('/api/v1/csrf-token', { credentials: 'same-origin' });
    if (!res.ok) throw new ApiError(res.status, await res.json().catch(() => undefined));
    csrfToken = (await res.json()).token;
  }
  return csrfToken;
}

/**
 * Calls the API; resolves with the parsed body (undefined for 204), rejects with ApiError.
 * @param {string} method
 * @param {string} path
 * @param {unknown} [body]
 */
export async function api(method, path, body) {
  const headers = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET') {
    headers['x-csrf-token'] = await token();
    headers['x-fl-page'] = PAGE_ID;
  }
  const res = await fetch(path, {
    method,
    headers,
    credentials: 'same-origin',
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (res.status === 204) return undefined;
  const parsed = await res.json().catch(() => undefined);
  if (!res.ok) {
    // A stale token (the secret cookie expired or was replaced) is fetched again on the next write.
    if (parsed?.code === 'FL_CSRF_INVALID') csrfToken = undefined;
    throw new ApiError(res.status, parsed);
  }
  return parsed;
}

/**
 * A GET that names the ETag of the answer the page already has: resolves with `{ changed: false }`
 * on 304 (nothing new, nothing to parse), else `{ changed: true, status, etag, body }`, where a 404
 * is an answer too (nothing there yet). Other refusals reject with ApiError.
 * @param {string} path
 * @param {string | undefined} etag
 */
export async function getIfChanged(path, etag) {
  const headers = { accept: 'application/json' };
  if (etag) headers['if-none-match'] = etag;
  const res = await fetch(path, { headers, credentials: 'same-origin', cache: 'no-store' });
  if (res.status === 304) return { changed: false };
  const parsed = await res.json().catch(() => undefined);
  if (!res.ok && res.status !== 404) throw new ApiError(res.status, parsed);
  return { changed: true, status: res.status, etag: res.headers.get('etag') ?? undefined, body: parsed };
}
