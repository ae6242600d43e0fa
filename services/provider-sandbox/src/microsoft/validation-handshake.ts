/**
 * The notificationUrl validation handshake (graph-subscription-validation-handshake.txt): POST
 * `?validationToken=<url-encoded token>` with a text/plain body type; the endpoint must answer 200,
 * `text/plain`, and the URL-decoded token within 10 s, otherwise no subscription is created.
 * The token imitates Graph's ("Validation: Testing client application reachability…"): it contains
 * spaces and a colon, so an endpoint that echoes the still-encoded value fails as it would against Graph.
 *
 * This POST is made here rather than through core.push because the deliverer reports only the status,
 * and the handshake needs the response body and content type.
 */
import { randomUUID } from 'node:crypto';

const TIMEOUT_MS = 10_000;
const FAILED =
  'Subscription validation request failed. Notification endpoint must respond with 200 OK to validation request.';

/** undefined when the endpoint passed; otherwise Graph's failure message. */
export async function validateEndpoint(url: string, timeoutMs = TIMEOUT_MS): Promise<string | undefined> {
  const token = `Validation: Testing client application reachability for subscription Request-Id: ${randomUUID()}`;
  const target = `${url}${url.includes('?') ? '&' : '?'}validationToken=${encodeURIComponent(token)}`;
  try {
    const response = await fetch(target, {
      method: 'POST',
      headers: { 'content-type': 'text/plain; charset=utf-8' },
      signal: AbortSignal.timeout(timeoutMs),
      redirect: 'manual',
    });
    const text = await response.text();
    if (response.status !== 200) return FAILED;
    if (!(response.headers.get('content-type') ?? '').toLowerCase().startsWith('text/plain')) {
      return 'Subscription validation request failed. Response must have content type text/plain.';
    }
    if (text !== token)
      return 'Subscription validation request failed. Response must exactly match validationToken query parameter.';
    return undefined;
  } catch {
    return FAILED;
  }
}
