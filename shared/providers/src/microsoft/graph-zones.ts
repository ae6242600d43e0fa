/**
 * Graph names zones the Windows way ("Pacific Standard Time") and also accepts a listed set of IANA
 * names (PROVIDERS.md §6, M-TZ); the domain speaks IANA only. windows-iana carries CLDR's windowsZones
 * table, as cal.com's Office 365 adapter uses it (STYLE §1.3).
 */
import { findIana, findWindows } from 'windows-iana';
import { isIanaZone } from '../provider-time.js';

/** A Graph zone name (Windows or IANA) as an IANA zone, or undefined (e.g. `tzone://Microsoft/Custom`). */
export function graphZoneToIana(name: string | null | undefined): string | undefined {
  if (!name) return undefined;
  if (name === 'UTC') return 'UTC';
  const mapped = findIana(name)?.[0];
  if (mapped) return mapped;
  return isIanaZone(name) ? name : undefined;
}

/** An IANA zone as the Windows name Graph always understands; IANA as is when CLDR has no mapping. */
export function ianaToGraphZone(zone: string): string {
  if (zone === 'UTC' || zone === 'Etc/UTC') return 'UTC';
  return findWindows(zone)?.[0] ?? zone;
}
