/**
 * Asynchronous check-ins: the short messages a manager sends a person when their 1:1 is skipped, or
 * when they have not met in a while. Frontload drafts them from the user's templates; the user sends
 * them (chat posting is not there yet).
 */

/** The default template for a person not seen in a while (`{name}`: their first name). */
export const DEFAULT_NOT_SEEN_CHECK_IN =
  'Hi {name}, it has been a while since we last caught up. How are things going? If anything is on your mind, reply here or grab time on my calendar: I will make time.';

/**
 * A template with its placeholders filled: `{name}` is the person's first name (the first word of
 * the name their calendar gives; "there" without one), `{meeting}` the 1:1's title (or "our 1:1").
 */
export function renderCheckIn(
  template: string,
  person: { name?: string | undefined; meeting?: string },
): string {
  const first = person.name?.trim().split(/\s+/)[0] || 'there';
  const meeting = person.meeting?.trim() || 'our 1:1';
  return template.replaceAll('{name}', first).replaceAll('{meeting}', meeting);
}
