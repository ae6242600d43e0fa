/**
 * Proposes a role for each person the user meets one-on-one, from the calendar alone. A proposal is
 * only a suggestion: a role the user set in People always wins, and is never replaced by one.
 *
 * The signals, in order:
 * - no recurring 1:1 with the person → `other` (a one-off meeting says nothing about who they are);
 * - outside the organisation (not one of the internal domains, and external people not allowed as
 *   colleagues) → `partner`;
 * - when the user runs a team meeting (a recurring meeting they organize with at least
 *   TEAM_MIN_OTHERS colleagues), its members are the reports and every other 1:1 is with a partner:
 *   a report may well organize the 1:1 with their manager, and the user may organize one with a
 *   designer or a product manager;
 * - without a team meeting, a recurring 1:1 the user organizes is with a report, one organized by the
 *   other person is with a partner.
 */
import {
  DEFAULT_PREFERENCES,
  otherPeople,
  type CalendarEvent,
  type PersonRole,
  type PersonSettings,
  type Preferences,
  type RoleSource,
} from '@frontload/domain';

/** What detection reads besides the events. */
export interface RoleContext {
  /** The account the calendar belongs to: its domain is the organisation's when none is configured. */
  readonly userEmail: string;
  readonly preferences?: Preferences;
  /** The user's settings: a `role` here is the user's and wins; `allowExternal` counts as a colleague. */
  readonly people?: readonly PersonSettings[];
}

/** A person's role and whether the user set it or the calendar suggests it. */
export interface PersonRoleView {
  readonly role: PersonRole;
  readonly source: RoleSource;
}

/** Other people (besides the user) a recurring meeting needs before it reads as the user's team meeting. */
export const TEAM_MIN_OTHERS = 3;

const domainOf = (email: string) => email.slice(email.lastIndexOf('@') + 1).toLowerCase();

/** The domains counted as the user's organisation: the configured ones, else the user's own. */
export function internalDomains(userEmail: string, prefs: Preferences = DEFAULT_PREFERENCES): Set<string> {
  return new Set(
    prefs.oneOnOnes.internalDomains.length > 0
      ? prefs.oneOnOnes.internalDomains.map((d) => d.toLowerCase())
      : [domainOf(userEmail)],
  );
}

/** How the user meets one person one-on-one, over the events read. */
interface OneOnOneSignals {
  organizedBySelf: boolean;
  organizedByOther: boolean;
}

/** A meeting whose attendees say something about the people in it: not all-day, not ours, a meeting. */
const meaningful = (e: CalendarEvent) => !e.allDay && !e.tag && e.eventType === 'default';

function readCalendar(events: readonly CalendarEvent[], internal: ReadonlySet<string>) {
  const oneOnOnes = new Map<string, OneOnOneSignals>();
  const team = new Set<string>();
  for (const event of events) {
    if (!meaningful(event) || event.kind === 'single') continue;
    const others = otherPeople(event).map((a) => a.email.toLowerCase());
    if (others.length === 1) {
      const email = others[0]!;
      const signals = oneOnOnes.get(email) ?? { organizedBySelf: false, organizedByOther: false };
      if (event.organizerIsSelf) signals.organizedBySelf = true;
      else signals.organizedByOther = true;
      oneOnOnes.set(email, signals);
    } else if (event.organizerIsSelf && event.status !== 'cancelled') {
      const colleagues = others.filter((email) => internal.has(domainOf(email)));
      if (colleagues.length >= TEAM_MIN_OTHERS) for (const email of colleagues) team.add(email);
    }
  }
  return { oneOnOnes, team };
}

/**
 * The role of every person the user has a recurring 1:1 with, plus every person the user set a role
 * for: the user's role where they set one (`source: 'user'`), else the one the calendar suggests
 * (`source: 'detected'`). Keys are lower-case addresses. Pure: the same events give the same roles.
 */
export function detectRoles(events: readonly CalendarEvent[], ctx: RoleContext): Map<string, PersonRoleView> {
  const prefs = ctx.preferences ?? DEFAULT_PREFERENCES;
  const internal = internalDomains(ctx.userEmail, prefs);
  const settings = new Map((ctx.people ?? []).map((p) => [p.email.toLowerCase(), p]));
  const colleague = (email: string) =>
    internal.has(domainOf(email)) ||
    prefs.oneOnOnes.allowExternal ||
    settings.get(email)?.allowExternal === true;
  const { oneOnOnes, team } = readCalendar(events, internal);
  const roles = new Map<string, PersonRoleView>();
  for (const [email, signals] of oneOnOnes) {
    let role: PersonRole;
    if (!colleague(email)) role = 'partner';
    else if (team.size > 0) role = team.has(email) ? 'report' : 'partner';
    else role = signals.organizedBySelf ? 'report' : 'partner';
    roles.set(email, { role, source: 'detected' });
  }
  // Never fight the person: what they said stands, whatever the calendar suggests.
  for (const [email, person] of settings) {
    if (person.role !== undefined) roles.set(email, { role: person.role, source: 'user' });
  }
  return roles;
}

/** A person's role from a `detectRoles` map: `other` when the calendar says nothing about them. */
export function roleOf(roles: ReadonlyMap<string, PersonRoleView>, email: string): PersonRole {
  return roles.get(email.toLowerCase())?.role ?? 'other';
}
