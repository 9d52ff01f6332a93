import type { Principal } from './auth/verifier.js';

export type Role = 'agent' | 'supervisor' | 'admin';

/** The highest role among the user's Cognito groups, or null (no known role: no commands). */
export function roleOf(p: Principal): Role | null {
  if (p.groups.includes('admin')) return 'admin';
  if (p.groups.includes('supervisor')) return 'supervisor';
  if (p.groups.includes('agent')) return 'agent';
  return null;
}

/** Station scope: `custom:stations` lists the user's stations; `*` = all. */
export function holdsStation(p: Principal, station: string): boolean {
  return p.stations.includes('*') || p.stations.includes(station);
}

export function holdsAnyStation(p: Principal, stations: string[]): boolean {
  return stations.some((s) => holdsStation(p, s));
}
