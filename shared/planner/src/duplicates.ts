import type { ParsedEvent, PlanContext } from './model.js';

/**
 * Events that look like copies of each other (same start, end, title and guests, different ids), as
 * when the same invitation reaches the calendar twice. Moving one would leave its twin behind, so all
 * copies are left alone (and still count as busy).
 */
export function findDuplicates(ctx: PlanContext): Set<string> {
  // Most events have a slot of their own, so compare full signatures only where slots coincide.
  const bySlot = new Map<number, ParsedEvent[]>();
  for (const e of ctx.events) {
    if (e.cancelled || e.ours || e.event.allDay || !e.withPeople) continue;
    const same = bySlot.get(e.start);
    if (same) same.push(e);
    else bySlot.set(e.start, [e]);
  }
  const duplicates = new Set<string>();
  for (const same of bySlot.values()) {
    if (same.length < 2) continue;
    // Guests are compared (sorted, lowercased) only among events that also share end and title.
    const byEndAndTitle = new Map<string, ParsedEvent[]>();
    for (const e of same) {
      const key = `${e.end}|${e.event.title}`;
      const group = byEndAndTitle.get(key);
      if (group) group.push(e);
      else byEndAndTitle.set(key, [e]);
    }
    for (const candidates of byEndAndTitle.values()) {
      if (candidates.length < 2) continue;
      const groups = new Map<string, string[]>();
      for (const e of candidates) {
        const guests = e.event.attendees
          .map((a) => a.email.toLowerCase())
          .sort()
          .join(',');
        groups.set(guests, [...(groups.get(guests) ?? []), e.id]);
      }
      for (const ids of groups.values()) if (ids.length > 1) ids.forEach((id) => duplicates.add(id));
    }
  }
  return duplicates;
}
